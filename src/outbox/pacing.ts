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

export interface Slot {
  /** When the send may leave, database clock, epoch ms. */
  startsAtMs: number;
  /** The database clock when the slot was computed, epoch ms. */
  dbNowMs: number;
  /** startsAtMs − dbNowMs, never negative. */
  waitMs: number;
}

/**
 * Reserves the next slot for `cost` segments at `ratePerSecond`. With `rowId`, the same statement marks the
 * row as started: from here it is sent within the wait unless the process dies, and crash recovery then
 * reconciles it with the provider instead of sending it blindly. No extra round trip sits between the slot
 * and the send.
 */
export async function reserveSlotAt(prisma: Db, sender: string, cost: number, ratePerSecond: number, rowId?: number): Promise<Slot> {
  const seconds = cost / (ratePerSecond * (1 - PACING_HEADROOM));
  const [row] = await prisma.$queryRaw<{ starts_ms: number; now_ms: number }[]>`
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
    SELECT (EXTRACT(EPOCH FROM starts_at) * 1000)::float8 AS starts_ms, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now_ms FROM slot`;
  const startsAtMs = Number(row?.starts_ms ?? 0);
  const dbNowMs = Number(row?.now_ms ?? startsAtMs);
  return { startsAtMs, dbNowMs, waitMs: Math.max(0, startsAtMs - dbNowMs) };
}

/** reserveSlotAt as "how many ms to wait" (0 when pacing is off). */
export async function reserveSlot(prisma: Db, sender: string, cost: number, ratePerSecond: number, rowId?: number): Promise<number> {
  if (ratePerSecond <= 0) return 0;
  return (await reserveSlotAt(prisma, sender, cost, ratePerSecond, rowId)).waitMs;
}

/**
 * The database clock as seen from this process: offset = db − local, estimated from the round trip with the
 * least uncertainty (half its duration), NTP-style. A sample replaces the kept one when it is tighter than the
 * kept one has become with age (drift allowance), so a busy period's slow round trips never spoil it.
 */
export class DbClock {
  private offset = 0;
  private error = Infinity;
  private at = 0;

  /** `dbNowMs` was read by the database somewhere between `t0` and `t1` (local performance.now()). */
  sample(dbNowMs: number, t0: number, t1: number): void {
    const err = (t1 - t0) / 2;
    const aged = this.error + (t1 - this.at) * 1e-4;
    if (err <= aged) {
      this.offset = dbNowMs - (t0 + t1) / 2;
      this.error = err;
      this.at = t1;
    }
  }

  /** A database epoch-ms instant as a local performance.now() value. */
  toLocal(dbMs: number): number {
    return dbMs - this.offset;
  }
}

/** Pushes a sender's next free slot back by `ms` (a send left late; the ones after it must keep their spacing). */
export async function delaySender(prisma: Db, sender: string, ms: number): Promise<void> {
  await prisma.$executeRaw`
    UPDATE sender_pacing SET next_free_at = next_free_at + make_interval(secs => ${ms / 1000}::float8) WHERE sender = ${sender}`;
}
