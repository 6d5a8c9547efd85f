// Recording what happened to a send: the provider's answer to our request, and later its status callbacks.
// Statuses only move forward (pending → sending → sent → delivered | undelivered | failed): a late or
// out-of-order callback, or our own slower write racing a fast callback, never moves a row backwards.
import type { Db, DbOrTx } from '../lib/db.js';
import { clip } from '../lib/text.js';
import { reportSendFailure } from './send-failures.js';
import type { SendResult, SendErrorKind } from '../messaging/transport.js';
import type { ClaimedRow } from './claim.js';

export type OutboxStatusName = 'pending' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'cancelled' | 'unknown';

// SQL expression ranking a status column, matching RANK below.
const RANK_SQL = (col: string) =>
  `(CASE ${col} WHEN 'pending' THEN 0 WHEN 'sending' THEN 1 WHEN 'unknown' THEN 1 WHEN 'sent' THEN 2 ELSE 3 END)`;
export const RANK: Record<OutboxStatusName, number> = {
  pending: 0, sending: 1, unknown: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, cancelled: 3,
};

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Exponential backoff with full jitter: spreads retries of a burst of failures instead of re-synchronising them. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(policy.retryBaseMs / 2 + random() * (ceiling - policy.retryBaseMs / 2));
}

export interface Accepted {
  id: number;
  providerId: string;
  status: 'queued' | 'sent' | 'delivered';
}

/**
 * Records accepted sends in one statement. At hundreds of messages a second a write per message would cost
 * more than the sends themselves; the dispatcher batches what the provider accepted in the same few ms.
 */
export async function recordAccepted(prisma: Db, items: Accepted[], now: Date): Promise<void> {
  if (items.length === 0) return;
  const status = items.map((i) => (i.status === 'delivered' ? 'delivered' : 'sent'));
  await prisma.$executeRawUnsafe(
    `UPDATE outbox o SET
       status = CASE WHEN ${RANK_SQL('o.status')} < ${RANK_SQL('v.status')} THEN v.status::"OutboxStatus" ELSE o.status END,
       provider_id = COALESCE(o.provider_id, v.pid), provider_status = COALESCE(o.provider_status, v.ps),
       sent_at = COALESCE(o.sent_at, $5),
       delivered_at = CASE WHEN v.status = 'delivered' THEN COALESCE(o.delivered_at, $5) ELSE o.delivered_at END,
       claimed_at = NULL, claimed_by = NULL, last_error = NULL, last_error_code = NULL, updated_at = $5
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS v(id, pid, status, ps)
     WHERE o.id = v.id`,
    items.map((i) => i.id), items.map((i) => i.providerId), status, items.map((i) => i.status), now,
  );
}

export type SendOutcome = 'sent' | 'retry' | 'failed' | 'unknown';

/**
 * What becomes of a failed send. An SMS that may have reached the provider (timeout, reset) is `unknown`,
 * whatever its kind: resending it blindly is how an alert got delivered twice; the reconcile step asks the
 * provider instead. Calls and webhooks cannot be looked up: an alert call or a webhook (receivers dedupe on
 * the report id) is retried, a campaign call stays unknown.
 */
export function outcomeOf(row: Pick<ClaimedRow, 'kind' | 'channel' | 'attempts'>, error: SendResult & { ok: false }, policy: RetryPolicy): Exclude<SendOutcome, 'sent'> {
  const { kind, maybeDelivered } = error.error;
  if (kind !== 'transient') return 'failed';
  if (maybeDelivered === true && (row.channel === 'sms' || row.kind === 'campaign')) return 'unknown';
  return row.attempts < policy.maxAttempts ? 'retry' : 'failed';
}

export async function recordSendResult(
  prisma: Db,
  row: ClaimedRow,
  result: SendResult,
  policy: RetryPolicy & { reconcileGraceMs?: number },
  now: Date,
): Promise<SendOutcome> {
  if (result.ok) {
    await recordAccepted(prisma, [{ id: row.id, providerId: result.providerId, status: result.status }], now);
    return 'sent';
  }
  const { kind, code, message } = result.error;
  const outcome = outcomeOf(row, result, policy);
  const retry = outcome === 'retry';
  const unknown = outcome === 'unknown';
  // An unknown row is first looked up at the provider after the grace period (see reconcile.ts).
  const nextMs = retry ? backoffMs(row.attempts, policy) : unknown ? (policy.reconcileGraceMs ?? 0) : 0;
  const updated = await prisma.$transaction(async (tx) => {
    // The next attempt is timed on the database clock, like claims and pacing, so instances' clocks never matter.
    const n = await tx.$executeRaw`
      UPDATE outbox SET
        status = ${outcome === 'retry' ? 'pending' : outcome}::"OutboxStatus",
        next_attempt_at = CASE WHEN ${retry || unknown} THEN now() + make_interval(secs => ${nextMs / 1000}::float8) ELSE next_attempt_at END,
        last_error_code = ${code}, last_error = ${clip(message, 500)},
        claimed_at = NULL, claimed_by = NULL, send_started_at = CASE WHEN ${retry} THEN NULL ELSE COALESCE(send_started_at, now()) END,
        updated_at = ${now}
      WHERE id = ${row.id} AND status = 'sending'`;
    await applyRecipientError(tx, row.recipient, row.subscriberId, kind, now);
    return n;
  });
  if (updated > 0 && outcome === 'failed' && FAILURE_WATCHED_KINDS.has(row.kind)) {
    const failed = await prisma.outboxMessage.findUnique({ where: { id: row.id }, select: { alertId: true, reportId: true } });
    await reportSendFailure(prisma, {
      outboxId: row.id, kind: row.kind, alertId: failed?.alertId ?? null, reportId: failed?.reportId ?? null, status: 'failed', errorCode: code, at: now,
      providerStatus: null,
    });
  }
  return outcome;
}

/** Kinds whose final failure someone acts on (an alert's SMS and calls): only these cost the extra read. */
const FAILURE_WATCHED_KINDS: ReadonlySet<string> = new Set(['alert', 'escalation', 'call']);

/**
 * Some errors are about the person, not the message: after 21610 (they sent STOP to the carrier) we must
 * never text them again, and an invalid number must be skipped by every later campaign.
 */
export async function applyRecipientError(tx: DbOrTx, recipient: string, subscriberId: number | null, kind: SendErrorKind, now: Date) {
  if (kind !== 'opted_out' && kind !== 'invalid_number') return;
  const where = subscriberId ? { id: subscriberId } : { phone: recipient };
  if (kind === 'opted_out') {
    await tx.subscriber.updateMany({ where: { ...where, NOT: { status: 'opted_out' } }, data: { status: 'opted_out', optedOutAt: now } });
  } else {
    await tx.subscriber.updateMany({ where: { ...where, numberInvalidAt: null }, data: { numberInvalidAt: now } });
  }
  await tx.outboxMessage.updateMany({
    where: { recipient, status: 'pending', kind: 'campaign' },
    data: { status: 'cancelled', lastError: kind === 'opted_out' ? 'recipient opted out' : 'invalid number' },
  });
}

/**
 * Applies a provider status callback. Matches by our outbox id (carried in the callback URL, so even a row
 * whose send was interrupted before we stored the provider id is found) or by the provider id.
 */
export async function applyStatusCallback(
  prisma: Db,
  cb: {
    outboxId: number | null; providerId: string; status: OutboxStatusName; providerStatus: string; errorCode: string | null;
    /** A call's answering-machine verdict, when the callback carries one. */
    answeredBy?: string | null;
  },
  now: Date,
): Promise<{ matched: boolean; changed: boolean }> {
  const rows = await prisma.$queryRawUnsafe<
    { id: number; rank: number; recipient: string; subscriber_id: number | null; kind: string; alert_id: number | null; report_id: number | null }[]
  >(
    `SELECT id, ${RANK_SQL('status')} AS rank, recipient, subscriber_id, kind::text AS kind, alert_id, report_id FROM outbox
     WHERE (id = $1 AND (provider_id IS NULL OR provider_id = $2)) OR provider_id = $2
     LIMIT 1`,
    cb.outboxId ?? -1, cb.providerId,
  );
  const row = rows[0];
  if (!row) return { matched: false, changed: false };
  // A forward move changes the status; a same-level one (ringing → in-progress) only records the provider's word.
  const changed = await prisma.$executeRawUnsafe(
    `UPDATE outbox SET
       status = CASE WHEN ${RANK_SQL('status')} < $7 THEN $2::"OutboxStatus" ELSE status END,
       provider_id = COALESCE(provider_id, $3), provider_status = $4,
       last_error_code = COALESCE($5, last_error_code),
       sent_at = COALESCE(sent_at, $6), delivered_at = CASE WHEN $2 = 'delivered' THEN COALESCE(delivered_at, $6) ELSE delivered_at END,
       claimed_at = CASE WHEN ${RANK_SQL('status')} < $7 THEN NULL ELSE claimed_at END,
       claimed_by = CASE WHEN ${RANK_SQL('status')} < $7 THEN NULL ELSE claimed_by END,
       answered_by = COALESCE($8, answered_by),
       updated_at = $6
     WHERE id = $1 AND ${RANK_SQL('status')} <= $7 AND ${RANK_SQL('status')} < 3`,
    row.id, cb.status, cb.providerId, cb.providerStatus, cb.errorCode, now, RANK[cb.status], cb.answeredBy ?? null,
  );
  if (cb.errorCode === '21610') await applyRecipientError(prisma, row.recipient, row.subscriber_id, 'opted_out', now);
  // 30005 unknown handset, 30006 landline or unreachable carrier: the number itself cannot take SMS.
  if (cb.errorCode === '30005' || cb.errorCode === '30006') {
    await applyRecipientError(prisma, row.recipient, row.subscriber_id, 'invalid_number', now);
  }
  // Only a move into undelivered/failed updates a row (a final status is never overwritten), so a repeated
  // callback tells the hook nothing twice.
  if (changed > 0 && (cb.status === 'undelivered' || cb.status === 'failed')) {
    await reportSendFailure(prisma, {
      outboxId: row.id, kind: row.kind, alertId: row.alert_id, reportId: row.report_id, status: cb.status, errorCode: cb.errorCode, at: now,
      providerStatus: cb.providerStatus,
    });
  }
  return { matched: true, changed: changed > 0 };
}
