// FALLBACK_COORDINATOR_PHONE receives alerts no team covers and the last escalation step. To answer them by
// SMS (ACK, DONE…) that number must be a team contact, so it is kept as the one contact of a fallback team.
import type { AppContext } from '../context.js';
import { normalizePhone } from '../subscribers/phone.js';

export const FALLBACK_TEAM_NAME = 'Fallback coordinator';

export async function ensureFallbackCoordinator(ctx: Pick<AppContext, 'prisma' | 'config' | 'log'>): Promise<void> {
  const raw = ctx.config.reports.fallbackCoordinatorPhone;
  if (!raw) return;
  const phone = normalizePhone(raw, ctx.config.defaultCountry);
  if (!phone) {
    ctx.log.warn('FALLBACK_COORDINATOR_PHONE is not a valid phone number; the fallback coordinator cannot answer by SMS');
    return;
  }
  const existing = await ctx.prisma.teamContact.findFirst({ where: { phone, active: true, team: { active: true } } });
  if (existing) return;
  await ctx.prisma.clearanceTeam.upsert({
    where: { name: FALLBACK_TEAM_NAME },
    create: {
      name: FALLBACK_TEAM_NAME,
      isFallback: true,
      contacts: { create: [{ name: 'Fallback coordinator', phone, language: ctx.config.defaultLocale, position: 0 }] },
    },
    update: {
      active: true,
      isFallback: true,
      contacts: { create: [{ name: 'Fallback coordinator', phone, language: ctx.config.defaultLocale, position: 0 }] },
    },
  });
  ctx.log.info('fallback coordinator registered as a team contact, so they can answer alerts by SMS');
}
