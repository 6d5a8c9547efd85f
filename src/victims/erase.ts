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
    // The hazard report the casualty came from stays (clearance needs it), but it loses what names the person:
    // their name or their contact's in the villager's words, its history, the messages about it (alerts quote
    // the words), and the reporter's number when the reporter is the contact (a survivor reporting for
    // themselves). Bounded to that one report, so an erasure never scans the whole outbox.
    if (c.reportId !== null) {
      for (const s of secrets) {
        const pattern = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        await tx.$executeRaw`UPDATE hazard_reports SET original_text = regexp_replace(original_text, ${pattern}, ${ERASED}, 'gi') WHERE id = ${c.reportId} AND original_text ~* ${pattern}`;
        await tx.$executeRaw`UPDATE report_events SET note = regexp_replace(note, ${pattern}, ${ERASED}, 'gi') WHERE report_id = ${c.reportId} AND note ~* ${pattern}`;
        await tx.$executeRaw`UPDATE inbound_messages SET body = regexp_replace(body, ${pattern}, ${ERASED}, 'gi') WHERE report_id = ${c.reportId} AND body ~* ${pattern}`;
        await tx.$executeRaw`UPDATE outbox SET body = regexp_replace(body, ${pattern}, ${ERASED}, 'gi') WHERE report_id = ${c.reportId} AND body ~* ${pattern}`;
      }
      if (c.contactPhone) {
        await tx.$executeRaw`UPDATE hazard_reports SET reporter_phone = ${ERASED} WHERE id = ${c.reportId} AND reporter_phone = ${c.contactPhone}`;
        await tx.$executeRaw`UPDATE inbound_messages SET from_phone = ${ERASED} WHERE report_id = ${c.reportId} AND from_phone = ${c.contactPhone}`;
      }
    }
    // Audit rows keep who did what and when; any details that quote the person lose their details.
    for (const s of secrets) {
      await tx.$executeRaw`UPDATE audit_log SET details = ${JSON.stringify({ erased: true })}::jsonb WHERE details::text LIKE ${`%${s.replace(/[\\%_]/g, '\\$&')}%`}`;
    }
    await audit(tx, { actor: caller.name, actorType: 'api_key', action: 'casualty.erase', entity: 'casualty', entityId: id, details: { referrals: referralIds.length }, requestId: caller.requestId });
    return { id, erasedAt: now, already: false };
  });
}
