// Claiming due rows. `FOR UPDATE SKIP LOCKED` lets several instances claim from one table without ever
// taking the same row; claimed rows are marked `sending` with who claimed them and when, which is what crash
// recovery and a clean shutdown work from.
import type { Db } from '../lib/db.js';
import type { OutboxMessage } from '../generated/prisma/client.js';

export type ClaimedRow = Pick<
  OutboxMessage,
  'id' | 'kind' | 'channel' | 'priority' | 'recipient' | 'sender' | 'body' | 'segments' | 'attempts' | 'subscriberId' | 'campaignId'
  | 'callUrl' | 'machineDetection'
>;

const RETURNING = `o.id, o.kind::text AS kind, o.channel, o.priority, o.recipient, o.sender, o.body, o.segments,
  o.attempts, o.subscriber_id AS "subscriberId", o.campaign_id AS "campaignId", o.call_url AS "callUrl",
  o.machine_detection AS "machineDetection"`;

/**
 * Due SMS and webhook rows, by priority then due time. `startNow` stamps them as handed to the provider at
 * once (unpaced sending); paced rows get their planned send time from reserveSlot instead.
 */
export async function claimMessages(prisma: Db, instanceId: string, limit: number, startNow = false): Promise<ClaimedRow[]> {
  if (limit <= 0) return [];
  const rows = await prisma.$queryRawUnsafe<ClaimedRow[]>(
    `WITH due AS (
       SELECT id FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= now() AND channel <> 'voice'
       ORDER BY priority, next_attempt_at, id
       LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE outbox o SET status = 'sending', claimed_at = now(), claimed_by = $1, attempts = o.attempts + 1,
       send_started_at = CASE WHEN $3 OR o.channel <> 'sms' THEN now() ELSE NULL END, updated_at = now()
     FROM due WHERE o.id = due.id
     RETURNING ${RETURNING}`,
    instanceId,
    limit,
    startNow,
  );
  return sortByPriority(rows);
}

/**
 * Due calls, no more than `concurrent` in progress across all instances. The advisory lock makes the
 * count-then-claim atomic between instances; a call counts as in progress until its final status callback,
 * or for 15 minutes if that never comes.
 */
export async function claimCalls(prisma: Db, instanceId: string, concurrent: number): Promise<ClaimedRow[]> {
  // Calls are rare: one cheap look first, so every SMS batch does not pay for the locked transaction below.
  const [due] = await prisma.$queryRaw<{ any: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND channel = 'voice' AND next_attempt_at <= now()) AS any`;
  if (!due?.any) return [];
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hazardline:outbox:calls'))`;
    const [active] = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM outbox
      WHERE channel = 'voice' AND (status = 'sending' OR (status = 'sent' AND updated_at > now() - interval '15 minutes'))`;
    const free = concurrent - Number(active?.n ?? 0);
    if (free <= 0) return [];
    const rows = await tx.$queryRawUnsafe<ClaimedRow[]>(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= now() AND channel = 'voice'
         ORDER BY priority, next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET status = 'sending', claimed_at = now(), claimed_by = $1, attempts = o.attempts + 1,
         send_started_at = now(), updated_at = now()
       FROM due WHERE o.id = due.id
       RETURNING ${RETURNING}`,
      instanceId,
      free,
    );
    return sortByPriority(rows);
  });
}

/** Gives back rows this instance claimed but never handed to the provider (clean shutdown). */
export async function releaseClaims(prisma: Db, instanceId: string, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$executeRaw`
    UPDATE outbox SET status = 'pending', claimed_at = NULL, claimed_by = NULL, attempts = GREATEST(attempts - 1, 0),
      send_started_at = NULL, updated_at = now()
    WHERE id = ANY(${ids}::int[]) AND status = 'sending' AND claimed_by = ${instanceId}`;
}

/**
 * Rows left `sending` by a process that died. A row whose send had started may have reached the provider: an
 * SMS becomes `unknown` and is reconciled with the provider (found → sent, not found in time → sent again:
 * exactly once, never a blind resend), a campaign call too (calls cannot be looked up; never call a villager
 * twice), and an alert call or webhook is sent again. A row that was claimed but never handed to the provider
 * (its paced slot had not come) is simply sent again.
 */
export async function recoverStaleClaims(prisma: Db, olderThanSeconds: number): Promise<{ resent: number; unknown: number }> {
  const rows = await prisma.$queryRaw<{ status: string; n: number }[]>`
    WITH stale AS (
      UPDATE outbox SET
        status = (CASE WHEN send_started_at IS NOT NULL AND (channel = 'sms' OR kind = 'campaign') THEN 'unknown' ELSE 'pending' END)::"OutboxStatus",
        attempts = CASE WHEN send_started_at IS NULL THEN GREATEST(attempts - 1, 0) ELSE attempts END,
        send_started_at = CASE WHEN send_started_at IS NOT NULL AND (channel = 'sms' OR kind = 'campaign') THEN send_started_at END,
        claimed_at = NULL, claimed_by = NULL, next_attempt_at = now(), updated_at = now(),
        last_error = 'the sending process stopped mid-send'
      WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => ${olderThanSeconds}::float8)
      RETURNING status
    )
    SELECT status::text AS status, count(*)::int AS n FROM stale GROUP BY status`;
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { resent: by.pending ?? 0, unknown: by.unknown ?? 0 };
}

function sortByPriority(rows: ClaimedRow[]): ClaimedRow[] {
  return rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}

