// Everything a person is sent goes into the outbox first: one row per SMS, call or webhook, in the caller's
// transaction, so a message is queued if and only if the change that caused it is committed.
import type { DbOrTx } from '../lib/db.js';
import type { OutboxKind } from '../generated/prisma/enums.js';
import type { OutboxMessage } from '../generated/prisma/client.js';
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
  follow_up: 30,
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
  // One raw statement instead of Prisma's create/upsert: this runs for every reply and alert on the inbound
  // worker's hot path, and a model query costs about 1 ms of CPU in Prisma's query compiler (three for an upsert).
  const rows = await tx.$queryRawUnsafe<OutboxMessage[]>(
    `INSERT INTO outbox (kind, channel, priority, recipient, sender, body, locale, encoding, segments, dedupe_key,
       next_attempt_at, report_id, alert_id, campaign_id, campaign_run_id, subscriber_id, call_url, machine_detection)
     VALUES ($1::"OutboxKind", $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11::timestamp, now()), $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING ${OUTBOX_COLUMNS}`,
    input.kind, channel, input.priority ?? PRIORITY[input.kind], input.to, input.from ?? null, body, input.locale ?? null,
    seg?.encoding ?? null, seg?.segments ?? 1, input.dedupeKey ?? null, input.notBefore ?? null, input.reportId ?? null,
    input.alertId ?? null, input.campaignId ?? null, input.campaignRunId ?? null, input.subscriberId ?? null,
    input.callUrl ?? null, input.machineDetection ?? null,
  );
  if (rows[0]) return rows[0];
  // Idempotent enqueue: a job that runs twice queues once, and gets the row the first run queued.
  const [existing] = await tx.$queryRawUnsafe<OutboxMessage[]>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE dedupe_key = $1`, input.dedupeKey);
  return existing!;
}

/** Every outbox column under its Prisma field name, so a raw row is an OutboxMessage. */
export const OUTBOX_COLUMNS = `id, kind::text AS kind, channel, priority, recipient, sender, body, locale, encoding, segments,
  status::text AS status, attempts, next_attempt_at AS "nextAttemptAt", claimed_at AS "claimedAt", claimed_by AS "claimedBy",
  send_started_at AS "sendStartedAt", provider_id AS "providerId", provider_status AS "providerStatus", dedupe_key AS "dedupeKey",
  last_error_code AS "lastErrorCode", last_error AS "lastError", report_id AS "reportId", alert_id AS "alertId",
  campaign_id AS "campaignId", campaign_run_id AS "campaignRunId", subscriber_id AS "subscriberId", created_at AS "createdAt",
  updated_at AS "updatedAt", sent_at AS "sentAt", delivered_at AS "deliveredAt", call_url AS "callUrl",
  machine_detection AS "machineDetection", call_attempt AS "callAttempt", retry_of_id AS "retryOfId", answered_by AS "answeredBy",
  listened_at AS "listenedAt", menu_choice AS "menuChoice"`;
