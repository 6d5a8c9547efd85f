// Webhooks of outbound voice: the TwiML of the campaign and alert calls we place (after answering-machine
// detection), the key pressed at their end, and the status callbacks of inbound calls (missed calls). Thin:
// check the signature, validate, hand off, answer TwiML. A post we cannot place (no such call, parameters
// missing) is answered with a short "this call cannot continue" TwiML, never an error page read to a listener.
import express, { Router, type Response } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../lib/http.js';
import { verifyTwilioSignature } from './twilio-signature.js';
import { InboundCallStatusSchema, OutboundCallQuerySchema, OutboundCallSchema } from './voice-out.schemas.js';
import { VOICE_PATHS, outboxCallUrl } from '../messaging/voice-urls.js';
import { answeredByOf } from '../messaging/provider-status.js';
import { promptsTwiml } from '../messaging/call-twiml.js';
import { findCallRow, recordAnswer, type CallRow } from '../outbox/call-progress.js';
import { voicePrompt } from '../campaigns/voice-prompts.js';
import { answerCampaignCall, campaignMenuChoice, type MenuUrl } from '../campaigns/voice-call.js';
import { alertMenuChoice, answerAlertCall } from '../reports/alert-call.js';
import { handleInboundCallStatus } from '../ivr/missed-call.js';
import { endCall } from '../ivr/call-events.js';

/** Mounted at /webhooks/twilio, next to (before) the SMS and status router; routes carry their own middleware. */
const MOUNT = '/webhooks/twilio';
const local = (path: string) => path.slice(MOUNT.length);

export function createVoiceOutRouter(ctx: AppContext) {
  const router = Router();
  const form = [
    requireContentType('application/x-www-form-urlencoded'),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    verifyTwilioSignature(ctx),
  ];
  const send = (res: Response, xml: string) => res.type('text/xml').send(xml);
  const unavailable = () => promptsTwiml([voicePrompt(ctx, ctx.config.defaultLocale, 'unavailable')]);

  /** The call this post is about, or null (answered with `unavailable`). */
  async function callOf(req: express.Request) {
    const q = OutboundCallQuerySchema.safeParse(req.query);
    const body = OutboundCallSchema.safeParse(req.body);
    if (!q.success || !body.success) {
      req.log.warn({ path: req.path }, 'outbound call webhook without a call id or CallSid');
      return null;
    }
    const row = await findCallRow(ctx.prisma, q.data.o, body.data.CallSid);
    if (!row) req.log.warn({ outboxId: q.data.o }, 'outbound call webhook for no call of ours');
    return row ? { row, q: q.data, body: body.data } : null;
  }

  const menuUrl = (row: CallRow): MenuUrl => (p) =>
    outboxCallUrl(ctx.config.publicBaseUrl, VOICE_PATHS.menu, row.id, p.tries || p.replays ? { t: p.tries, r: p.replays } : {});

  router.post(local(VOICE_PATHS.answer), ...form, async (req, res) => {
    const call = await callOf(req);
    if (!call) return send(res, unavailable());
    const { row } = call;
    const answeredBy = answeredByOf(call.body.AnsweredBy);
    await recordAnswer(ctx.prisma, row.id, answeredBy, ctx.clock.now());
    if (row.kind === 'campaign') return send(res, answerCampaignCall(ctx, row, answeredBy, menuUrl(row)));
    if (row.alertId !== null) return send(res, await answerAlertCall(ctx, row, answeredBy, menuUrl(row)));
    send(res, unavailable());
  });

  router.post(local(VOICE_PATHS.menu), ...form, async (req, res) => {
    const call = await callOf(req);
    if (!call) return send(res, unavailable());
    const { row, q } = call;
    const digits = call.body.Digits.trim();
    const progress = { tries: q.t, replays: q.r };
    if (row.kind === 'campaign') return send(res, await campaignMenuChoice(ctx, row, digits, progress, menuUrl(row)));
    if (row.alertId !== null) return send(res, await alertMenuChoice(ctx, row, digits, progress, menuUrl(row)));
    send(res, unavailable());
  });

  // The Twilio number's "call status changes" URL, for every inbound call: a hotline call that ended sends its
  // report on (a hang-up half-way still leaves a routed report), and a call that ended unanswered may be called back.
  router.post(local(VOICE_PATHS.inboundStatus), ...form, async (req, res) => {
    const body = InboundCallStatusSchema.parse(req.body);
    await endCall(ctx, { callSid: body.CallSid, callStatus: body.CallStatus });
    await handleInboundCallStatus(ctx, {
      callSid: body.CallSid, from: body.From, to: body.To, callStatus: body.CallStatus, callDuration: body.CallDuration ?? null,
      direction: body.Direction ?? null,
    });
    // Always 204 once understood: Twilio would retry anything else, and the decision is already stored.
    res.status(204).end();
  });

  return router;
}
