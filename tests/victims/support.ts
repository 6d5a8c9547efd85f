// Shared set-up for the victim-assistance tests: an app with the demo gazetteer, a key per role, a provider,
// and a casualty made the way a villager makes one (an SMS report), then completed by the focal point.
import request from 'supertest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { createApiKey } from '../../src/auth/api-keys.js';

export interface VictimsTest {
  t: TestApp;
  va: string;
  coordinator: string;
  as(key: string, method: 'get' | 'post' | 'patch', path: string): request.Test;
}

/** 10:00 in Phnom Penh: outside the default quiet hours. */
export const DAYTIME = '2026-06-01T03:00:00Z';
export const DAY = 86_400_000;

export async function createVictimsTest(env: Record<string, string> = {}): Promise<VictimsTest> {
  const t = await createTestAppWithDemoGazetteer(env);
  t.clock.set(DAYTIME);
  const va = (await createApiKey(t.ctx.prisma, { name: 'va focal point', role: 'victim_assistance' })).secret;
  const coordinator = (await createApiKey(t.ctx.prisma, { name: 'coordinator', role: 'coordinator' })).secret;
  return { t, va, coordinator, as: (key, method, path) => t.api(method, path, key) };
}

export async function createProvider(v: VictimsTest, over: Record<string, unknown> = {}) {
  const res = await v.as(v.va, 'post', '/api/victims/providers').send({
    name: 'Physical Rehabilitation Centre, Battambang', organisation: 'Humanity & Inclusion', provincePcode: '01',
    serviceType: 'physical_rehabilitation', phone: randomKhPhone(), language: 'km', ...over,
  });
  if (res.status !== 201) throw new Error(`provider: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; phone: string; organisation: string };
}

/** A report by SMS, its placeholders, the first one completed with a family contact. */
export async function reportedCasualty(v: VictimsTest, opts: { text?: string; language?: string; name?: string } = {}) {
  const reporter = randomKhPhone();
  const { inbound } = await v.t.sms(reporter, opts.text ?? 'mine exploded in Mongkol Borei, 2 people hurt');
  const placeholders = await v.t.ctx.prisma.casualty.findMany({ where: { reportId: inbound.reportId! }, orderBy: { id: 'asc' } });
  const contactPhone = randomKhPhone();
  const name = opts.name ?? `Sok Dara ${Math.random().toString(36).slice(2, 8)}`;
  const res = await v.as(v.va, 'patch', `/api/victims/casualties/${placeholders[0]!.id}`).send({
    name, sex: 'male', age: 34, category: 'civilian', activity: 'farming', injuries: ['lower_limb_amputation'],
    contactName: 'Chan Sreymom', contactPhone, contactRelation: 'spouse', language: opts.language ?? 'km',
    notes: `${name} lost his left leg while farming`, complete: true,
  });
  if (res.status !== 200) throw new Error(`complete: ${res.status} ${JSON.stringify(res.body)}`);
  return { reportId: inbound.reportId!, reporter, placeholders, casualtyId: placeholders[0]!.id, contactPhone, name };
}

export async function consentAll(v: VictimsTest, casualtyId: number, organisation: string) {
  for (const body of [
    { purpose: 'services', givenBy: 'family', givenByName: 'Chan Sreymom', method: 'in_person' },
    { purpose: 'sharing', organisation, givenBy: 'family', method: 'in_person' },
    { purpose: 'statistics', givenBy: 'family', method: 'in_person' },
  ]) {
    const res = await v.as(v.va, 'post', `/api/victims/casualties/${casualtyId}/consents`).send(body);
    if (res.status !== 201) throw new Error(`consent: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export const outboxTo = (v: VictimsTest, to: string) => v.t.ctx.prisma.outboxMessage.findMany({ where: { recipient: to }, orderBy: { id: 'asc' } });
