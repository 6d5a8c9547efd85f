// Sign-in back-off per login: after 5 consecutive failures the login is locked for 30 s, and each further
// failure doubles it up to 15 minutes. Unknown logins go through the same table, so the answers for a real
// account and a made-up one cannot be told apart. A success clears the count.
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

/** Seconds until the login may try again, or 0. */
export async function retryAfterSeconds(prisma: DbOrTx, key: string, now: Date): Promise<number> {
  const row = await prisma.signInThrottle.findUnique({ where: { loginHash: key } });
  if (!row?.lockedUntil || row.lockedUntil <= now) return 0;
  return Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
}

/** Counts a failure in one statement (two tries at once both count) and sets the lock it earns. */
export async function recordFailure(prisma: DbOrTx, key: string, now: Date): Promise<number> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  const [row] = await prisma.$queryRaw<{ failures: number }[]>`
    INSERT INTO sign_in_throttle (login_hash, failures, last_failure_at) VALUES (${key}, 1, ${now})
    ON CONFLICT (login_hash) DO UPDATE SET
      failures = CASE WHEN sign_in_throttle.last_failure_at < ${forgetBefore} THEN 1 ELSE sign_in_throttle.failures + 1 END,
      last_failure_at = EXCLUDED.last_failure_at
    RETURNING failures`;
  const failures = row!.failures;
  const ms = lockMs(failures);
  if (ms > 0) {
    await prisma.signInThrottle.update({ where: { loginHash: key }, data: { lockedUntil: new Date(now.getTime() + ms) } });
  }
  return failures;
}

export async function clearThrottle(prisma: DbOrTx, keys: string[]): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { loginHash: { in: keys } } });
}
