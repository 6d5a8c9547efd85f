// Everything a person is sent goes into the outbox first: one row per SMS, call or webhook, in the caller's
// transaction, so a message is queued if and only if the change that caused it is committed.
import type { DbOrTx } from '../lib/db.js';
import type { OutboxKind } from '../generated/prisma/enums.js';
import { cleanText } from '../lib/text.js';
import { smsSegments, MAX_BODY_CHARS } from '../messaging/sms-segments.js';
import { AppError } from '../lib/errors.js';

/**
 * Lower goes first: an alert never waits behind a campaign, and the answer to a villager's own message
 * (the safety advice, a question about the place) goes before anything else, alerts included: it is what
 * the webhook used to return inline, and the person is standing near the device now.
 */
export const PRIORITY: Record<OutboxKind, number> = {
  reply: 5,
  question: 5,
  alert: 10,
  escalation: 10,
  call: 10,
  referral: 15,
  alert_note: 25,
  report_update: 30,
  webhook: 30,
  campaign: 80,
};

export interface EnqueueInput {
  kind: OutboxKind;
  to: string;
  body: string;
  channel?: 'sms' | 'voice' | 'webhook';
  from?: string | null;
  locale?: string | null;
  priority?: number;
  dedupeKey?: string | null;
  notBefore?: Date;
  reportId?: number | null;
  alertId?: number | null;
  campaignId?: number | null;
  campaignRunId?: number | null;
  subscriberId?: number | null;
  /** Calls: a path on PUBLIC_BASE_URL serving the TwiML (the dispatcher adds ?o=<id>) instead of `body`. */
  callUrl?: string | null;
  /** Calls: answering-machine detection (Twilio machineDetection). */
  machineDetection?: 'Enable' | 'DetectMessageEnd' | null;
}

export async function enqueue(tx: DbOrTx, input: EnqueueInput) {
  const channel = input.channel ?? (input.kind === 'call' ? 'voice' : input.kind === 'webhook' ? 'webhook' : 'sms');
  const body = channel === 'sms' ? cleanText(input.body) : input.body;
  if (channel === 'sms' && body.length > MAX_BODY_CHARS) {
    throw new AppError('unprocessable', `An SMS body may have at most ${MAX_BODY_CHARS} characters (got ${body.length})`);
  }
  const seg = channel === 'sms' ? smsSegments(body) : null;
  const data = {
    kind: input.kind,
    channel,
    priority: input.priority ?? PRIORITY[input.kind],
    recipient: input.to,
    sender: input.from ?? null,
    body,
    locale: input.locale ?? null,
    encoding: seg?.encoding ?? null,
    segments: seg?.segments ?? 1,
    dedupeKey: input.dedupeKey ?? null,
    ...(input.notBefore ? { nextAttemptAt: input.notBefore } : {}),
    reportId: input.reportId ?? null,
    alertId: input.alertId ?? null,
    campaignId: input.campaignId ?? null,
    campaignRunId: input.campaignRunId ?? null,
    subscriberId: input.subscriberId ?? null,
    callUrl: input.callUrl ?? null,
    machineDetection: input.machineDetection ?? null,
  };
  if (!input.dedupeKey) return tx.outboxMessage.create({ data });
  // Idempotent enqueue: a job that runs twice queues once.
  return tx.outboxMessage.upsert({ where: { dedupeKey: input.dedupeKey }, create: data, update: {} });
}
