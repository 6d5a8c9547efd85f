// Casualty records entered or completed by a victim-assistance focal point. Every change is audited without
// the identifying values themselves (the audit log outlives an erasure only in de-identified form).
import type { AppContext } from '../context.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ApiCaller } from '../auth/caller.js';
import type { DbOrTx } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { cleanText } from '../lib/text.js';
import { encodeCursor } from '../lib/schemas.js';
import { ancestry } from '../districts/ancestry.js';
import { normalizePhone } from '../subscribers/phone.js';
import { ageGroupOf } from './vocab.js';
import { identifyingCasualty } from './serialize.js';
import type { CreateCasualtyBody, ListCasualtiesQuery, UpdateCasualtyBody } from './victims.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'clock'>;

/** The data columns a body sets; free text cleaned, the phone in E.164, the age group derived from an age. */
async function toData(ctx: Ctx, tx: DbOrTx, body: Omit<UpdateCasualtyBody, 'complete'>): Promise<Prisma.CasualtyUncheckedUpdateInput> {
  const data: Prisma.CasualtyUncheckedUpdateInput = {};
  const copy = ['outcome', 'sex', 'category', 'activity', 'deviceCategory', 'injuries', 'contactRelation', 'language', 'reportId', 'lat', 'lon'] as const;
  for (const k of copy) if (body[k] !== undefined) (data as Record<string, unknown>)[k] = body[k];
  for (const k of ['name', 'contactName', 'notes'] as const) if (body[k] !== undefined) data[k] = body[k] === null ? null : cleanText(body[k]!, 2000);
  if (body.age !== undefined) {
    data.age = body.age;
    data.ageGroup = ageGroupOf(body.age) ?? body.ageGroup ?? 'unknown';
  } else if (body.ageGroup !== undefined) data.ageGroup = body.ageGroup;
  if (body.accidentDate !== undefined) {
    const d = body.accidentDate ? new Date(`${body.accidentDate}T00:00:00Z`) : null;
    data.accidentDate = d;
    data.accidentYear = d ? d.getUTCFullYear() : null;
  }
  if (body.contactPhone !== undefined) {
    if (body.contactPhone === null) data.contactPhone = null;
    else {
      const phone = normalizePhone(body.contactPhone, ctx.config.defaultCountry);
      if (!phone) throw new AppError('validation_failed', 'The request is not valid', [{ path: 'contactPhone', code: 'invalid_phone', message: 'is not a phone number' }]);
      data.contactPhone = phone;
    }
  }
  if (body.reportId != null && !(await tx.hazardReport.findUnique({ where: { id: body.reportId }, select: { id: true } }))) {
    throw new AppError('unprocessable', `No hazard report ${body.reportId}`, { field: 'reportId' });
  }
  if (body.adminPcode !== undefined) {
    const chain = body.adminPcode ? await ancestry(tx, body.adminPcode) : [];
    if (body.adminPcode && chain.length === 0) throw new AppError('unprocessable', `No admin unit with P-code ${body.adminPcode}`, { field: 'adminPcode' });
    data.adminPcode = body.adminPcode;
    data.districtPcode = chain.find((u) => u.level === 'district')?.pcode ?? null;
    data.provincePcode = chain.find((u) => u.level === 'province')?.pcode ?? null;
  }
  return data;
}

/** Which fields a change touched, for the audit row: names of fields, never their values. */
const touched = (body: object) => Object.entries(body).filter(([, v]) => v !== undefined).map(([k]) => k);

export async function createCasualty(ctx: Ctx, body: CreateCasualtyBody, caller: ApiCaller) {
  return ctx.prisma.$transaction(async (tx) => {
    const data = await toData(ctx, tx, body);
    const now = ctx.clock.now();
    const row = await tx.casualty.create({
      data: { ...(data as Prisma.CasualtyUncheckedCreateInput), status: 'complete', createdBy: `api:${caller.name}`, createdAt: now },
    });
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'casualty.create', entity: 'casualty', entityId: row.id, details: { fields: touched(body) }, requestId: caller.requestId });
    return identifyingCasualty(row);
  });
}

export async function updateCasualty(ctx: Ctx, id: number, body: UpdateCasualtyBody, caller: ApiCaller) {
  return ctx.prisma.$transaction(async (tx) => {
    const before = await tx.casualty.findUnique({ where: { id } });
    if (!before) throw new AppError('not_found', `No casualty ${id}`);
    if (before.erasedAt) throw new AppError('conflict', `Casualty ${id} was erased; its identifying data cannot be set again`);
    const { complete, ...fields } = body;
    const data = await toData(ctx, tx, fields);
    if (complete) data.status = 'complete';
    const row = await tx.casualty.update({ where: { id }, data });
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: complete && before.status === 'placeholder' ? 'casualty.complete' : 'casualty.update', entity: 'casualty', entityId: id, details: { fields: touched(body) }, requestId: caller.requestId });
    return identifyingCasualty(row);
  });
}

export async function getCasualty(ctx: Pick<AppContext, 'prisma'>, id: number) {
  const row = await ctx.prisma.casualty.findUnique({
    where: { id },
    include: { consents: { orderBy: { id: 'asc' } }, referrals: { orderBy: { id: 'asc' }, include: { provider: { select: { id: true, name: true, organisation: true } } } } },
  });
  if (!row) throw new AppError('not_found', `No casualty ${id}`);
  const { consents, referrals, ...casualty } = row;
  return { ...identifyingCasualty(casualty), consents, referrals };
}

export async function listCasualties(ctx: Pick<AppContext, 'prisma'>, q: ListCasualtiesQuery) {
  const rows = await ctx.prisma.casualty.findMany({
    where: {
      ...(q.status ? { status: q.status } : {}),
      ...(q.reportId ? { reportId: q.reportId } : {}),
      ...(q.province ? { provincePcode: q.province } : {}),
      ...(q.cursor ? { id: { gt: q.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  return { data: page.map(identifyingCasualty), nextCursor: more ? encodeCursor(page.at(-1)!.id) : null };
}
