// Referrals: a casualty to a service provider, refused without the consent it needs unless a victim-assistance
// officer or an admin overrides with a reason (audited). The provider hears by SMS and/or webhook through the
// outbox; the follow-up check-ins are scheduled at once, so the survivor is asked even if nobody remembers to.
import type { AppContext } from '../context.js';
import type { ApiCaller } from '../auth/caller.js';
import type { Tx } from '../lib/db.js';
import type { Casualty, VaReferral, VaServiceProvider } from '../generated/prisma/client.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { cleanText, clip } from '../lib/text.js';
import { enqueue } from '../outbox/enqueue.js';
import { activeConsents, missingForReferral } from './consents.service.js';
import { moveReferral } from './referral-status.js';
import { seesIdentifying } from './access.js';
import type { CreateReferralBody, ReferralStatusBody } from './victims.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'clock' | 'i18n' | 'outbox'>;

export async function createReferral(ctx: Ctx, body: CreateReferralBody, caller: ApiCaller) {
  const referral = await ctx.prisma.$transaction(async (tx) => {
    const casualty = await tx.casualty.findUnique({ where: { id: body.casualtyId } });
    if (!casualty) throw new AppError('not_found', `No casualty ${body.casualtyId}`);
    if (casualty.erasedAt) throw new AppError('conflict', `Casualty ${casualty.id} was erased`);
    const provider = await tx.vaServiceProvider.findUnique({ where: { id: body.providerId } });
    if (!provider || !provider.active) throw new AppError('unprocessable', `No active service provider ${body.providerId}`, { field: 'providerId' });
    const organisation = provider.organisation ?? provider.name;
    const missing = missingForReferral(await activeConsents(tx, casualty.id), { organisation, serviceType: provider.serviceType });
    if (missing.length > 0 && !body.override) {
      throw new AppError('unprocessable', `Consent missing: ${missing.join(', ')}`, {
        code: 'consent_missing',
        missing: missing.map((m) => (m.startsWith('sharing:') ? { purpose: 'sharing', organisation: m.slice(8) } : { purpose: m })),
      });
    }
    if (body.override && !seesIdentifying(caller.role)) {
      throw new AppError('forbidden', 'Only the victim_assistance role or an admin may override missing consent');
    }
    const now = ctx.clock.now();
    const overridden = missing.length > 0 && body.override ? cleanText(body.override.reason, 1000) : null;
    const row = await tx.vaReferral.create({
      data: {
        casualtyId: casualty.id,
        providerId: provider.id,
        serviceType: provider.serviceType,
        provincePcode: casualty.provincePcode ?? provider.provincePcode,
        needs: body.needs ? cleanText(body.needs, 1000) : null,
        overrideReason: overridden,
        overrideBy: overridden ? `api:${caller.name}` : null,
        createdBy: `api:${caller.name}`,
        createdAt: now,
      },
    });
    await tx.vaReferralEvent.create({ data: { referralId: row.id, toStatus: 'pending', actor: `api:${caller.name}`, actorType: 'api_key', at: now, note: overridden ? 'consent overridden' : null } });
    await audit(tx, {
      actor: caller.name, actorType: 'api_key', action: overridden ? 'referral.create.consent_override' : 'referral.create',
      entity: 'referral', entityId: row.id,
      details: { casualtyId: casualty.id, providerId: provider.id, ...(overridden ? { missing, reason: overridden } : {}) },
      requestId: caller.requestId,
    });
    await scheduleFollowUps(ctx, tx, row);
    await notifyProvider(ctx, tx, row, provider, casualty);
    return row;
  });
  ctx.outbox.notify();
  return getReferral(ctx, referral.id);
}

async function scheduleFollowUps(ctx: Ctx, tx: Tx, referral: VaReferral) {
  const days = [...new Set(ctx.config.victims.followUpDays)].sort((a, b) => a - b);
  if (days.length === 0) return;
  await tx.vaFollowUp.createMany({
    data: days.map((d) => ({
      referralId: referral.id, casualtyId: referral.casualtyId, kind: `${d}d`, offsetDays: d,
      dueAt: new Date(referral.createdAt.getTime() + d * 86_400_000),
    })),
    skipDuplicates: true,
  });
}

/** The provider is told who to contact and what for: by SMS in its language, and as JSON to its webhook. */
async function notifyProvider(ctx: Ctx, tx: Tx, referral: VaReferral, provider: VaServiceProvider, casualty: Casualty) {
  const locale = provider.language;
  const t = (k: string, v?: Record<string, unknown>) => ctx.i18n.t(locale, k, v);
  const unknown = t('victims:unknown');
  const contact = [casualty.contactName ?? casualty.name, casualty.contactPhone].filter(Boolean).join(' ') || unknown;
  if (provider.phone) {
    await enqueue(tx, {
      kind: 'referral',
      to: provider.phone,
      body: t('victims:provider.newReferral', {
        number: referral.id,
        service: t(`victims:service.${referral.serviceType}`),
        place: referral.provincePcode ?? unknown,
        contact,
        language: casualty.language,
        needs: referral.needs ? clip(referral.needs, 200) : '-',
      }),
      locale,
      dedupeKey: `va:referral:${referral.id}:sms`,
    });
  }
  if (provider.webhookUrl) {
    await enqueue(tx, {
      kind: 'webhook',
      channel: 'webhook',
      to: provider.webhookUrl,
      body: JSON.stringify({
        event: 'referral.created',
        referral: { id: referral.id, serviceType: referral.serviceType, status: referral.status, needs: referral.needs, createdAt: referral.createdAt },
        person: {
          name: casualty.name, outcome: casualty.outcome, sex: casualty.sex, ageGroup: casualty.ageGroup, injuries: casualty.injuries,
          provincePcode: casualty.provincePcode, districtPcode: casualty.districtPcode, language: casualty.language,
          contact: { name: casualty.contactName, phone: casualty.contactPhone, relation: casualty.contactRelation },
        },
        reply: 'POST nothing back: answer by SMS (REF <id> ACCEPT|START|DONE|DECLINE) or ask the focal point',
      }),
      dedupeKey: `va:referral:${referral.id}:webhook`,
    });
  }
}

export async function getReferral(ctx: Pick<AppContext, 'prisma'>, id: number) {
  const row = await ctx.prisma.vaReferral.findUnique({
    where: { id },
    include: {
      provider: { select: { id: true, name: true, organisation: true, serviceType: true, provincePcode: true, demo: true } },
      events: { orderBy: { id: 'asc' } },
      followUps: { orderBy: { dueAt: 'asc' } },
    },
  });
  if (!row) throw new AppError('not_found', `No referral ${id}`);
  return row;
}

export async function listReferrals(ctx: Pick<AppContext, 'prisma'>, q: { status?: string | undefined; casualtyId?: number | undefined; providerId?: number | undefined }) {
  const data = await ctx.prisma.vaReferral.findMany({
    where: { ...(q.status ? { status: q.status } : {}), ...(q.casualtyId ? { casualtyId: q.casualtyId } : {}), ...(q.providerId ? { providerId: q.providerId } : {}) },
    include: { provider: { select: { id: true, name: true, organisation: true } } },
    orderBy: { id: 'desc' },
    take: 500,
  });
  return { data };
}

export async function changeReferralStatus(ctx: Ctx, id: number, body: ReferralStatusBody, caller: ApiCaller) {
  await ctx.prisma.$transaction(async (tx) => {
    const referral = await tx.vaReferral.findUnique({ where: { id } });
    if (!referral) throw new AppError('not_found', `No referral ${id}`);
    await moveReferral(tx, referral, body.status, { actor: { id: `api:${caller.name}`, type: 'api_key' }, at: ctx.clock.now(), outcome: body.outcome ?? null, reason: body.reason ?? null });
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'referral.status', entity: 'referral', entityId: id, details: { from: referral.status, to: body.status }, requestId: caller.requestId });
  });
  return getReferral(ctx, id);
}
