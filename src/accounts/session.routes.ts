// /api/session and /api/setup. Sign-in and setup are public (mounted before authentication) and refuse
// cross-site posts; reading the session, signing out and changing one's password need the session itself.
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { refuseCrossSite } from './authenticate.js';
import { ChangePasswordBodySchema, SetupBodySchema, SignInBodySchema } from './accounts.schemas.js';
import { changeOwnPassword, signIn, signOut } from './sign-in.js';
import { completeSetup, isSetupNeeded } from './setup.js';
import { clearSessionCookie, hashToken, readCookie, SESSION_COOKIE, setSessionCookie } from './sessions.js';
import { sessionResponse } from './user-shape.js';

const cookieOpts = (ctx: Pick<AppContext, 'config'>) => ({ secure: ctx.config.env === 'production' });

export function createPublicSessionRouter(ctx: AppContext) {
  const router = Router();
  const body = [requireContentType('application/json'), jsonBody(ctx.config)];

  router.post('/session', refuseCrossSite(ctx), ...body, async (req, res) => {
    const { login, password } = SignInBodySchema.parse(req.body);
    const { user, session, token } = await signIn(ctx, { login, password, requestId: String(req.id) });
    // A session this browser still held is replaced, not left behind to expire.
    const previous = readCookie(req, SESSION_COOKIE);
    if (previous) await ctx.prisma.session.deleteMany({ where: { tokenHash: hashToken(previous) } });
    setSessionCookie(res, token, cookieOpts(ctx));
    res.set('Cache-Control', 'no-store').json(sessionResponse(user, session));
  });

  router.get('/setup', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ needed: await isSetupNeeded(ctx.prisma) });
  });

  router.post('/setup', refuseCrossSite(ctx), ...body, async (req, res) => {
    const input = SetupBodySchema.parse(req.body);
    const { user, session, token } = await completeSetup(ctx, { ...input, requestId: String(req.id) });
    setSessionCookie(res, token, cookieOpts(ctx));
    res.status(201).set('Cache-Control', 'no-store').json(sessionResponse(user, session));
  });
  return router;
}

/** The signed-in user's session; an API key is not one. */
function sessionOf(req: Request) {
  const auth = req.auth;
  if (!auth?.userId || auth.sessionId === undefined) throw new AppError('unauthorized', 'This needs a console session (sign in), not an API key');
  return { userId: auth.userId, sessionId: auth.sessionId, email: auth.name };
}

export function createSessionRouter(ctx: AppContext) {
  const router = Router();

  router.get('/', async (req, res) => {
    const { userId, sessionId } = sessionOf(req);
    const session = await ctx.prisma.session.findUnique({ where: { id: sessionId }, include: { user: true } });
    if (!session || session.userId !== userId) throw new AppError('unauthorized', 'Your session has ended; sign in again');
    res.set('Cache-Control', 'no-store').json(sessionResponse(session.user, session));
  });

  router.delete('/', async (req, res) => {
    const s = sessionOf(req);
    await signOut(ctx, { ...s, requestId: String(req.id) });
    clearSessionCookie(res, cookieOpts(ctx));
    res.status(204).end();
  });

  router.post('/password', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const { userId, sessionId } = sessionOf(req);
    const { currentPassword, newPassword } = ChangePasswordBodySchema.parse(req.body);
    await changeOwnPassword(ctx, { userId, sessionId, currentPassword, newPassword, requestId: String(req.id) });
    res.status(204).end();
  });
  return router;
}
