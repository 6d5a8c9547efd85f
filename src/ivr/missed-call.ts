// Missed-call callback: villagers ring and hang up to save credit ("flash" calls). With
// VOICE_CALLBACK_ON_MISSED=true, an inbound call that ended before it was answered is called back through the
// outbox, into the hotline, unless the number was called back within VOICE_CALLBACK_WINDOW_MINUTES (a number
// ringing all day gets one call back per window, not one per ring). One row per CallSid in missed_calls keeps
// it idempotent (Twilio retries callbacks) and says what was done with each missed call.
import type { AppContext } from '../context.js';
import { enqueue } from '../outbox/enqueue.js';
import { isMissedInboundCall } from '../messaging/provider-status.js';
import { VOICE_PATHS } from '../messaging/voice-urls.js';
import { maskPhone } from '../lib/logger.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'clock' | 'log' | 'outbox'>;

export interface InboundCallStatus {
  callSid: string;
  from: string;
  to: string;
  callStatus: string;
  callDuration: number | null;
  /** inbound, outbound-api, outbound-dial: only calls to us are callers to call back. */
  direction: string | null;
}

export type MissedCallOutcome = 'not_missed' | 'duplicate' | 'called_back' | 'recent' | 'not_callable' | 'disabled';

/** A number we can call: E.164. Withheld numbers arrive as "Anonymous", "+266696687", "client:…" or empty. */
const CALLABLE = /^\+[1-9]\d{7,14}$/;
const WITHHELD = new Set(['+266696687', '+86282452253', '+7378742833', '+2562533']);

export async function handleInboundCallStatus(ctx: Ctx, s: InboundCallStatus): Promise<MissedCallOutcome> {
  if (s.direction && s.direction !== 'inbound') return 'not_missed';
  if (!isMissedInboundCall(s.callStatus, s.callDuration)) return 'not_missed';
  const now = ctx.clock.now();
  const cfg = ctx.config.outboundVoice;
  const callable = CALLABLE.test(s.from) && !WITHHELD.has(s.from);
  const result = await ctx.prisma.$transaction(async (tx) => {
    // One decision per number at a time: two missed calls from one phone arriving together cannot both win.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`hazardline:missed-call:${s.from}`}))`;
    const seen = await tx.missedCall.findUnique({ where: { callSid: s.callSid }, select: { outcome: true } });
    if (seen) return 'duplicate' as const;
    let outcome: Exclude<MissedCallOutcome, 'not_missed' | 'duplicate'>;
    if (!cfg.callbackOnMissed) outcome = 'disabled';
    else if (!callable) outcome = 'not_callable';
    else {
      const since = new Date(now.getTime() - cfg.callbackWindowMinutes * 60_000);
      const recent = await tx.missedCall.findFirst({ where: { fromPhone: s.from, outcome: 'called_back', receivedAt: { gt: since } }, select: { callSid: true } });
      outcome = recent ? 'recent' : 'called_back';
    }
    let outboxId: number | null = null;
    if (outcome === 'called_back') {
      // Twilio needs no TwiML from us here: the call runs the hotline, as if the villager had called it.
      const row = await enqueue(tx, {
        kind: 'call', to: s.from, from: s.to, body: '', callUrl: VOICE_PATHS.hotline, dedupeKey: `missed-call:${s.callSid}`,
      });
      outboxId = row.id;
    }
    await tx.missedCall.create({
      data: { callSid: s.callSid, fromPhone: s.from, toPhone: s.to, callStatus: s.callStatus, outcome, outboxId, receivedAt: now },
    });
    return outcome;
  });
  if (result === 'called_back') ctx.outbox.notify();
  if (result !== 'duplicate') ctx.log.info({ from: maskPhone(s.from), callStatus: s.callStatus, outcome: result }, 'missed call');
  return result;
}
