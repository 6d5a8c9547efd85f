// A villager's report end to end through the real parts: the signed webhook stores it, the inbound worker
// processes it, the dispatcher (built by the server's factory) sends through the real twilio SDK to the fake
// Twilio. The reply, the team's alert and the victim-assistance referral all go through the outbox, and the
// villager's reply reaches Twilio first.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';
import { createOutboxFake, FROM, waitUntil } from '../support/outbox.js';
import { createDispatcher } from '../../src/bootstrap.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';

const fake = createOutboxFake();
let t: TestApp;
const VA_PHONE = randomKhPhone();
const TEAM_PHONE = randomKhPhone();

beforeAll(async () => {
  await fake.start();
  t = await createTestApp({
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_FROM: FROM,
    TWILIO_API_BASE_URL: fake.baseUrl,
    VICTIM_ASSISTANCE_PHONE: VA_PHONE,
    // Paced, so slots are handed out in priority order and arrival order at Twilio is the send order.
    SMS_RATE_PER_SECOND: '20',
  });
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  await t.ctx.prisma.clearanceTeam.create({
    data: { name: 'Team 01', coverages: { create: [{ pcode: '01' }] }, contacts: { create: [{ name: 'Lead', phone: TEAM_PHONE, language: 'en', position: 0 }] } },
  });
});
afterAll(async () => {
  await fake.close();
  await t.close();
});

it('when a villager reports a mine with casualties, then the reply, the alert and the referral go out through the outbox, the reply first', async () => {
  const villager = randomKhPhone();
  const params = inboundSms(villager, 'mine exploded near the school in Mongkol Borei, two people hurt', { AccountSid: fake.accountSid });
  const res = await t.postTwilio('/webhooks/twilio/sms', params).expect(200);
  expect(res.text).toMatch(/<Response\/>$/);

  await t.inbound.drain();
  const dispatcher = createDispatcher(t.ctx, { pollMs: 20 });
  dispatcher.start();
  try {
    await waitUntil(() => fake.accepted().length >= 3, 10_000, 'reply, alert and referral sent');
  } finally {
    await dispatcher.stop();
  }

  const to = fake.accepted().map((r) => r.params.To);
  expect(new Set(to)).toEqual(new Set([villager, TEAM_PHONE, VA_PHONE]));
  expect(to[0]).toBe(villager);
  const reply = fake.accepted()[0]!.params.Body!;
  // English text is answered in English whatever the number's country; Cambodia's emergency number (issue 10).
  expect(reply).toContain(t.ctx.i18n.t('en', 'safety.reply'));
  expect(reply).toContain(t.ctx.i18n.t('en', 'reports:emergency', { emergency: '119' }));

  const rows = await t.ctx.prisma.outboxMessage.findMany({ where: { recipient: { in: [villager, TEAM_PHONE, VA_PHONE] } }, orderBy: { priority: 'asc' } });
  expect(rows.map((r) => r.kind)).toEqual(['reply', 'alert', 'referral']);
  expect(rows.every((r) => r.status === 'sent' || r.status === 'delivered')).toBe(true);
});
