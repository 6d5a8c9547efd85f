// Signing in and changing one's own password. Every attempt, good or bad, leaves an audit line with the login
// masked. A wrong password and an unknown login get the same answer after the same work (a dummy hash), and
// go through the same back-off, so the answers never tell whether an account exists.
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { loginKey, maskLogin, normaliseLogin, type Login } from './login.js';
import { clearThrottle, reserveAttempt } from './throttle.js';
import { createSession, endUserSessions } from './sessions.js';

type Ctx = Pick<AppContext, 'prisma' | 'clock'>;

function tooMany(seconds: number): AppError {
  return new AppError('too_many_attempts', `Too many failed sign-ins; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

async function findByLogin(ctx: Ctx, login: Login) {
  return login.kind === 'email'
    ? ctx.prisma.user.findUnique({ where: { email: login.value } })
    : ctx.prisma.user.findUnique({ where: { phone: login.value } });
}

/** The throttle keys of a user: by email and by phone, since either signs in. */
export function userLoginKeys(user: { email: string; phone: string | null }): string[] {
  return [loginKey({ kind: 'email', value: user.email }), ...(user.phone ? [loginKey({ kind: 'phone', value: user.phone })] : [])];
}

export async function signIn(ctx: Ctx, opts: { login: string; password: string; requestId: string }) {
  const login = normaliseLogin(opts.login);
  const key = loginKey(login);
  const masked = maskLogin(login);
  const now = ctx.clock.now();
  const failed = (reason: string, details: Record<string, string | number> = {}) =>
    audit(ctx.prisma, { actor: masked, actorType: 'user', action: 'session.sign_in_failed', entity: 'session', details: { login: masked, reason, ...details }, requestId: opts.requestId });

  const attempt = await reserveAttempt(ctx.prisma, key, now);
  if (!attempt.allowed) {
    await failed('locked', { retryAfterSeconds: attempt.retryAfterSeconds });
    throw tooMany(attempt.retryAfterSeconds);
  }
  const user = await findByLogin(ctx, login);
  const ok = user ? await verifyPassword(opts.password, user.passwordHash) : await burnPasswordCheck(opts.password);
  if (!user || !ok) {
    await failed('bad_credentials', { failures: attempt.failures });
    throw new AppError('invalid_credentials', 'The login or the password is not right');
  }
  // Only someone who knows the password learns that the account is disabled.
  if (user.disabledAt) {
    await clearThrottle(ctx.prisma, [key]);
    await failed('disabled');
    throw new AppError('forbidden', 'This account is disabled; ask an administrator');
  }
  await clearThrottle(ctx.prisma, [key]);
  const { token, session } = await createSession(ctx.prisma, user.id, now);
  const signedIn = await ctx.prisma.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
  await audit(ctx.prisma, { actor: user.email, actorType: 'user', action: 'session.sign_in', entity: 'user', entityId: user.id, details: { login: masked }, requestId: opts.requestId });
  return { user: signedIn, session, token };
}

export async function signOut(ctx: Ctx, opts: { sessionId: number; userId: number; email: string; requestId: string }) {
  await ctx.prisma.session.deleteMany({ where: { id: opts.sessionId } });
  await audit(ctx.prisma, { actor: opts.email, actorType: 'user', action: 'session.sign_out', entity: 'user', entityId: opts.userId, requestId: opts.requestId });
}

/** Own password: the current one is checked (and throttled like a sign-in); other sessions of the user end. */
export async function changeOwnPassword(ctx: Ctx, opts: { userId: number; sessionId: number; currentPassword: string; newPassword: string; requestId: string }) {
  const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: opts.userId } });
  const key = loginKey({ kind: 'email', value: user.email });
  const now = ctx.clock.now();
  const attempt = await reserveAttempt(ctx.prisma, key, now);
  if (!attempt.allowed) throw tooMany(attempt.retryAfterSeconds);
  if (!(await verifyPassword(opts.currentPassword, user.passwordHash))) {
    await audit(ctx.prisma, { actor: user.email, actorType: 'user', action: 'user.password_change_failed', entity: 'user', entityId: user.id, requestId: opts.requestId });
    // 403, not 401: the session is fine, only the current password was not.
    throw new AppError('forbidden', 'The current password is not right');
  }
  const passwordHash = await hashPassword(opts.newPassword);
  await ctx.prisma.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } });
  await endUserSessions(ctx.prisma, user.id, opts.sessionId);
  await clearThrottle(ctx.prisma, userLoginKeys(user));
  await audit(ctx.prisma, { actor: user.email, actorType: 'user', action: 'user.password_change', entity: 'user', entityId: user.id, requestId: opts.requestId });
}
