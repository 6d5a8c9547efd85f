// Listing and creating subscribers for admins and educators. Numbers that sent STOP are never re-activated
// from here: only the person can resubscribe, by texting START or JOIN (carrier rules and plain decency).
import type { Prisma, Subscriber } from '../generated/prisma/client.js';
import type { Db, DbOrTx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { truncate } from '../lib/text.js';
import { resolveDistrict } from '../districts/resolve-district.js';
import { countryFacts } from '../districts/countries.js';
import { countryOfPhone, normalizePhone } from './phone.js';
import { encodeCursor, type CreateSubscriberBody, type ListSubscribersQuery } from './subscribers.schemas.js';
import type { ApiCaller } from '../auth/caller.js';

export function serializeSubscriber(s: Subscriber) {
  return {
    id: s.id,
    phone: s.phone,
    language: s.language,
    districtPcode: s.districtPcode,
    status: s.status,
    numberInvalid: s.numberInvalidAt !== null,
    source: s.source,
    joinedAt: s.joinedAt,
    optedOutAt: s.optedOutAt,
    createdAt: s.createdAt,
  };
}

export async function listSubscribers(ctx: Pick<AppContext, 'prisma'>, q: ListSubscribersQuery) {
  const where: Prisma.SubscriberWhereInput = {};
  if (q.district) where.districtPcode = await districtFilter(ctx.prisma, q.district);
  if (q.language) where.language = q.language;
  if (q.status) where.status = q.status;
  if (q.cursor !== undefined) where.id = { gt: q.cursor };
  // One row more than asked tells whether there is a next page without a count query.
  const rows = await ctx.prisma.subscriber.findMany({ where, orderBy: { id: 'asc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { data: page.map(serializeSubscriber), nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null };
}

/** A province P-code stands for all its districts, since subscribers are only ever stored by district. */
async function districtFilter(prisma: Db, pcode: string): Promise<Prisma.StringNullableFilter | string> {
  const unit = await prisma.adminUnit.findUnique({ where: { pcode }, select: { level: true } });
  if (!unit) throw new AppError('unprocessable', `Unknown P-code ${pcode}`, { field: 'district' });
  if (unit.level === 'district') return pcode;
  if (unit.level !== 'province') {
    throw new AppError('unprocessable', `${pcode} is a ${unit.level}; filter by a province or district P-code`, { field: 'district' });
  }
  const children = await prisma.adminUnit.findMany({ where: { parentPcode: pcode, level: 'district' }, select: { pcode: true } });
  return { in: children.map((c) => c.pcode) };
}

export type DistrictInput = { ok: true; pcode: string } | { ok: false; reason: string };

const PCODE_RE = /^[A-Za-z]{0,3}\d{2,12}$/;

/** A district P-code, or a place name resolved like a JOIN message; only a sure match is acted on. */
export async function resolveDistrictInput(ctx: Pick<AppContext, 'places'>, tx: DbOrTx, raw: string): Promise<DistrictInput> {
  const text = raw.trim();
  const shown = JSON.stringify(truncate(text, 60));
  if (PCODE_RE.test(text)) {
    const pcode = text.toUpperCase();
    const unit = await tx.adminUnit.findUnique({ where: { pcode }, select: { level: true } });
    if (!unit) {
      // Spreadsheets store 0102 as the number 102; say so rather than leave the operator puzzled.
      const padded = /^\d+$/.test(pcode) && (await tx.adminUnit.findUnique({ where: { pcode: `0${pcode}` }, select: { pcode: true } }));
      const hint = padded ? `; did a spreadsheet drop the leading zero of ${padded.pcode}?` : '';
      return { ok: false, reason: `unknown district P-code ${shown}${hint}` };
    }
    if (unit.level !== 'district') return { ok: false, reason: `P-code ${shown} is a ${unit.level}, not a district` };
    return { ok: true, pcode };
  }
  const found = await resolveDistrict(ctx.places, tx, text);
  switch (found.kind) {
    case 'sure':
      return { ok: true, pcode: found.district.pcode };
    case 'unsure':
      return {
        ok: false,
        reason: `no district sure to match ${shown}; did you mean ${found.district.nameEn} (${found.district.pcode})?`,
      };
    case 'province':
      return { ok: false, reason: `${shown} is the province ${found.province.nameEn}; name one of its districts` };
    case 'none':
      return { ok: false, reason: `no district matches ${shown}` };
  }
}

export async function createSubscriber(
  ctx: Pick<AppContext, 'prisma' | 'places' | 'clock' | 'config'>,
  body: CreateSubscriberBody,
  actor: ApiCaller,
) {
  const phone = normalizePhone(body.phone, ctx.config.defaultCountry);
  if (!phone) {
    // Not echoed back: it may be a real number with a typo, and error bodies end up in logs.
    throw new AppError('unprocessable', 'The phone number is not valid; write it in international format, e.g. +85512345678', {
      field: 'phone',
    });
  }
  const existing = await ctx.prisma.subscriber.findUnique({ where: { phone } });
  if (existing?.status === 'opted_out') {
    throw new AppError(
      'conflict',
      'This number opted out by SMS (STOP). Only the person can resubscribe, by texting START or JOIN.',
      { id: existing.id, status: existing.status },
    );
  }
  if (existing) {
    throw new AppError('conflict', `A subscriber with this number already exists (id ${existing.id})`, {
      id: existing.id,
      status: existing.status,
    });
  }
  const district = await resolveDistrictInput(ctx, ctx.prisma, body.district);
  if (!district.ok) throw new AppError('unprocessable', `District: ${district.reason}`, { field: 'district' });

  const now = ctx.clock.now();
  // A language the caller chose is the caller's; a default from the country code stays a guess, so the
  // inbound SMS flow may still correct it from the script the person writes in.
  const language = body.language ?? countryFacts(ctx.config, countryOfPhone(phone)).locale ?? ctx.config.defaultLocale;
  // A concurrent create of the same number fails on the unique index; the error middleware makes that a 409.
  return ctx.prisma.$transaction(async (tx) => {
    const created = await tx.subscriber.create({
      data: {
        phone,
        language,
        languageSource: body.language ? 'api' : 'guessed',
        districtPcode: district.pcode,
        status: 'active',
        source: 'api',
        joinedAt: now,
      },
    });
    await audit(tx, {
      actor: actor.name,
      actorType: actor.actorType ?? 'api_key',
      action: 'subscriber.create',
      entity: 'subscriber',
      entityId: created.id,
      details: { district: district.pcode, language },
      requestId: actor.requestId,
    });
    return serializeSubscriber(created);
  });
}
