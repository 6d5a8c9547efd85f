// The de-identified list coordinators see: one row per casualty with its categories, district and year, and
// the services still needed (open referrals), never a name, contact, note, exact point, date or age.
import type { AppContext } from '../context.js';
import { deidentifiedCasualty } from './serialize.js';

const OPEN = ['pending', 'accepted', 'in_progress'];

/** `provinces`: a coordinator limited to provinces sees only their casualties' needs (empty = all). */
export async function listNeeds(ctx: Pick<AppContext, 'prisma'>, q: { province?: string | undefined }, provinces: readonly string[] = []) {
  const rows = await ctx.prisma.casualty.findMany({
    where: {
      ...(q.province ? { provincePcode: q.province } : {}),
      ...(provinces.length ? { AND: [{ provincePcode: { in: [...provinces] } }] } : {}),
    },
    include: { referrals: { where: { status: { in: OPEN } }, select: { serviceType: true } } },
    orderBy: { id: 'asc' },
    take: 1000,
  });
  return { data: rows.map(({ referrals, ...c }) => deidentifiedCasualty(c, [...new Set(referrals.map((r) => r.serviceType))])) };
}
