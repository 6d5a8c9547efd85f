// Clearance teams for coordinators: who covers which admin units, who is on call in which order, and where the
// team's webhook is. Deleting only deactivates, so reports and alerts keep pointing at the team they had; a
// contact dropped from the list is deactivated for the same reason (alerts name the contact they went to).
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { normalizePhone } from '../subscribers/phone.js';
import type { ContactInput, CreateTeamBody, UpdateTeamBody } from './teams.schemas.js';
import type { ApiCaller } from '../auth/caller.js';

type Ctx = Pick<AppContext, 'prisma' | 'config'>;

const include = {
  coverages: { include: { unit: { select: { level: true, nameEn: true } } }, orderBy: { pcode: 'asc' } },
  contacts: { where: { active: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.ClearanceTeamInclude;
type TeamRow = Prisma.ClearanceTeamGetPayload<{ include: typeof include }>;

/** The secret is never shown again after it is made; clients see only whether one is set. */
export function serializeTeam(t: TeamRow) {
  return {
    id: t.id,
    name: t.name,
    organisation: t.organisation,
    isFallback: t.isFallback,
    active: t.active,
    webhookUrl: t.webhookUrl,
    hasWebhookSecret: t.webhookSecret !== null,
    coverages: t.coverages.map((c) => ({ pcode: c.pcode, level: c.unit.level, name: c.unit.nameEn })),
    contacts: t.contacts.map((c) => ({ id: c.id, name: c.name, phone: c.phone, language: c.language, position: c.position })),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export async function listTeams(ctx: Ctx, q: { active?: boolean | undefined }) {
  const rows = await ctx.prisma.clearanceTeam.findMany({
    where: q.active === undefined ? {} : { active: q.active },
    include,
    orderBy: { id: 'asc' },
  });
  return { data: rows.map(serializeTeam) };
}

export async function getTeam(ctx: Ctx, id: number) {
  const team = await ctx.prisma.clearanceTeam.findUnique({ where: { id }, include });
  if (!team) throw new AppError('not_found', `Team ${id} does not exist`);
  return serializeTeam(team);
}

export async function createTeam(ctx: Ctx, body: CreateTeamBody, caller: ApiCaller) {
  checkWebhookUrl(ctx, body.webhookUrl);
  const contacts = normalizeContacts(ctx, body.contacts);
  // A webhook without a secret could be forged by anyone who learns the URL; make one and show it once.
  const generated = body.webhookUrl && !body.webhookSecret ? newSecret() : undefined;
  const team = await ctx.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, body.name);
    const coverage = await checkCoverage(tx, body.coverage);
    const created = await tx.clearanceTeam.create({
      data: {
        name: body.name,
        organisation: body.organisation ?? null,
        isFallback: body.isFallback ?? false,
        webhookUrl: body.webhookUrl ?? null,
        webhookSecret: body.webhookSecret ?? generated ?? null,
        coverages: { create: coverage.map((pcode) => ({ pcode })) },
        contacts: { create: contacts.map((c, position) => ({ ...c, position })) },
      },
    });
    await audit(tx, {
      actor: caller.name,
      actorType: caller.actorType ?? 'api_key',
      action: 'team.create',
      entity: 'team',
      entityId: created.id,
      details: { name: body.name, coverage, contacts: contacts.length, webhook: Boolean(body.webhookUrl), isFallback: created.isFallback },
      requestId: caller.requestId,
    });
    return tx.clearanceTeam.findUniqueOrThrow({ where: { id: created.id }, include });
  });
  return { ...serializeTeam(team), ...(generated ? { webhookSecret: generated } : {}) };
}

export async function updateTeam(ctx: Ctx, id: number, body: UpdateTeamBody, caller: ApiCaller) {
  if (body.webhookUrl) checkWebhookUrl(ctx, body.webhookUrl);
  const contacts = body.contacts ? normalizeContacts(ctx, body.contacts) : undefined;
  let generated: string | undefined;
  const team = await ctx.prisma.$transaction(async (tx) => {
    const before = await tx.clearanceTeam.findUnique({ where: { id } });
    if (!before) throw new AppError('not_found', `Team ${id} does not exist`);
    if (body.name !== undefined && body.name !== before.name) await assertNameFree(tx, body.name);

    const data: Prisma.ClearanceTeamUpdateInput = {};
    if (body.name !== undefined) data.name = body.name;
    if (body.organisation !== undefined) data.organisation = body.organisation;
    if (body.isFallback !== undefined) data.isFallback = body.isFallback;
    if (body.active !== undefined) data.active = body.active;
    if (body.webhookSecret !== undefined) data.webhookSecret = body.webhookSecret;
    if (body.webhookUrl === null) {
      data.webhookUrl = null;
      data.webhookSecret = null;
    } else if (body.webhookUrl !== undefined) {
      data.webhookUrl = body.webhookUrl;
      const secretAfter = body.webhookSecret !== undefined ? body.webhookSecret : before.webhookSecret;
      if (!secretAfter) data.webhookSecret = generated = newSecret();
    }

    let coverage: string[] | undefined;
    if (body.coverage) {
      coverage = await checkCoverage(tx, body.coverage);
      await tx.teamCoverage.deleteMany({ where: { teamId: id } });
      await tx.teamCoverage.createMany({ data: coverage.map((pcode) => ({ teamId: id, pcode })) });
    }
    if (contacts) await replaceContacts(tx, id, contacts);
    // updatedAt moves even when only the lists changed.
    await tx.clearanceTeam.update({ where: { id }, data: { ...data, updatedAt: new Date() } });

    await audit(tx, {
      actor: caller.name,
      actorType: caller.actorType ?? 'api_key',
      action: 'team.update',
      entity: 'team',
      entityId: id,
      details: JSON.parse(JSON.stringify({
        fields: Object.keys(body).filter((k) => body[k as keyof UpdateTeamBody] !== undefined),
        ...(coverage ? { coverage } : {}),
        ...(contacts ? { contacts: contacts.length } : {}),
        ...(body.name !== undefined && body.name !== before.name ? { name: { from: before.name, to: body.name } } : {}),
      })) as Prisma.InputJsonValue,
      requestId: caller.requestId,
    });
    return tx.clearanceTeam.findUniqueOrThrow({ where: { id }, include });
  });
  return { ...serializeTeam(team), ...(generated ? { webhookSecret: generated } : {}) };
}

/** Soft delete: the team stops receiving alerts; its reports, alerts and contacts stay as history. */
export async function deactivateTeam(ctx: Ctx, id: number, caller: ApiCaller): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    const team = await tx.clearanceTeam.findUnique({ where: { id }, select: { active: true } });
    if (!team) throw new AppError('not_found', `Team ${id} does not exist`);
    if (!team.active) return;
    await tx.clearanceTeam.update({ where: { id }, data: { active: false } });
    await audit(tx, { actor: caller.name, actorType: caller.actorType ?? 'api_key', action: 'team.delete', entity: 'team', entityId: id, requestId: caller.requestId });
  });
}

async function assertNameFree(tx: Tx, name: string) {
  const other = await tx.clearanceTeam.findUnique({ where: { name }, select: { id: true, active: true } });
  if (!other) return;
  const hint = other.active ? '' : '; it was deleted: PATCH it with {"active": true} to bring it back';
  throw new AppError('conflict', `A team named ${JSON.stringify(name)} already exists (id ${other.id})${hint}`, { id: other.id, active: other.active });
}

/** Every P-code must be in the gazetteer; the error names all unknown ones at once. */
async function checkCoverage(tx: Tx, pcodes: string[]): Promise<string[]> {
  const unique = [...new Set(pcodes)];
  if (unique.length === 0) return [];
  const known = new Set(
    (await tx.adminUnit.findMany({ where: { pcode: { in: unique } }, select: { pcode: true } })).map((u) => u.pcode),
  );
  const unknown = unique.filter((p) => !known.has(p));
  if (unknown.length) {
    throw new AppError('unprocessable', `Unknown P-code${unknown.length > 1 ? 's' : ''} in coverage: ${unknown.join(', ')}`, {
      field: 'coverage',
      unknown,
    });
  }
  return unique;
}

interface Contact {
  name: string;
  phone: string;
  language: string;
}

function normalizeContacts(ctx: Ctx, input: ContactInput[]): Contact[] {
  const seen = new Map<string, number>();
  return input.map((c, index) => {
    const phone = normalizePhone(c.phone, ctx.config.defaultCountry);
    if (!phone) {
      throw new AppError('unprocessable', `contacts[${index}].phone is not a valid phone number; write it in international format, e.g. +85512345678`, {
        field: `contacts.${index}.phone`,
        index,
      });
    }
    const first = seen.get(phone);
    if (first !== undefined) {
      throw new AppError('unprocessable', `contacts[${index}] has the same phone number as contacts[${first}]`, {
        field: `contacts.${index}.phone`,
        index,
        duplicateOf: first,
      });
    }
    seen.set(phone, index);
    return { name: c.name, phone, language: c.language ?? ctx.config.defaultLocale };
  });
}

/** The new list in order; a number already on the team keeps its contact row (and the alerts that name it). */
async function replaceContacts(tx: Tx, teamId: number, contacts: Contact[]) {
  const existing = await tx.teamContact.findMany({ where: { teamId } });
  const byPhone = new Map(existing.map((c) => [c.phone, c]));
  const keep = new Set(contacts.map((c) => c.phone));
  const dropped = existing.filter((c) => c.active && !keep.has(c.phone)).map((c) => c.id);
  if (dropped.length) await tx.teamContact.updateMany({ where: { id: { in: dropped } }, data: { active: false } });
  for (const [position, c] of contacts.entries()) {
    const old = byPhone.get(c.phone);
    if (old) await tx.teamContact.update({ where: { id: old.id }, data: { ...c, position, active: true } });
    else await tx.teamContact.create({ data: { ...c, teamId, position } });
  }
}

function checkWebhookUrl(ctx: Ctx, url: string | undefined) {
  if (!url || ctx.config.env !== 'production' || new URL(url).protocol === 'https:') return;
  // Reports carry villagers' numbers and the place of a device: never in clear text over the internet.
  throw new AppError('validation_failed', 'The request is not valid', [
    { path: 'webhookUrl', code: 'custom', message: 'must be an https:// URL in production' },
  ]);
}

const newSecret = () => randomBytes(32).toString('base64url');
