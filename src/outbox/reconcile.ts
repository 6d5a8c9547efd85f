// Settling `unknown` rows: an SMS whose request may have reached the provider but whose answer was lost
// (timeout, connection reset, a process killed mid-send). Resending blindly would deliver twice; never
// resending loses the message. So we ask the provider what it has: found → the row is sent (with its id, so
// status callbacks apply); not found once the provider has had time to show it → the same row is sent again.
// While the provider cannot be asked, the row stays unknown: no conclusion is drawn from silence.
//
// No transaction spans a provider call: rows are leased with one UPDATE (next_attempt_at pushed past the
// lease, so other instances skip them), looked up, and settled with one conditional UPDATE each.
import type { Db } from '../lib/db.js';
import type { Transport, SentMessage } from '../messaging/transport.js';
import { applyStatusCallback, type OutboxStatusName } from './record-result.js';

export interface ReconcileOptions {
  instanceId: string;
  /** Rows looked up per round. */
  batch: number;
  /** A lookup that found nothing is repeated after this long. */
  graceMs: number;
  /** Not found this long after the send left: sent again. */
  resendAfterMs: number;
  /** How long a leased row is left alone by other instances (longer than a lookup can take). */
  leaseMs: number;
  maxAttempts: number;
}

export interface ReconcileResult {
  found: number;
  resent: number;
  failed: number;
  waiting: number;
  /** Rows left unknown because the provider could not be asked. */
  unreachable: number;
}

interface UnknownRow {
  id: number;
  kind: string;
  recipient: string;
  body: string;
  attempts: number;
  startedAt: Date;
  ageMs: number;
}

/** Our clocks and Twilio's differ; a look this far back costs little and misses nothing. */
const UNTIL_WINDOW_MS = 15 * 60_000;
const SINCE_MARGIN_MS = 60_000;
/** While the provider is unreachable, rows are asked about again after this long. */
const UNREACHABLE_RETRY_MS = 5_000;

const STATUS: Record<SentMessage['status'], OutboxStatusName> = {
  queued: 'sent', sent: 'sent', delivered: 'delivered', undelivered: 'undelivered', failed: 'failed',
};

export async function reconcileUnknown(
  prisma: Db,
  transport: Transport,
  opts: ReconcileOptions,
  now: Date,
  onError: (err: unknown, outboxId: number) => void = () => {},
): Promise<ReconcileResult> {
  const result: ReconcileResult = { found: 0, resent: 0, failed: 0, waiting: 0, unreachable: 0 };
  const rows = await prisma.$queryRaw<UnknownRow[]>`
    WITH due AS (
      SELECT id FROM outbox
      WHERE status = 'unknown' AND channel = 'sms' AND next_attempt_at <= now()
      ORDER BY priority, next_attempt_at, id
      LIMIT ${opts.batch}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE outbox o SET next_attempt_at = now() + make_interval(secs => ${opts.leaseMs / 1000}::float8),
      claimed_by = ${opts.instanceId}, claimed_at = now()
    FROM due WHERE o.id = due.id
    RETURNING o.id, o.kind::text AS kind, o.recipient, o.body, o.attempts,
      COALESCE(o.send_started_at, o.updated_at) AS "startedAt",
      (EXTRACT(EPOCH FROM (now() - COALESCE(o.send_started_at, o.updated_at))) * 1000)::float8 AS "ageMs"`;

  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const looked = await transport.findSent({
      to: row.recipient,
      since: new Date(new Date(row.startedAt).getTime() - SINCE_MARGIN_MS),
      // Twilio sends within seconds of accepting; anything queued longer is found by the queued-message look.
      until: new Date(new Date(row.startedAt).getTime() + UNTIL_WINDOW_MS),
      body: row.body,
    });
    if (!looked.ok) {
      // The provider cannot be asked: nothing is concluded, and the rest of the batch is not tried now.
      const rest = rows.slice(i).map((r) => r.id);
      await prisma.$executeRaw`
        UPDATE outbox SET next_attempt_at = now() + make_interval(secs => ${UNREACHABLE_RETRY_MS / 1000}::float8),
          claimed_by = NULL, claimed_at = NULL,
          last_error = ${`lookup failed: ${looked.error.message}`.slice(0, 500)}
        WHERE id = ANY(${rest}::int[]) AND status = 'unknown'`;
      result.unreachable += rest.length;
      break;
    }
    try {
      await settle(prisma, row, looked.messages, opts, now, result);
    } catch (err) {
      // E.g. another instance settled a twin row with the same provider message a moment earlier.
      onError(err, row.id);
    }
  }
  return result;
}

async function settle(prisma: Db, row: UnknownRow, messages: SentMessage[], opts: ReconcileOptions, now: Date, result: ReconcileResult) {
  // A message another row already owns (the same text sent twice to one person) is not this row's.
  const sids = messages.map((m) => m.providerId);
  const owned = sids.length
    ? new Set((await prisma.$queryRaw<{ pid: string }[]>`
        SELECT provider_id AS pid FROM outbox WHERE provider_id = ANY(${sids}::text[]) AND id <> ${row.id}`).map((r) => r.pid))
    : new Set<string>();
  // Oldest first: the earliest unclaimed match is the one this send created.
  const match = [...messages].reverse().find((m) => !owned.has(m.providerId));
  if (match) {
    await applyStatusCallback(
      prisma,
      { outboxId: row.id, providerId: match.providerId, status: STATUS[match.status], providerStatus: match.providerStatus, errorCode: match.errorCode },
      now,
    );
    await prisma.$executeRaw`
      UPDATE outbox SET claimed_by = NULL, claimed_at = NULL, last_error = NULL WHERE id = ${row.id} AND claimed_by = ${opts.instanceId}`;
    result.found++;
    return;
  }
  if (row.ageMs < opts.resendAfterMs) {
    // The provider may not show it yet; ask again later, no later than the resend deadline.
    const again = Math.max(100, Math.min(opts.graceMs, opts.resendAfterMs - row.ageMs));
    await prisma.$executeRaw`
      UPDATE outbox SET next_attempt_at = now() + make_interval(secs => ${again / 1000}::float8), claimed_by = NULL, claimed_at = NULL
      WHERE id = ${row.id} AND status = 'unknown'`;
    result.waiting++;
    return;
  }
  const retry = row.attempts < opts.maxAttempts;
  const message = `not found at the provider ${Math.round(row.ageMs / 1000)} s after the send: ${retry ? 'sending again' : 'giving up'}`;
  // The same row goes back to the queue: one row, one message, whatever happened before.
  const n = await prisma.$executeRaw`
    UPDATE outbox SET status = ${retry ? 'pending' : 'failed'}::"OutboxStatus", next_attempt_at = now(),
      send_started_at = NULL, claimed_by = NULL, claimed_at = NULL, last_error = ${message}, updated_at = ${now}
    WHERE id = ${row.id} AND status = 'unknown'`;
  if (n > 0) {
    if (retry) result.resent++;
    else result.failed++;
  }
}
