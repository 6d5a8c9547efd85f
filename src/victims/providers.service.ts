// The service directory: who provides which victim-assistance service in which province, and how they hear
// of a referral (SMS to a phone, JSON to a webhook). Providers are deactivated, never deleted: referrals keep
// pointing at them. Demo providers are marked so nobody sends a real person to them unchecked.
import type { AppContext } from '../context.js';
import type { ApiCaller } from '../auth/caller.js';
import type { VaServiceProvider } from '../generated/prisma/client.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { cleanText } from '../lib/text.js';
import { normalizePhone } from '../subscribers/phone.js';
import type { CreateProviderBody, UpdateProviderBody } from './victims.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'config'>;

/** Never the webhook secret: only whether there is one. */
export function providerView(p: VaServiceProvider) {
  const { webhookSecret, ...rest } = p;
  return { ...rest, hasWebhookSecret: webhookSecret !== null };
}

function checkedData(ctx: Ctx, body: UpdateProviderBody) {
  const data: Record<string, unknown> = { ...body };
  for (const k of ['name', 'organisation', 'openingHours', 'notes'] as const) {
    if (typeof body[k] === 'string') data[k] = cleanText(body[k], 1000);
  }
  if (body.phone) {
    const phone = normalizePhone(body.phone, ctx.config.defaultCountry);
    if (!phone) throw new AppError('validation_failed', 'The request is not valid', [{ path: 'phone', code: 'invalid_phone', message: 'is not a phone number' }]);
    data.phone = phone;
  }
  if (body.webhookUrl && ctx.config.env === 'production' && !body.webhookUrl.startsWith('https:')) {
    throw new AppError('unprocessable', 'A provider webhook must use https in production', { field: 'webhookUrl' });
  }
  return data;
}

export async function createProvider(ctx: Ctx, body: CreateProviderBody, caller: ApiCaller) {
  const row = await ctx.prisma.vaServiceProvider.create({ data: checkedData(ctx, body) as never });
  await audit(ctx.prisma, { actor: caller.name, actorType: 'api_key', action: 'provider.create', entity: 'provider', entityId: row.id, requestId: caller.requestId });
  return providerView(row);
}

export async function updateProvider(ctx: Ctx, id: number, body: UpdateProviderBody, caller: ApiCaller) {
  const found = await ctx.prisma.vaServiceProvider.findUnique({ where: { id } });
  if (!found) throw new AppError('not_found', `No service provider ${id}`);
  const row = await ctx.prisma.vaServiceProvider.update({ where: { id }, data: checkedData(ctx, body) });
  await audit(ctx.prisma, { actor: caller.name, actorType: 'api_key', action: 'provider.update', entity: 'provider', entityId: id, details: { fields: Object.keys(body) }, requestId: caller.requestId });
  return providerView(row);
}

export async function listProviders(ctx: Pick<AppContext, 'prisma'>, q: { province?: string | undefined; serviceType?: string | undefined; active?: boolean | undefined }) {
  const rows = await ctx.prisma.vaServiceProvider.findMany({
    where: { ...(q.province ? { provincePcode: q.province } : {}), ...(q.serviceType ? { serviceType: q.serviceType } : {}), ...(q.active === undefined ? {} : { active: q.active }) },
    orderBy: [{ provincePcode: 'asc' }, { name: 'asc' }],
  });
  return { data: rows.map(providerView) };
}
