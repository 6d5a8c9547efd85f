// Authentication for /api: an API key (`Authorization: Bearer`, for integrations) or the console's session
// cookie. A cookie is sent by the browser on its own, so every state-changing cookie request must also carry
// the session's CSRF token in X-CSRF-Token; a bearer key is never ambient, so key requests need none.
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { authenticateBearer } from '../auth/auth.middleware.js';
import { safeEqual } from '../auth/api-keys.js';
import { findSession, readCookie, SESSION_COOKIE } from './sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(ctx: Pick<AppContext, 'config' | 'prisma' | 'clock'>): RequestHandler {
  return async (req, _res, next) => {
    // An explicit key wins over a cookie the browser may also have sent.
    if (req.get('authorization') !== undefined) {
      await authenticateBearer(ctx, req);
      return next();
    }
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) throw new AppError('unauthorized', 'Sign in, or send an API key as "Authorization: Bearer <key>"');
    const session = await findSession(ctx.prisma, token, ctx.clock.now());
    if (!session) throw new AppError('unauthorized', 'Your session has ended; sign in again');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.get('x-csrf-token');
      if (!sent || !safeEqual(sent, session.csrfToken)) {
        throw new AppError('csrf_failed', 'Send the X-CSRF-Token header from the session response with every change');
      }
    }
    const { user } = session;
    req.auth = {
      name: user.email,
      role: user.role,
      keyId: null,
      userId: user.id,
      // Admins see everything whatever their row says.
      provinces: user.role === 'admin' ? [] : user.provinces,
      sessionId: session.id,
    };
    next();
  };
}

/**
 * For the public POSTs (sign-in, setup), which have no session to hold a CSRF token: refuse a request a
 * browser says came from another site. Tools that send no Origin (curl) are not browsers and pass.
 */
export function refuseCrossSite(ctx: Pick<AppContext, 'config'>): RequestHandler {
  const ownHost = new URL(ctx.config.publicBaseUrl).host;
  return (req, _res, next) => {
    if (req.get('sec-fetch-site') === 'cross-site' || !sameOrigin(req, ownHost)) {
      throw new AppError('csrf_failed', 'This request came from another site');
    }
    next();
  };
}

function sameOrigin(req: Request, ownHost: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
  return host === ownHost || host === req.get('host');
}
