// Twilio webhooks: thin handlers that check the signature, validate the form post and hand off.
import express, { Router } from 'express';
import twilio from 'twilio';
import type { AppContext } from '../context.js';
import { verifyTwilioSignature } from './twilio-signature.js';
import { InboundSmsSchema, mediaUrlsOf } from './twilio.schemas.js';
import { receiveSms } from '../inbound/receive-sms.js';
import { requireContentType } from '../lib/http.js';

export function twiml(reply: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return response.toString();
}

export function createTwilioWebhookRouter(ctx: AppContext) {
  const router = Router();
  router.use(
    requireContentType('application/x-www-form-urlencoded'),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    verifyTwilioSignature(ctx),
  );

  router.post('/sms', async (req, res) => {
    const body = InboundSmsSchema.parse(req.body);
    const result = await receiveSms(ctx, {
      messageSid: body.MessageSid,
      from: body.From,
      to: body.To,
      body: body.Body,
      mediaUrls: mediaUrlsOf(body, body.NumMedia),
    });
    res.type('text/xml').send(twiml(result.reply));
  });

  return router;
}
