// Twilio webhooks: thin handlers that check the signature, validate the form post and hand off.
import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { verifyTwilioSignature } from './twilio-signature.js';
import { InboundSmsSchema, StatusCallbackQuerySchema, StatusCallbackSchema, mediaUrlsOf } from './twilio.schemas.js';
import { applyStatusCallback } from '../outbox/record-result.js';
import { answeredByOf, outboxStatusOf } from '../messaging/provider-status.js';
import { messagingTwiml } from '../messaging/twiml.js';
import { storeInbound } from '../inbound/store-inbound.js';
import { requireContentType } from '../lib/http.js';
import { createVoiceWebhookRouter } from './voice.routes.js';

export function createTwilioWebhookRouter(ctx: AppContext) {
  const router = Router();
  router.use(
    requireContentType('application/x-www-form-urlencoded'),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    verifyTwilioSignature(ctx),
  );

  // Store and answer: the reply, like everything sent to a person, goes through the outbox once the inbound
  // worker has processed the message. An empty <Response/> tells Twilio we have it.
  const EMPTY = messagingTwiml(null);
  router.post('/sms', async (req, res) => {
    const body = InboundSmsSchema.parse(req.body);
    const { stored } = await storeInbound(
      ctx.database,
      {
        messageSid: body.MessageSid,
        from: body.From,
        to: body.To,
        body: body.Body,
        mediaUrls: mediaUrlsOf(body, body.NumMedia),
        optOutType: body.OptOutType ?? null,
      },
      { defaultCountry: ctx.config.defaultCountry, now: ctx.clock.now() },
    );
    if (stored) ctx.inbound.notify();
    else ctx.metrics.inbound.inc({ kind: 'duplicate' });
    res.type('text/xml').send(EMPTY);
  });

  router.post('/status', async (req, res) => {
    const { o } = StatusCallbackQuerySchema.parse(req.query);
    const body = StatusCallbackSchema.parse(req.body);
    const kind = body.MessageSid ? 'message' : 'call';
    const providerStatus = (body.MessageStatus ?? body.CallStatus)!;
    const status = outboxStatusOf(kind, providerStatus);
    if (status) {
      const result = await applyStatusCallback(
        ctx.prisma,
        {
          outboxId: o ?? null, providerId: (body.MessageSid ?? body.CallSid)!, status, providerStatus, errorCode: body.ErrorCode ?? null,
          answeredBy: kind === 'call' ? answeredByOf(body.AnsweredBy) : null,
        },
        ctx.clock.now(),
      );
      if (!result.matched) req.log.warn({ outboxId: o, providerStatus }, 'status callback for an unknown message');
    }
    // Always 204: Twilio would retry anything else, and an unknown status or message will not become known.
    res.status(204).end();
  });

  router.use('/voice', createVoiceWebhookRouter(ctx));

  return router;
}

