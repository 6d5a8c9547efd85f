// The voice hotline's Twilio webhooks (mounted under /webhooks/twilio/voice, behind the signature check):
//   POST /            incoming call          → TwiML (language menu or main menu)
//   POST /step?t=<n>  key press or <Record> → TwiML of the next step
//   POST /recording   recordingStatusCallback → 204
//   POST /status      the number's call status callback (call ended) → 204
// A post without the fields Twilio always sends gets the apology TwiML (200) rather than an error page:
// whoever is on the line hears the emergency number. Unsigned posts are refused with 403 before this.
import { Router, type ErrorRequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { VoiceCallSchema, VoiceStepQuerySchema } from './twilio.schemas.js';
import { answerVoice } from '../ivr/hotline.service.js';
import { storeRecording } from '../ivr/call-events.js';
import { voiceScreenTwiml } from '../messaging/voice-twiml.js';

/** What a caller hears when their call cannot be handled: never silence, never Twilio's "application error". */
export function apologyTwiml(emergencyNumber: string): string {
  const digits = emergencyNumber.replace(/\D/g, '').split('').join(' ');
  return voiceScreenTwiml({
    items: [{ say: `Sorry, Hazardline cannot take your call now. Please call again later. If someone is hurt, call ${digits}.`, locale: 'en' }],
    next: { hangup: true },
  });
}

/**
 * Who the villager is. On a call they placed it is From; on a call we placed to them (the missed-call callback
 * lands on this same hotline) Twilio posts our number as From and theirs as To.
 */
function parties(b: { From: string; To: string; Direction?: string | undefined }): { from: string; to: string } {
  return b.Direction?.startsWith('outbound') ? { from: b.To, to: b.From } : { from: b.From, to: b.To };
}

export function createVoiceWebhookRouter(ctx: AppContext) {
  const router = Router();
  const apology = () => apologyTwiml(ctx.config.emergencyNumber);

  router.post('/', async (req, res) => {
    const body = VoiceCallSchema.safeParse(req.body);
    if (!body.success) return void res.type('text/xml').send(apology());
    const { CallSid, Digits } = body.data;
    res.type('text/xml').send(await answerVoice(ctx, { callSid: CallSid, ...parties(body.data), digits: Digits ?? null }, null));
  });

  router.post('/step', async (req, res) => {
    const body = VoiceCallSchema.safeParse(req.body);
    const query = VoiceStepQuerySchema.safeParse(req.query);
    if (!body.success || !query.success) return void res.type('text/xml').send(apology());
    const { CallSid, Digits, RecordingUrl, RecordingSid, RecordingDuration } = body.data;
    // A <Record> action carries the recording as well; the status callback may come later or not at all.
    if (RecordingUrl) await storeRecording(ctx, { callSid: CallSid, url: RecordingUrl, sid: RecordingSid ?? null, seconds: RecordingDuration ?? null });
    res.type('text/xml').send(await answerVoice(ctx, { callSid: CallSid, ...parties(body.data), digits: Digits ?? null }, query.data.t));
  });

  router.post('/recording', async (req, res) => {
    const body = VoiceCallSchema.parse(req.body);
    if (body.RecordingUrl && (!body.RecordingStatus || body.RecordingStatus === 'completed')) {
      const r = await storeRecording(ctx, { callSid: body.CallSid, url: body.RecordingUrl, sid: body.RecordingSid ?? null, seconds: body.RecordingDuration ?? null });
      if (!r.matched) req.log.warn('recording callback for an unknown call');
    }
    res.status(204).end();
  });

  // POST /status (the call's end) is served by voice-out.routes.ts, which also handles missed calls.

  // A failure inside a turn (the database away) must still give the caller words, not Twilio's error message.
  const toTwiml: ErrorRequestHandler = (err, req, res, next) => {
    if (req.path === '/' || req.path === '/step') {
      req.log.error({ err }, 'voice turn failed: answered with the apology');
      return void res.type('text/xml').send(apology());
    }
    next(err);
  };
  router.use(toTwiml);
  return router;
}
