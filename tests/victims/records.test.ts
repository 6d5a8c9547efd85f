// Records entered by the focal point, the directory's checks, referral moves through the API, and tasks closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomKhPhone } from '../support/factories.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { createLogger } from '../../src/lib/logger.js';
import { consentAll, createProvider, createVictimsTest, reportedCasualty, type VictimsTest } from './support.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest();
});
afterAll(() => v.t.close());

describe('casualty records', () => {
  it('when the focal point enters a child casualty, then the age group, place and phone are derived and stored', async () => {
    const phone = randomKhPhone();
    const res = await v.as(v.va, 'post', '/api/victims/casualties').send({
      outcome: 'injured', sex: 'female', age: 9, category: 'civilian', activity: 'playing', deviceCategory: 'cluster_submunition',
      accidentDate: '2026-05-20', adminPcode: '0102', injuries: ['eyes', 'upper_limb_amputation'], name: 'Srey Neang',
      contactName: 'Mother', contactPhone: phone.replace('+855', '0'), contactRelation: 'parent', language: 'km',
    }).expect(201);
    expect(res.body).toMatchObject({ status: 'complete', ageGroup: 'child', accidentYear: 2026, districtPcode: '0102', provincePcode: '01', contactPhone: phone, accidentDate: '2026-05-20' });
    const [audit] = await v.t.ctx.prisma.auditLog.findMany({ where: { action: 'casualty.create', entityId: String(res.body.id) } });
    expect(JSON.stringify(audit!.details)).not.toContain('Srey Neang');
  });

  it('when the body is wrong, then 400 or 422 names the problem', async () => {
    await v.as(v.va, 'post', '/api/victims/casualties').send({ sex: 'male' }).expect(400);
    await v.as(v.va, 'post', '/api/victims/casualties').send({ outcome: 'injured', deviceCategory: 'nuclear' }).expect(400);
    const pcode = await v.as(v.va, 'post', '/api/victims/casualties').send({ outcome: 'killed', adminPcode: '9999' }).expect(422);
    expect(pcode.body.error.details).toEqual({ field: 'adminPcode' });
    const report = await v.as(v.va, 'post', '/api/victims/casualties').send({ outcome: 'killed', reportId: 99_999_999 }).expect(422);
    expect(report.body.error.details).toEqual({ field: 'reportId' });
    const phone = await v.as(v.va, 'post', '/api/victims/casualties').send({ outcome: 'killed', contactPhone: 'call me' }).expect(400);
    expect(phone.body.error.details[0].path).toBe('contactPhone');
    await v.as(v.va, 'get', '/api/victims/casualties/999999999').expect(404);
  });

  it('when placeholders are listed by report, then the focal point sees which still need completing', async () => {
    const c = await reportedCasualty(v);
    const res = await v.as(v.va, 'get', `/api/victims/casualties?reportId=${c.reportId}&status=placeholder`).expect(200);
    expect(res.body.data.map((r: { id: number }) => r.id)).toEqual([c.placeholders[1]!.id]);
  });
});

describe('directory and referrals', () => {
  it('when a provider has neither phone nor webhook, then 400', async () => {
    const res = await v.as(v.va, 'post', '/api/victims/providers').send({ name: 'X', provincePcode: '01', serviceType: 'legal' }).expect(400);
    expect(res.body.error.details[0].path).toBe('phone');
  });

  it('when the demo is seeded, then the rehabilitation centres are there and marked demo', async () => {
    await seedDemo(v.t.ctx.prisma, createLogger('silent'));
    const res = await v.as(v.coordinator, 'get', '/api/victims/providers?serviceType=physical_rehabilitation').expect(200);
    const demo = res.body.data.filter((p: { demo: boolean }) => p.demo);
    expect(demo.map((p: { provincePcode: string }) => p.provincePcode).sort()).toEqual(['02', '03', '25']);
    expect(demo.every((p: { notes: string }) => p.notes.startsWith('Demo data'))).toBe(true);
  });

  it('when the focal point moves a referral, then the transitions are enforced and a closing needs a reason', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    await consentAll(v, c.casualtyId, provider.organisation);
    const { body: ref } = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id }).expect(201);
    await v.as(v.va, 'post', `/api/victims/referrals/${ref.id}/status`).send({ status: 'unable_to_contact' }).expect(400);
    await v.as(v.va, 'post', `/api/victims/referrals/${ref.id}/status`).send({ status: 'in_progress' }).expect(200);
    const done = await v.as(v.va, 'post', `/api/victims/referrals/${ref.id}/status`).send({ status: 'completed', outcome: 'prosthesis fitted' }).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'prosthesis fitted' });
    expect(done.body.closedAt).not.toBeNull();
    const back = await v.as(v.va, 'post', `/api/victims/referrals/${ref.id}/status`).send({ status: 'accepted' }).expect(409);
    expect(back.body.error.details.status).toBe('completed');
  });

  it('when a task is closed, then it is done with who closed it, and closing it again is a conflict', async () => {
    const c = await reportedCasualty(v);
    const task = await v.t.ctx.prisma.vaTask.create({ data: { kind: 'help_requested', casualtyId: c.casualtyId, dueAt: v.t.clock.now(), note: 'asked for help' } });
    const res = await v.as(v.va, 'post', `/api/victims/tasks/${task.id}/close`).send({ note: 'called back, appointment made' }).expect(200);
    expect(res.body).toMatchObject({ status: 'done', closedBy: 'api:va focal point' });
    await v.as(v.va, 'post', `/api/victims/tasks/${task.id}/close`).send({}).expect(409);
  });
});
