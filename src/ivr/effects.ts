// What a hotline turn changes, applied inside the turn's transaction: the caller's language, the call's
// report (created at the first answer, then completed, then settled once), a subscription, an opt-out. SMS
// confirmations go through the outbox, keyed by the call so a retried webhook queues nothing twice.
import { randomBytes } from 'node:crypto';
import type { IvrCall, Subscriber } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { audit } from '../lib/audit.js';
import { enqueue } from '../outbox/enqueue.js';
import { handleKeyword } from '../subscribers/handle-keyword.js';
import { districtDisplayName } from '../districts/resolve-district.js';
import { createVoiceReport, settleVoiceReport, updateVoiceReport, type VoiceAnswers } from '../reports/voice-intake.js';
import type { CallState, Effect } from './types.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log' | 'places'>;

export interface CallRefs {
  call: Pick<IvrCall, 'id' | 'callSid' | 'fromPhone' | 'reportId' | 'linkToken' | 'settledAt'>;
  sub: Subscriber | null;
}

export function answersOf(state: CallState): VoiceAnswers {
  const r = state.report;
  const unit = r.commune ?? r.district ?? r.province ?? null;
  return {
    pcode: unit?.pcode ?? null,
    device: r.device ?? null,
    casualties: r.casualties ?? null,
    keys: {
      province: r.province?.pcode ?? null, district: r.district?.pcode ?? null, commune: r.commune?.pcode ?? null,
      device: r.device ?? null, casualties: r.casualties ?? null,
    },
  };
}

/** Applies the effects in order; returns the call's refs as they are afterwards (report id, link, settled). */
export async function applyEffects(ctx: Ctx, tx: Tx, refs: CallRefs, state: CallState, effects: Effect[]): Promise<CallRefs> {
  let { call, sub } = refs;
  for (const effect of effects) {
    switch (effect.kind) {
      case 'setLanguage':
        if (sub) sub = await tx.subscriber.update({ where: { id: sub.id }, data: { language: effect.locale, languageSource: 'chosen' } });
        break;
      case 'saveReport':
        if (call.reportId === null) {
          const token = call.linkToken ?? randomBytes(12).toString('base64url');
          const report = await createVoiceReport(ctx, tx, {
            phone: call.fromPhone,
            subscriberId: sub?.id ?? null,
            locale: state.locale,
            recordingLink: `${ctx.config.publicBaseUrl}/r/${token}`,
            answers: answersOf(state),
          });
          call = { ...call, reportId: report.id, linkToken: token };
          await tx.ivrCall.update({ where: { id: call.id }, data: { reportId: report.id, linkToken: token } });
        } else {
          await updateVoiceReport(ctx, tx, call.reportId, answersOf(state));
        }
        break;
      case 'settleReport':
        if (call.reportId !== null && !call.settledAt) {
          await settleVoiceReport(ctx, tx, call.reportId, 'key answers complete');
          const settledAt = ctx.clock.now();
          call = { ...call, settledAt };
          await tx.ivrCall.update({ where: { id: call.id }, data: { settledAt } });
        }
        break;
      case 'subscribe':
        if (sub) sub = await subscribe(ctx, tx, sub, effect.district, effect.commune, call.callSid);
        break;
      case 'optOut':
        if (sub) {
          const out = await handleKeyword(ctx, tx, sub, { command: 'stop', locale: sub.language as Locale, keyword: 'voice', rest: '' });
          if (out?.reply) await confirmBySms(tx, sub, out.reply, `ivr:${call.callSid}:stop`);
          sub = await tx.subscriber.findUniqueOrThrow({ where: { id: sub.id } });
        }
        break;
    }
  }
  return { call, sub };
}

async function subscribe(ctx: Ctx, tx: Tx, sub: Subscriber, district: string, commune: string | null, callSid: string) {
  const unit = await tx.adminUnit.findUnique({ where: { pcode: district } });
  if (!unit) return sub;
  const now = ctx.clock.now();
  const updated = await tx.subscriber.update({
    where: { id: sub.id },
    data: {
      status: 'active',
      districtPcode: district,
      communePcode: commune,
      joinedAt: sub.status === 'active' && sub.districtPcode === district ? sub.joinedAt : now,
      optedOutAt: null,
    },
  });
  await audit(tx, {
    actor: `subscriber:${sub.id}`, actorType: 'voice', action: 'subscriber.join', entity: 'subscriber', entityId: sub.id,
    details: { district, commune, from: sub.status, channel: 'voice' },
  });
  const name = districtDisplayName(unit, updated.language as Locale);
  await confirmBySms(tx, updated, ctx.i18n.t(updated.language, 'join.confirmed', { district: name }), `ivr:${callSid}:subscribed`);
  return updated;
}

/**
 * The written confirmation, through the outbox. Only E.164 numbers can get one; a landline fails at the
 * provider as a permanent error (21614) and marks the number, which is the outbox's job, not ours.
 */
async function confirmBySms(tx: Tx, sub: Subscriber, body: string, dedupeKey: string) {
  if (!sub.phone.startsWith('+') || sub.numberInvalidAt) return;
  await enqueue(tx, { kind: 'reply', to: sub.phone, body, locale: sub.language, subscriberId: sub.id, dedupeKey });
}
