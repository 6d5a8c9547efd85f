// Erasure on request: a person's name, phone, contact, free text and exact point go from every table that holds
// them (casualty, consents, referrals and their history, follow-ups, tasks, the outbox messages to or about them,
// their SMS answers, audit details); what statistics count stays (outcome, sex, age group, category, activity,
// device, province and district, year), so the de-identified figures do not change.
import type { AppContext } from '../context.js';
import type { ApiCaller } from '../auth/caller.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';

export const ERASED = '[erased]';

export async function eraseCasualty(ctx: Pick<AppContext, 'prisma' | 'clock'>, id: number, caller: ApiCaller) {
  return ctx.prisma.$transaction(async (tx) => {
    const c = await tx.casualty.findUnique({ where: { id } });
    if (!c) throw new AppError('not_found', `No casualty ${id}`);
    if (c.erasedAt) return { id, erasedAt: c.erasedAt, already: true };
    const now = ctx.clock.now();
    const referralIds = (await tx.vaReferral.findMany({ where: { casualtyId: id }, select: { id: true } })).map((r) => r.id);
    const secrets = [c.name, c.contactName, c.contactPhone].filter((s): s is string => Boolean(s && s.length >= 3));

    await tx.casualty.update({
      where: { id },
      data: {
        name: null, contactName: null, contactPhone: null, contactRelation: null, notes: null, lat: null, lon: null,
        age: null, accidentDate: null, adminPcode: c.districtPcode ?? c.provincePcode, erasedAt: now,
      },
    });
    await tx.vaConsent.updateMany({ where: { casualtyId: id }, data: { givenByName: null, notes: null, organisation: null } });
    await tx.vaReferral.updateMany({ where: { casualtyId: id }, data: { needs: null, outcome: null, closeReason: null, overrideReason: null } });
    await tx.vaReferralEvent.updateMany({ where: { referralId: { in: referralIds } }, data: { note: null } });
    await tx.vaFollowUp.updateMany({ where: { casualtyId: id, status: { in: ['scheduled', 'sent'] } }, data: { status: 'cancelled', skipReason: 'erased' } });
    await tx.vaTask.updateMany({ where: { casualtyId: id }, data: { note: null } });

    // Messages: what was sent to the contact, and the providers' referral notices that named them. Unsent ones
    // are cancelled, not sent with a blanked body.
    const keys = referralIds.flatMap((r) => [`va:referral:${r}:sms`, `va:referral:${r}:webhook`]);
    if (c.contactPhone || keys.length > 0) {
      await tx.$executeRaw`
        UPDATE outbox SET body = ${ERASED},
          recipient = CASE WHEN recipient = ${c.contactPhone ?? ''} THEN ${ERASED} ELSE recipient END,
          status = CASE WHEN status = 'pending' THEN 'cancelled'::"OutboxStatus" ELSE status END,
          updated_at = ${now}
        WHERE recipient = ${c.contactPhone ?? ''} OR dedupe_key = ANY(${keys})`;
    }
    if (c.contactPhone) {
      await tx.$executeRaw`
        UPDATE inbound_messages SET body = '', from_phone = ${ERASED}, reply_text = NULL
        WHERE from_phone = ${c.contactPhone} AND handled_as LIKE 'victims:%'`;
    }
    // Audit rows keep who did what and when; any details that quote the person lose their details.
    for (const s of secrets) {
      await tx.$executeRaw`UPDATE audit_log SET details = ${JSON.stringify({ erased: true })}::jsonb WHERE details::text LIKE ${`%${s.replace(/[\\%_]/g, '\\$&')}%`}`;
    }
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'casualty.erase', entity: 'casualty', entityId: id, details: { referrals: referralIds.length }, requestId: caller.requestId });
    return { id, erasedAt: now, already: false };
  });
}
