// Consent per purpose (services; sharing with a named organisation; de-identified statistics), who gave it,
// how, and on what legal basis. A withdrawn consent stays on record with its date: it was valid until then.
import type { AppContext } from '../context.js';
import type { ApiCaller } from '../auth/caller.js';
import type { DbOrTx } from '../lib/db.js';
import type { VaConsent } from '../generated/prisma/client.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { cleanText } from '../lib/text.js';
import type { CreateConsentBody } from './victims.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'clock'>;

export async function recordConsent(ctx: Ctx, casualtyId: number, body: CreateConsentBody, caller: ApiCaller) {
  return ctx.prisma.$transaction(async (tx) => {
    const c = await tx.casualty.findUnique({ where: { id: casualtyId }, select: { id: true, erasedAt: true } });
    if (!c) throw new AppError('not_found', `No casualty ${casualtyId}`);
    if (c.erasedAt) throw new AppError('conflict', `Casualty ${casualtyId} was erased`);
    const row = await tx.vaConsent.create({
      data: {
        casualtyId,
        purpose: body.purpose,
        organisation: body.organisation ? cleanText(body.organisation, 200) : null,
        legalBasis: body.legalBasis,
        givenBy: body.givenBy,
        givenByName: body.givenByName ? cleanText(body.givenByName, 200) : null,
        method: body.method,
        recordedBy: `api:${caller.name}`,
        givenAt: body.givenAt ? new Date(body.givenAt) : ctx.clock.now(),
        notes: body.notes ? cleanText(body.notes, 1000) : null,
      },
    });
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'consent.record', entity: 'casualty', entityId: casualtyId, details: { consentId: row.id, purpose: row.purpose, legalBasis: row.legalBasis, method: row.method }, requestId: caller.requestId });
    return row;
  });
}

export async function withdrawConsent(ctx: Ctx, id: number, notes: string | null | undefined, caller: ApiCaller) {
  return ctx.prisma.$transaction(async (tx) => {
    const row = await tx.vaConsent.findUnique({ where: { id } });
    if (!row) throw new AppError('not_found', `No consent ${id}`);
    if (row.withdrawnAt) throw new AppError('conflict', `Consent ${id} was already withdrawn`);
    const updated = await tx.vaConsent.update({
      where: { id },
      data: { withdrawnAt: ctx.clock.now(), ...(notes ? { notes: cleanText(`${row.notes ? `${row.notes}\n` : ''}${notes}`, 2000) } : {}) },
    });
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'consent.withdraw', entity: 'casualty', entityId: row.casualtyId, details: { consentId: id, purpose: row.purpose }, requestId: caller.requestId });
    return updated;
  });
}

export const activeConsents = (tx: DbOrTx, casualtyId: number): Promise<VaConsent[]> =>
  tx.vaConsent.findMany({ where: { casualtyId, withdrawnAt: null } });

const sameOrg = (a: string | null, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The consent purposes a referral to `organisation` still lacks: services (consent, or vital interests for
 * emergency care) and, when the record goes to an organisation, sharing with that organisation by name.
 */
export function missingForReferral(consents: VaConsent[], opts: { organisation: string; serviceType: string }): string[] {
  const missing: string[] = [];
  const services = consents.some((c) => c.purpose === 'services' && (c.legalBasis === 'consent' || opts.serviceType === 'emergency_medical'));
  if (!services) missing.push('services');
  // Vital interests (an unconscious person taken to emergency care) also covers telling that one service.
  const vital = opts.serviceType === 'emergency_medical' && consents.some((c) => c.purpose === 'services' && c.legalBasis === 'vital_interests');
  if (!vital && !consents.some((c) => c.purpose === 'sharing' && sameOrg(c.organisation, opts.organisation))) missing.push(`sharing:${opts.organisation}`);
  return missing;
}

/** Follow-up SMS need the survivor's (or family's) consent to services, not only vital interests. */
export const consentsToServices = (consents: VaConsent[]) => consents.some((c) => c.purpose === 'services' && c.legalBasis === 'consent');
export const consentsToStatistics = (consents: VaConsent[]) => consents.some((c) => c.purpose === 'statistics');
