// Consent gate, override audit, and who sees identifying data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.js';
import { consentAll, createProvider, createVictimsTest, reportedCasualty, type VictimsTest } from './support.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest();
});
afterAll(() => v.t.close());

describe('consent gate', () => {
  it('when a referral is made without consent, then 422 names each missing purpose and nothing is sent', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    const res = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unprocessable');
    expect(res.body.error.details).toEqual({
      code: 'consent_missing',
      missing: [{ purpose: 'services' }, { purpose: 'sharing', organisation: 'Humanity & Inclusion' }],
    });
    expect(await v.t.ctx.prisma.vaReferral.count({ where: { casualtyId: c.casualtyId } })).toBe(0);
    expect(await v.t.ctx.prisma.outboxMessage.count({ where: { recipient: provider.phone } })).toBe(0);
  });

  it('when only services consent is given, then sharing with the provider\'s organisation is still missing', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/consents`).send({ purpose: 'services', givenBy: 'survivor', method: 'phone' }).expect(201);
    await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/consents`).send({ purpose: 'sharing', organisation: 'Another NGO', givenBy: 'survivor', method: 'phone' }).expect(201);
    const res = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id }).expect(422);
    expect(res.body.error.details.missing).toEqual([{ purpose: 'sharing', organisation: 'Humanity & Inclusion' }]);
  });

  it('when a consent is withdrawn, then the next referral is refused again', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    await consentAll(v, c.casualtyId, provider.organisation);
    const services = await v.t.ctx.prisma.vaConsent.findFirstOrThrow({ where: { casualtyId: c.casualtyId, purpose: 'services' } });
    const w = await v.as(v.va, 'post', `/api/victims/consents/${services.id}/withdraw`).send({}).expect(200);
    expect(w.body.withdrawnAt).not.toBeNull();
    const res = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id }).expect(422);
    expect(res.body.error.details.missing).toEqual([{ purpose: 'services' }]);
  });

  it('when emergency care is needed and consent is impossible, then vital interests allow the referral to emergency medical care', async () => {
    const c = await reportedCasualty(v);
    const hospital = await createProvider(v, { serviceType: 'emergency_medical', name: 'Provincial hospital', organisation: 'Provincial Health Department' });
    await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/consents`).send({ purpose: 'services', legalBasis: 'vital_interests', givenBy: 'not_applicable', method: 'in_person' }).expect(201);
    await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: hospital.id }).expect(201);
    // …but not to rehabilitation, and no follow-up SMS is sent on vital interests alone.
    const rehab = await createProvider(v);
    await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: rehab.id }).expect(422);
    await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/consents`).send({ purpose: 'sharing', legalBasis: 'vital_interests', givenBy: 'not_applicable', method: 'in_person', organisation: 'x' }).expect(400);
  });

  it('when the override has a reason, then the referral is made, marked and audited with the reason', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    const noReason = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id, override: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('override.reason');
    const reason = 'Survivor unconscious in hospital, family unreachable; referral needed for prosthesis planning';
    const res = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id, override: { reason } }).expect(201);
    expect(res.body).toMatchObject({ overrideReason: reason, overrideBy: 'api:va focal point' });
    const [entry] = await v.t.ctx.prisma.auditLog.findMany({ where: { action: 'referral.create.consent_override', entityId: String(res.body.id) } });
    expect(entry).toMatchObject({ actor: 'va focal point', actorType: 'api_key', entity: 'referral' });
    expect(entry!.details).toMatchObject({ reason, missing: ['services', 'sharing:Humanity & Inclusion'] });
  });

  it('when the body has an unknown field, then 400 names it', async () => {
    const res = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: 1, providerId: 1, force: true }).expect(400);
    expect(JSON.stringify(res.body.error.details)).toContain('force');
  });
});

describe('who sees identifying data', () => {
  it('when a coordinator asks for casualty records, then 403; statistics, needs and providers are open to them', async () => {
    const c = await reportedCasualty(v);
    for (const path of ['/api/victims/casualties', `/api/victims/casualties/${c.casualtyId}`, '/api/victims/referrals', '/api/victims/tasks', '/api/victims/follow-ups', '/api/victims/export/imsma']) {
      const res = await v.as(v.coordinator, 'get', path);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    await v.as(v.coordinator, 'patch', `/api/victims/casualties/${c.casualtyId}`).send({ name: 'x' }).expect(403);
    await v.as(v.coordinator, 'post', `/api/victims/casualties/${c.casualtyId}/erase`).expect(403);
    await v.as(v.coordinator, 'get', '/api/victims/stats').expect(200);
    await v.as(v.coordinator, 'get', '/api/victims/stats.csv').expect(200);
    await v.as(v.coordinator, 'get', '/api/victims/referral-outcomes').expect(200);
    await v.as(v.coordinator, 'get', '/api/victims/providers').expect(200);

    // The de-identified view: counts and needs, no name, contact, notes, point, date or age.
    const needs = await v.as(v.coordinator, 'get', '/api/victims/needs').expect(200);
    const row = needs.body.data.find((r: { id: number }) => r.id === c.casualtyId);
    expect(row).toMatchObject({ outcome: 'injured', sex: 'male', ageGroup: 'adult', category: 'civilian', provincePcode: '01', districtPcode: '0102', accidentYear: 2026 });
    const text = JSON.stringify(needs.body);
    for (const secret of [c.name, 'Chan Sreymom', c.contactPhone, 'lost his left leg']) expect(text).not.toContain(secret);
    for (const field of ['name', 'contactPhone', 'contactName', 'notes', 'lat', 'lon', 'age', 'accidentDate', 'reportId']) expect(row).not.toHaveProperty(field);
  });

  it('when a victim_assistance key asks, then it sees both the record and the statistics', async () => {
    const c = await reportedCasualty(v);
    const res = await v.as(v.va, 'get', `/api/victims/casualties/${c.casualtyId}`).expect(200);
    expect(res.body).toMatchObject({ name: c.name, contactPhone: c.contactPhone, age: 34, reportId: c.reportId });
    await v.as(v.va, 'get', '/api/victims/stats').expect(200);
  });

  it('when an educator asks for anything under /api/victims, then 403', async () => {
    const educator = (await createApiKey(v.t.ctx.prisma, { name: 'educator', role: 'educator' })).secret;
    await v.as(educator, 'get', '/api/victims/stats').expect(403);
    await v.as(educator, 'get', '/api/victims/casualties').expect(403);
  });
});
