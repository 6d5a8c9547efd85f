// Console sessions: a random token in an HttpOnly cookie, only its sha256 in the database. A session ends
// after 12 h without use or 7 days after sign-in, whichever comes first, and at once when its user is disabled.
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { DbOrTx } from '../lib/db.js';
import type { Session, User } from '../generated/prisma/client.js';

export const SESSION_COOKIE = 'hl_session';
export const IDLE_MS = 12 * 3_600_000;
export const ABSOLUTE_MS = 7 * 24 * 3_600_000;
// last_seen_at moves at most once a minute: a busy console must not write on every request.
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function sessionExpiry(s: Pick<Session, 'lastSeenAt' | 'expiresAt'>): Date {
  const idle = s.lastSeenAt.getTime() + IDLE_MS;
  return new Date(Math.min(idle, s.expiresAt.getTime()));
}

export async function createSession(prisma: DbOrTx, userId: number, now: Date) {
  const token = newToken();
  // Expired sessions of this user go now; no job needed, and the table stays the size of the active ones.
  await prisma.session.deleteMany({ where: { userId, OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: new Date(now.getTime() - IDLE_MS) } }] } });
  const session = await prisma.session.create({
    data: { tokenHash: hashToken(token), userId, csrfToken: newToken(), createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + ABSOLUTE_MS) },
  });
  return { token, session };
}

/** The live session a cookie names, with its user; null when unknown, expired, or its user is disabled. */
export async function findSession(prisma: DbOrTx, token: string, now: Date): Promise<(Session & { user: User }) | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const session = await prisma.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!session || session.user.disabledAt || sessionExpiry(session) <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    // A session ended meanwhile (sign-out elsewhere) makes this update count 0 rows: that is fine.
    await prisma.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
    session.lastSeenAt = now;
  }
  return session;
}

export async function endSession(prisma: DbOrTx, id: number) {
  await prisma.session.deleteMany({ where: { id } });
}

/** Every session of a user (password reset, disabling), or every one but the caller's (own password change). */
export async function endUserSessions(prisma: DbOrTx, userId: number, exceptId?: number) {
  await prisma.session.deleteMany({ where: { userId, ...(exceptId === undefined ? {} : { id: { not: exceptId } }) } });
}

/** The value of one cookie, without a parser dependency (Express 5 does not parse cookies). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure };
}

export function setSessionCookie(res: Response, token: string, opts: { secure: boolean }) {
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions(opts.secure), maxAge: ABSOLUTE_MS });
}

export function clearSessionCookie(res: Response, opts: { secure: boolean }) {
  res.clearCookie(SESSION_COOKIE, cookieOptions(opts.secure));
}
