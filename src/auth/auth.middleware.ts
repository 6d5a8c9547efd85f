// Bearer-key authentication and role checks for /api. The environment's ADMIN_API_KEY is an admin key too,
// so a fresh install can be administered before any key exists in the database. Console sessions (cookies)
// are checked in src/accounts/authenticate.ts, which hands bearer requests to authenticateBearer.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../lib/errors.js';
import type { AppContext } from '../context.js';
import { hashKey, safeEqual } from './api-keys.js';

type Role = 'admin' | 'educator' | 'coordinator' | 'victim_assistance';

/** Sets req.auth from `Authorization: Bearer <key>`, or throws 401. */
export async function authenticateBearer(ctx: Pick<AppContext, 'config' | 'prisma' | 'clock'>, req: Request): Promise<void> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(header);
  if (!match) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
  const secret = match[1]!;
  if (ctx.config.adminApiKey && safeEqual(secret, ctx.config.adminApiKey)) {
    req.auth = { name: 'env:ADMIN_API_KEY', role: 'admin', keyId: null, userId: null, provinces: [] };
    return;
  }
  const key = await ctx.prisma.apiKey.findUnique({ where: { keyHash: hashKey(secret) } });
  if (!key || key.revokedAt) throw new AppError('unauthorized', 'The API key is not valid');
  req.auth = { name: key.name, role: key.role, keyId: key.id, userId: null, provinces: [] };
  // Best effort: a failed bookkeeping write must not fail the request.
  ctx.prisma.apiKey
    .update({ where: { id: key.id }, data: { lastUsedAt: ctx.clock.now() } })
    .catch(() => {});
}

/** Bearer keys only (tools and tests that have no console). */
export function authenticate(ctx: Pick<AppContext, 'config' | 'prisma' | 'clock'>): RequestHandler {
  return async (req, _res, next) => {
    await authenticateBearer(ctx, req);
    next();
  };
}

/** Admin may do everything; other roles only what is listed. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.auth?.role;
    if (!role) throw new AppError('unauthorized', 'Authentication required');
    if (role !== 'admin' && !roles.includes(role)) {
      const who = req.auth?.userId ? 'your account is' : 'your key is';
      throw new AppError('forbidden', `This needs the role ${['admin', ...roles].join(' or ')}; ${who} ${role}`);
    }
    next();
  };
}
