// Sign-in back-off per login: after 5 consecutive failures the login is locked for 30 s, and each further
// failure doubles it up to 15 minutes. Unknown logins go through the same table, so the answers for a real
// account and a made-up one cannot be told apart. A success clears the count.
//
// An attempt is counted *before* its password is checked, in one conditional statement: a burst of parallel
// guesses cannot all pass the check while the failures are still being written, so no burst gets more than the
// five free tries. A success deletes the row, so a right password costs nothing.
import type { DbOrTx } from '../lib/db.js';

export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// A count nobody has added to for a day starts again: a typo last month is not part of today's attack.
const FORGET_AFTER_MS = 24 * 3_600_000;

export function lockMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - FREE_FAILURES, 20));
}

export type Attempt = { allowed: true; failures: number } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts an attempt unless the login is locked. A row at the free limit without a lock yet is one whose lock
 * another request is writing this instant: it counts as locked too.
 */
export async function reserveAttempt(prisma: DbOrTx, key: string, now: Date): Promise<Attempt> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  const [row] = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO sign_in_throttle (login_hash, failures, last_failure_at) VALUES (${key}, 1, ${now})
    ON CONFLICT (login_hash) DO UPDATE SET
      failures = CASE WHEN sign_in_throttle.last_failure_at < ${forgetBefore} THEN 1 ELSE sign_in_throttle.failures + 1 END,
      last_failure_at = EXCLUDED.last_failure_at,
      locked_until = NULL
    WHERE sign_in_throttle.failures < ${FREE_FAILURES}
       OR sign_in_throttle.last_failure_at < ${forgetBefore}
       OR sign_in_throttle.locked_until <= ${now}
    RETURNING failures`;
  if (!row) {
    const held = await prisma.signInThrottle.findUnique({ where: { loginHash: key } });
    const until = held?.lockedUntil?.getTime() ?? now.getTime() + 1000;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
  }
  const ms = lockMs(row.failures);
  if (ms > 0) {
    await prisma.signInThrottle.update({ where: { loginHash: key }, data: { lockedUntil: new Date(now.getTime() + ms) } });
  }
  return { allowed: true, failures: row.failures };
}

export async function clearThrottle(prisma: DbOrTx, keys: string[]): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { loginHash: { in: keys } } });
}
