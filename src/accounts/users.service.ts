// Users, managed by admins: list, create, change (role, provinces, disabled…) and reset a password. Disabling
// a user or resetting their password ends their sessions at once; the last active admin cannot be demoted or
// disabled, so the console can never lock everyone out.
import type { Prisma, User } from '../generated/prisma/client.js';
import type { AppContext } from '../context.js';
import type { DbOrTx } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { maskPhone } from '../lib/logger.js';
import type { ApiCaller } from '../auth/caller.js';
import { hashPassword } from './passwords.js';
import { endUserSessions } from './sessions.js';
import { clearThrottle } from './throttle.js';
import { userLoginKeys } from './sign-in.js';
import { serializeUser } from './user-shape.js';
import type { CreateUserBody, UpdateUserBody } from './accounts.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'clock'>;

const actorOf = (caller: ApiCaller) => ({ actor: caller.name, actorType: caller.actorType ?? 'api_key', requestId: caller.requestId });

export async function listUsers(ctx: Ctx) {
  const users = await ctx.prisma.user.findMany({ orderBy: { id: 'asc' } });
  return { data: users.map(serializeUser) };
}

/** Provinces must be provinces the gazetteer knows: a typo would silently hide every report. */
async function checkProvinces(prisma: DbOrTx, provinces: string[] | undefined) {
  if (!provinces?.length) return;
  const known = await prisma.adminUnit.findMany({ where: { pcode: { in: provinces }, level: 'province' }, select: { pcode: true } });
  const unknown = provinces.filter((p) => !known.some((k) => k.pcode === p));
  if (unknown.length) throw new AppError('unprocessable', `Not a province P-code: ${unknown.join(', ')}`, { field: 'provinces', unknown });
}

export async function createUser(ctx: Ctx, body: CreateUserBody, caller: ApiCaller) {
  await checkProvinces(ctx.prisma, body.provinces);
  const now = ctx.clock.now();
  const passwordHash = await hashPassword(body.password);
  const user = await ctx.prisma.user.create({
    data: {
      email: body.email, name: body.name, role: body.role, phone: body.phone ?? null, provinces: body.provinces ?? [],
      passwordHash, passwordChangedAt: now, createdAt: now,
    },
  });
  await audit(ctx.prisma, {
    ...actorOf(caller), action: 'user.create', entity: 'user', entityId: user.id,
    details: { email: user.email, role: user.role, provinces: user.provinces, phone: user.phone ? maskPhone(user.phone) : null },
  });
  return serializeUser(user);
}

async function guardLastAdmin(tx: DbOrTx, before: User, body: UpdateUserBody) {
  const losesAdmin = (body.role !== undefined && body.role !== 'admin') || body.disabled === true;
  if (before.role !== 'admin' || before.disabledAt || !losesAdmin) return;
  const others = await tx.user.count({ where: { role: 'admin', disabledAt: null, id: { not: before.id } } });
  if (others === 0) throw new AppError('conflict', 'This is the last active administrator; make another one first');
}

export async function updateUser(ctx: Ctx, id: number, body: UpdateUserBody, caller: ApiCaller) {
  await checkProvinces(ctx.prisma, body.provinces);
  const now = ctx.clock.now();
  const user = await ctx.prisma.$transaction(async (tx) => {
    // The admin lock: two admins demoting each other at once must not leave none.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('hazardline:admins'))`;
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw new AppError('not_found', `User ${id} does not exist`);
    await guardLastAdmin(tx, before, body);
    const data: Prisma.UserUpdateInput = {};
    if (body.name !== undefined) data.name = body.name;
    if (body.role !== undefined) data.role = body.role;
    if (body.phone !== undefined) data.phone = body.phone;
    if (body.provinces !== undefined) data.provinces = body.provinces;
    if (body.disabled !== undefined) data.disabledAt = body.disabled ? (before.disabledAt ?? now) : null;
    const after = await tx.user.update({ where: { id }, data });
    if (body.disabled) await endUserSessions(tx, id);
    const changed = Object.keys(body).filter((k) => body[k as keyof UpdateUserBody] !== undefined);
    await audit(tx, {
      ...actorOf(caller), action: 'user.update', entity: 'user', entityId: id,
      details: {
        fields: changed,
        ...(body.role !== undefined ? { role: { from: before.role, to: after.role } } : {}),
        ...(body.provinces !== undefined ? { provinces: after.provinces } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
      },
    });
    return after;
  });
  return serializeUser(user);
}

/** An admin sets a new password: every session of the user ends and their sign-in back-off is cleared. */
export async function resetPassword(ctx: Ctx, id: number, password: string, caller: ApiCaller) {
  const user = await ctx.prisma.user.findUnique({ where: { id } });
  if (!user) throw new AppError('not_found', `User ${id} does not exist`);
  const passwordHash = await hashPassword(password);
  await ctx.prisma.user.update({ where: { id }, data: { passwordHash, passwordChangedAt: ctx.clock.now() } });
  await endUserSessions(ctx.prisma, id);
  await clearThrottle(ctx.prisma, userLoginKeys(user));
  await audit(ctx.prisma, { ...actorOf(caller), action: 'user.password_reset', entity: 'user', entityId: id });
}
