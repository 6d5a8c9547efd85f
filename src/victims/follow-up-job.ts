// The follow-up job: sends the check-ins that are due ("Did you reach the rehabilitation centre? 1 yes, 2 no,
// 3 I need help") to the survivor or family in their language, through the outbox, only with consent to
// services, never in quiet hours. An unanswered check-in is sent once more; after two tries a task is raised.
// The 12-month check-in also raises a needs re-assessment. Idempotent (rows are locked and moved on; outbox
// rows carry dedupe keys) and capped per run; tests call run(now) with an injected clock.
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/scheduler.js';
import type { Tx } from '../lib/db.js';
import type { VaFollowUp } from '../generated/prisma/client.js';
import { enqueue } from '../outbox/enqueue.js';
import { countryFacts } from '../districts/countries.js';
import { countryOfPhone } from '../subscribers/phone.js';
import { consentsToServices, activeConsents } from './consents.service.js';
import { afterQuietHours } from './quiet-hours.js';
import { raiseTask } from './tasks.service.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log' | 'outbox'>;

export const FOLLOW_UP_BATCH = 100;
export const MAX_TRIES = 2;
/** The check-in at (or after) a year asks for a re-assessment of needs as well. */
const REASSESS_AFTER_DAYS = 365;

export interface FollowUpRunResult {
  sent: number;
  skipped: number;
  unanswered: number;
}

export function createFollowUpJob(ctx: Ctx): Job<FollowUpRunResult> {
  return {
    name: 'victim-follow-ups',
    schedule: ctx.config.victims.followUpCron,
    run: (now = ctx.clock.now()) => runFollowUps(ctx, now),
  };
}

export async function runFollowUps(ctx: Ctx, now: Date): Promise<FollowUpRunResult> {
  const retryBefore = new Date(now.getTime() - ctx.config.victims.followUpRetryHours * 3_600_000);
  const result = await ctx.prisma.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM va_follow_ups
      WHERE (status = 'scheduled' AND due_at <= ${now}) OR (status = 'sent' AND last_sent_at <= ${retryBefore})
      ORDER BY due_at, id
      LIMIT ${FOLLOW_UP_BATCH}
      FOR UPDATE SKIP LOCKED`;
    const r: FollowUpRunResult = { sent: 0, skipped: 0, unanswered: 0 };
    for (const { id } of due) {
      const f = await tx.vaFollowUp.findUniqueOrThrow({ where: { id } });
      const outcome = await handleDue(ctx, tx, f, now);
      r[outcome]++;
    }
    return r;
  }, { timeout: 60_000, maxWait: 15_000 });
  if (result.sent > 0) ctx.outbox.notify();
  if (result.sent + result.skipped + result.unanswered > 0) ctx.log.info({ ...result }, 'victim follow-ups');
  return result;
}

async function handleDue(ctx: Ctx, tx: Tx, f: VaFollowUp, now: Date): Promise<keyof FollowUpRunResult> {
  const casualty = await tx.casualty.findUniqueOrThrow({ where: { id: f.casualtyId } });
  const referral = await tx.vaReferral.findUniqueOrThrow({ where: { id: f.referralId } });
  if (f.status === 'scheduled' && f.offsetDays >= REASSESS_AFTER_DAYS) {
    await raiseTask(tx, { kind: 'reassessment', casualtyId: casualty.id, referralId: referral.id, followUpId: f.id, note: `needs re-assessment ${f.kind} after referral ${referral.id}`, at: now });
  }
  if (f.status === 'sent' && f.attempt >= MAX_TRIES) {
    await tx.vaFollowUp.update({ where: { id: f.id }, data: { status: 'unanswered' } });
    await raiseTask(tx, { kind: 'no_answer', casualtyId: casualty.id, referralId: referral.id, followUpId: f.id, note: `no answer to the ${f.kind} check-in after ${f.attempt} tries`, at: now });
    return 'unanswered';
  }
  const skip = casualty.erasedAt ? 'erased' : !casualty.contactPhone ? 'no contact phone' : !consentsToServices(await activeConsents(tx, casualty.id)) ? 'no consent to services' : null;
  if (skip) {
    await tx.vaFollowUp.update({ where: { id: f.id }, data: { status: 'skipped', skipReason: skip } });
    return 'skipped';
  }
  const phone = casualty.contactPhone!;
  const locale = casualty.language;
  const t = (k: string, v?: Record<string, unknown>) => ctx.i18n.t(locale, k, v);
  const tz = countryFacts(ctx.config, countryOfPhone(phone) ?? ctx.config.defaultCountry).timeZone;
  const sendAt = afterQuietHours(now, tz, ctx.config.victims.quietStart, ctx.config.victims.quietEnd);
  const attempt = f.attempt + 1;
  await enqueue(tx, {
    kind: 'follow_up',
    to: phone,
    body: t('victims:followUp.question', { service: t(`victims:serviceShort.${referral.serviceType}`) }),
    locale,
    notBefore: sendAt,
    dedupeKey: `va:followup:${f.id}:${attempt}`,
  });
  await tx.vaFollowUp.update({ where: { id: f.id }, data: { status: 'sent', attempt, lastSentAt: sendAt } });
  return 'sent';
}
