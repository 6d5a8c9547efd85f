// Claiming stored inbound messages for processing. Two rules hold across any number of instances:
// a row is claimed by one worker at a time (`FOR UPDATE SKIP LOCKED`), and a sender's messages are processed
// one at a time in arrival order (a row is due only when no earlier message of the same sender is still
// pending or processing). A claim is a lease: a worker that dies leaves it to expire and another takes over.
import type { Db, Tx } from '../lib/db.js';

export interface ClaimedInbound {
  id: number;
  messageSid: string;
  fromPhone: string;
  body: string;
  mediaUrls: unknown;
  optOutType: string | null;
  attempts: number;
}

export async function claimInbound(prisma: Db, instanceId: string, limit: number): Promise<ClaimedInbound[]> {
  if (limit <= 0) return [];
  const rows = await prisma.$queryRaw<ClaimedInbound[]>`
    WITH due AS (
      SELECT m.id FROM inbound_messages m
      WHERE m.state = 'pending' AND m.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM inbound_messages e
          WHERE e.from_phone = m.from_phone AND e.id < m.id AND e.state IN ('pending', 'processing'))
      ORDER BY m.id
      LIMIT ${limit}
      FOR UPDATE OF m SKIP LOCKED
    )
    UPDATE inbound_messages i SET state = 'processing', claimed_at = now(), claimed_by = ${instanceId},
      attempts = i.attempts + 1
    FROM due WHERE i.id = due.id
    RETURNING i.id, i.message_sid AS "messageSid", i.from_phone AS "fromPhone", i.body, i.media_urls AS "mediaUrls",
      i.opt_out_type AS "optOutType", i.attempts`;
  return rows.sort((a, b) => a.id - b.id);
}

/** Leases older than the claim timeout go back to pending: their worker died or lost the database. */
export async function recoverStaleInbound(prisma: Db, olderThanSeconds: number): Promise<number> {
  return prisma.$executeRaw`
    UPDATE inbound_messages SET state = 'pending', claimed_at = NULL, claimed_by = NULL, next_attempt_at = now(),
      last_error = COALESCE(last_error, 'the processing worker stopped mid-message')
    WHERE state = 'processing' AND claimed_at < now() - make_interval(secs => ${olderThanSeconds}::float8)`;
}

/** Gives back what this instance claimed and has not started (clean shutdown); the attempt does not count. */
export async function releaseInbound(prisma: Db, instanceId: string, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$executeRaw`
    UPDATE inbound_messages SET state = 'pending', claimed_at = NULL, claimed_by = NULL,
      attempts = GREATEST(attempts - 1, 0)
    WHERE id = ANY(${ids}::int[]) AND state = 'processing' AND claimed_by = ${instanceId}`;
}

/** Exponential backoff with full jitter, capped. */
export function inboundBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Locks the row for the rest of the transaction and tells whether this worker still holds its claim: a lease
 * that expired may have been taken (or finished) by another worker, which must then be left alone.
 */
export async function holdsClaim(tx: Tx, id: number, instanceId: string): Promise<boolean> {
  const [locked] = await tx.$queryRaw<{ state: string; claimed_by: string | null }[]>`
    SELECT state::text AS state, claimed_by FROM inbound_messages WHERE id = ${id} FOR UPDATE`;
  return locked?.state === 'processing' && locked.claimed_by === instanceId;
}
