// First run: while no user exists, a one-time link (24 h) creates the first administrator, so a new install
// needs no CLI while the service runs. The token is stored only as its sha256 and can be used once.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import type { DbOrTx } from '../lib/db.js';
import { hashPassword } from './passwords.js';
import { createSession, hashToken } from './sessions.js';

export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000;

export async function isSetupNeeded(prisma: DbOrTx): Promise<boolean> {
  return (await prisma.user.count()) === 0;
}

export async function createSetupToken(prisma: DbOrTx, now: Date): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await prisma.setupToken.deleteMany({ where: { expiresAt: { lte: now } } });
  await prisma.setupToken.create({ data: { tokenHash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + SETUP_TOKEN_TTL_MS) } });
  return token;
}

export async function completeSetup(
  ctx: Pick<AppContext, 'prisma' | 'clock'>,
  opts: { token: string; email: string; name: string; password: string; requestId: string },
) {
  if (!(await isSetupNeeded(ctx.prisma))) throw new AppError('conflict', 'The service is already set up; sign in instead');
  const passwordHash = await hashPassword(opts.password);
  const now = ctx.clock.now();
  const user = await ctx.prisma.$transaction(async (tx) => {
    // Serialises setups: two links used at once must not make two "first" administrators.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hazardline:setup'))`;
    if ((await tx.user.count()) > 0) throw new AppError('conflict', 'The service is already set up; sign in instead');
    const used = await tx.setupToken.updateMany({
      where: { tokenHash: hashToken(opts.token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (used.count !== 1) throw new AppError('setup_token_invalid', 'This setup link is not valid (expired or already used); restart the service for a new one');
    const created = await tx.user.create({
      data: { email: opts.email, name: opts.name, role: 'admin', passwordHash, passwordChangedAt: now, createdAt: now, lastSignInAt: now },
    });
    await audit(tx, { actor: created.email, actorType: 'user', action: 'setup.complete', entity: 'user', entityId: created.id, details: { role: 'admin' }, requestId: opts.requestId });
    return created;
  });
  const { token, session } = await createSession(ctx.prisma, user.id, now);
  return { user, session, token };
}
