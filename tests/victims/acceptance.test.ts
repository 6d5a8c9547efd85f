// Issue 12's first acceptance walk, as a new user would try it: an SMS report with two people hurt, the
// placeholders completed, consent, a referral to rehabilitation, the provider's REF n ACCEPT by SMS, the
// follow-up sent when due (injected clock) and the family's "3" raising a task for the focal point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFollowUpJob } from '../../src/victims/follow-up-job.js';
import { consentAll, createProvider, createVictimsTest, DAY, outboxTo, reportedCasualty, type VictimsTest } from './support.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest();
});
afterAll(() => v.t.close());

describe('victim assistance, end to end', () => {
  it('when a report says 2 people hurt, then the whole referral and follow-up loop works by SMS', async () => {
    const prisma = v.t.ctx.prisma;
    // An SMS report creates two placeholders linked to it, placed in the report's district.
    const c = await reportedCasualty(v);
    expect(c.placeholders).toHaveLength(2);
    expect(c.placeholders.map((p) => [p.status, p.outcome, p.districtPcode, p.provincePcode])).toEqual([
      ['placeholder', 'injured', '0102', '01'], ['placeholder', 'injured', '0102', '01'],
    ]);
    const completed = await prisma.casualty.findUniqueOrThrow({ where: { id: c.casualtyId } });
    expect(completed).toMatchObject({ status: 'complete', ageGroup: 'adult', accidentYear: 2026, contactRelation: 'spouse' });

    // Consent, then the referral to physical rehabilitation; the provider hears by SMS in Khmer.
    const provider = await createProvider(v);
    await consentAll(v, c.casualtyId, provider.organisation);
    const created = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id, needs: 'prosthesis fitting' });
    expect(created.status).toBe(201);
    const ref = created.body as { id: number; status: string; followUps: { kind: string; status: string }[] };
    expect(ref.status).toBe('pending');
    expect(ref.followUps.map((f) => f.kind)).toEqual(['3d', '14d', '90d', '365d']);
    const [notice] = await outboxTo(v, provider.phone);
    expect(notice).toMatchObject({ kind: 'referral', locale: 'km', dedupeKey: `va:referral:${ref.id}:sms` });
    expect(notice!.body).toContain(`REF ${ref.id}`);
    expect(notice!.body).toContain(c.contactPhone);

    // The provider answers by SMS and is answered in Khmer.
    const accepted = await v.t.sms(provider.phone, `REF ${ref.id} ACCEPT`);
    expect(accepted.inbound.handledAs).toBe('victims:ref:accept');
    expect(accepted.reply).toBe(`ការបញ្ជូន ${ref.id}៖ បានទទួល។ អរគុណ។`);
    expect((await prisma.vaReferral.findUniqueOrThrow({ where: { id: ref.id } })).status).toBe('accepted');
    // No subscriber is made for the provider's number.
    expect(await prisma.subscriber.count({ where: { phone: provider.phone } })).toBe(0);

    // Nothing is due before 3 days; at 3 days the check-in goes to the family in Khmer.
    const job = createFollowUpJob(v.t.ctx);
    expect(await job.run(new Date(v.t.clock.now().getTime() + 2 * DAY))).toEqual({ sent: 0, skipped: 0, unanswered: 0 });
    v.t.clock.advance(3 * DAY);
    expect(await job.run()).toEqual({ sent: 1, skipped: 0, unanswered: 0 });
    const [checkIn] = await outboxTo(v, c.contactPhone);
    expect(checkIn).toMatchObject({ kind: 'follow_up', locale: 'km', status: 'pending' });
    expect(checkIn!.body).toBe('Hazardline៖ តើអ្នកបានទៅដល់មជ្ឈមណ្ឌលស្តារនីតិសម្បទាទេ? ឆ្លើយ 1 បាទ/ចាស 2 ទេ 3 ត្រូវការជំនួយ');
    expect(checkIn!.nextAttemptAt.getTime()).toBe(v.t.clock.now().getTime());
    // A second run the same minute sends nothing more.
    expect((await job.run()).sent).toBe(0);

    // "3": the family needs help → an open task for the focal point, and a reply in Khmer with the emergency number.
    const help = await v.t.sms(c.contactPhone, '3');
    expect(help.inbound.handledAs).toBe('victims:follow_up:3');
    expect(help.reply).toContain('119');
    const tasks = await v.as(v.va, 'get', '/api/victims/tasks?status=open').expect(200);
    expect(tasks.body.data).toEqual([expect.objectContaining({ kind: 'help_requested', casualtyId: c.casualtyId, referralId: ref.id, status: 'open' })]);
    const followUp = await prisma.vaFollowUp.findFirstOrThrow({ where: { referralId: ref.id, kind: '3d' } });
    expect(followUp).toMatchObject({ status: 'answered', answer: '3' });
    expect(await prisma.subscriber.count({ where: { phone: c.contactPhone } })).toBe(0);

    // The referral's history tells the story.
    const detail = await v.as(v.va, 'get', `/api/victims/referrals/${ref.id}`).expect(200);
    expect(detail.body.events.map((e: { toStatus: string; actorType: string }) => `${e.toStatus}:${e.actorType}`)).toEqual(['pending:api_key', 'accepted:provider', 'accepted:contact']);
  });
});
