// Per-sender pacing shared by every instance: a token bucket without burst (GCRA) kept in one row per sender.
// Reserving a slot pushes `next_free_at` forward by cost/rate atomically; the row lock orders instances, and
// the wait is computed from the database's clock alone, so instance clocks need not agree.
import type { Db } from '../lib/db.js';

/**
 * Headroom under the configured rate. Sends leave the process a little late or early (event loop, network),
 * and a slightly narrower spacing keeps every 1 s window at or under the rate despite that jitter.
 */
export const PACING_HEADROOM = 0.015;

/**
 * A slot missed by a few ms (a claim round trip between batches) may still be used, so those ms are not lost
 * from the average. Safe for the 1 s window while it stays well under PACING_HEADROOM × 1 s (15 ms).
 */
export const PACING_TOLERANCE_MS = 5;

/**
 * Reserves the next slot for `cost` segments at `ratePerSecond`; returns how many ms to wait before sending.
 * With `rowId`, the same statement marks the row as started: from here it is sent within the wait unless the
 * process dies, and crash recovery must then never send a campaign row again (at worst one message per crash
 * is marked unknown that had not left yet). No extra round trip sits between the slot and the send.
 */
export async function reserveSlot(prisma: Db, sender: string, cost: number, ratePerSecond: number, rowId?: number): Promise<number> {
  if (ratePerSecond <= 0) return 0;
  const seconds = cost / (ratePerSecond * (1 - PACING_HEADROOM));
  const [row] = await prisma.$queryRaw<{ wait_ms: number }[]>`
    WITH slot AS (
      INSERT INTO sender_pacing AS p (sender, next_free_at)
      VALUES (${sender}, clock_timestamp() + make_interval(secs => ${seconds}::float8))
      ON CONFLICT (sender) DO UPDATE
        SET next_free_at = GREATEST(p.next_free_at, clock_timestamp() - make_interval(secs => ${PACING_TOLERANCE_MS / 1000}::float8))
          + make_interval(secs => ${seconds}::float8)
      RETURNING p.next_free_at - make_interval(secs => ${seconds}::float8) AS starts_at
    ), started AS (
      UPDATE outbox SET send_started_at = now() WHERE id = ${rowId ?? -1} AND status = 'sending'
    )
    SELECT GREATEST(0, EXTRACT(EPOCH FROM (starts_at - clock_timestamp())) * 1000)::float8 AS wait_ms FROM slot`;
  return Math.max(0, Number(row?.wait_ms ?? 0));
}

/** Pushes a sender's next free slot back by `ms` (a send left late; the ones after it must keep their spacing). */
export async function delaySender(prisma: Db, sender: string, ms: number): Promise<void> {
  await prisma.$executeRaw`
    UPDATE sender_pacing SET next_free_at = next_free_at + make_interval(secs => ${ms / 1000}::float8) WHERE sender = ${sender}`;
}
