// Follow-up check-ins (quiet hours, consent, retries, the 12-month re-assessment) and providers' SMS replies in
// the four languages; the provider's webhook.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxFake, createTestDispatcher, fakeTransport } from '../support/outbox.js';
import { createHttpForwarder, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/messaging/forwarder.js';
import { createFollowUpJob } from '../../src/victims/follow-up-job.js';
import { randomKhPhone } from '../support/factories.js';
import { consentAll, createProvider, createVictimsTest, DAY, outboxTo, reportedCasualty, type VictimsTest } from './support.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest({ VA_FOLLOWUP_DAYS: '3,365', VA_FOLLOWUP_RETRY_HOURS: '48' });
});
afterAll(() => v.t.close());

async function referral(opts: { language?: string; consent?: boolean; provider?: Record<string, unknown> } = {}) {
  v.t.clock.set('2026-06-01T03:00:00Z');
  const c = await reportedCasualty(v, { language: opts.language ?? 'km' });
  const provider = await createProvider(v, opts.provider);
  if (opts.consent !== false) await consentAll(v, c.casualtyId, provider.organisation);
  const body = { casualtyId: c.casualtyId, providerId: provider.id, ...(opts.consent === false ? { override: { reason: 'family asked by phone, written consent to follow' } } : {}) };
  const res = await v.as(v.va, 'post', '/api/victims/referrals').send(body).expect(201);
  return { c, provider, id: res.body.id as number };
}

const followUp = (referralId: number, kind: string) => v.t.ctx.prisma.vaFollowUp.findFirstOrThrow({ where: { referralId, kind } });
const tasksOf = (referralId: number) => v.t.ctx.prisma.vaTask.findMany({ where: { referralId }, orderBy: { id: 'asc' } });

describe('follow-ups', () => {
  it('when the intervals are configured, then those check-ins are scheduled', async () => {
    const { id } = await referral();
    const rows = await v.t.ctx.prisma.vaFollowUp.findMany({ where: { referralId: id }, orderBy: { dueAt: 'asc' } });
    expect(rows.map((r) => [r.kind, r.dueAt.toISOString()])).toEqual([['3d', '2026-06-04T03:00:00.000Z'], ['365d', '2027-06-01T03:00:00.000Z']]);
  });

  it('when a check-in falls due at night, then it waits until the quiet hours end (07:00 Phnom Penh)', async () => {
    const { c, id } = await referral();
    // 21:00 in Phnom Penh.
    await createFollowUpJob(v.t.ctx).run(new Date('2026-06-04T14:00:00Z'));
    const [row] = (await outboxTo(v, c.contactPhone)).filter((o) => o.kind === 'follow_up');
    expect(row!.nextAttemptAt.toISOString()).toBe('2026-06-05T00:00:00.000Z');
    expect((await followUp(id, '3d')).lastSentAt!.toISOString()).toBe('2026-06-05T00:00:00.000Z');
  });

  it('when there is no consent to services, then no check-in is sent and the follow-up says why', async () => {
    const { c, id } = await referral({ consent: false });
    const job = createFollowUpJob(v.t.ctx);
    await job.run(new Date('2026-06-04T04:00:00Z'));
    expect((await outboxTo(v, c.contactPhone)).filter((o) => o.kind === 'follow_up')).toEqual([]);
    expect(await followUp(id, '3d')).toMatchObject({ status: 'skipped', skipReason: 'no consent to services' });
  });

  it('when a check-in is not answered twice, then a no-answer task is raised once', async () => {
    const { c, id } = await referral({ language: 'es' });
    const job = createFollowUpJob(v.t.ctx);
    const t0 = new Date('2026-06-04T04:00:00Z').getTime();
    await job.run(new Date(t0));
    await job.run(new Date(t0 + 47 * 3_600_000));
    expect((await followUp(id, '3d')).attempt).toBe(1);
    await job.run(new Date(t0 + 49 * 3_600_000));
    const sent = (await outboxTo(v, c.contactPhone)).filter((o) => o.kind === 'follow_up');
    expect(sent.map((o) => [o.dedupeKey, o.locale])).toEqual([[`va:followup:${(await followUp(id, '3d')).id}:1`, 'es'], [`va:followup:${(await followUp(id, '3d')).id}:2`, 'es']]);
    expect(sent[0]!.body).toBe('Hazardline: ¿lo atendieron en el centro de rehabilitación? Responda 1 sí, 2 no, 3 necesito ayuda.');
    await job.run(new Date(t0 + 98 * 3_600_000));
    await job.run(new Date(t0 + 200 * 3_600_000));
    expect((await followUp(id, '3d')).status).toBe('unanswered');
    expect((await tasksOf(id)).map((t) => t.kind)).toEqual(['no_answer']);
  });

  it('when the 12-month check-in falls due, then a needs re-assessment task is raised with it', async () => {
    const { id } = await referral();
    const job = createFollowUpJob(v.t.ctx);
    await job.run(new Date('2027-06-01T04:00:00Z'));
    await job.run(new Date('2027-06-01T04:05:00Z'));
    expect((await tasksOf(id)).map((t) => t.kind)).toContain('reassessment');
    expect((await tasksOf(id)).filter((t) => t.kind === 'reassessment')).toHaveLength(1);
  });

  it('when the family answers "1", then the referral moves to in progress and no task is raised', async () => {
    const { c, id } = await referral({ language: 'lo' });
    v.t.clock.set('2026-06-04T04:00:00Z');
    await createFollowUpJob(v.t.ctx).run();
    const res = await v.t.sms(c.contactPhone, '1');
    expect(res.reply).toBe('ຂອບໃຈ. ພວກເຮົາຈະຖາມທ່ານອີກ.');
    expect((await v.t.ctx.prisma.vaReferral.findUniqueOrThrow({ where: { id } })).status).toBe('in_progress');
    expect(await tasksOf(id)).toEqual([]);
  });

  it('when a referral is declined, then its pending check-ins are cancelled', async () => {
    const { provider, id } = await referral();
    await v.t.sms(provider.phone, `REF ${id} DECLINE`);
    expect((await v.t.ctx.prisma.vaFollowUp.findMany({ where: { referralId: id } })).map((f) => f.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('provider replies by SMS', () => {
  it.each([
    ['km', (id: number) => `REF ${id} ទទួល`, 'accepted', 'ការបញ្ជូន {id}៖ បានទទួល។ អរគុណ។'],
    ['lo', (id: number) => `ສົ່ງຕໍ່ ${id} ເລີ່ມ`, 'in_progress', 'ການສົ່ງຕໍ່ {id}: ກຳລັງດຳເນີນ. ຂອບໃຈ.'],
    ['es', (id: number) => `ref ${id} listo`, 'completed', 'Remisión {id}: completada. Gracias.'],
    ['en', (id: number) => `REF #${id} done`, 'completed', 'Referral {id}: completed. Thank you.'],
  ])('when a %s-speaking provider answers, then the referral moves and the reply is in its language', async (language, text, status, reply) => {
    const { provider, id } = await referral({ provider: { language } });
    const res = await v.t.sms(provider.phone, text(id));
    expect(res.reply).toBe(reply.replace('{id}', String(id)));
    expect((await v.t.ctx.prisma.vaReferral.findUniqueOrThrow({ where: { id } })).status).toBe(status);
  });

  it('when a provider answers about another provider\'s referral, without an action, or twice, then it is told so', async () => {
    const a = await referral({ provider: { language: 'en' } });
    const b = await referral({ provider: { language: 'en' } });
    expect((await v.t.sms(a.provider.phone, `REF ${b.id} ACCEPT`)).reply).toBe(`Referral ${b.id} is not one of yours.`);
    expect((await v.t.sms(a.provider.phone, `REF ${a.id}`)).reply).toBe('Reply REF <number> ACCEPT, START, DONE or DECLINE, e.g. REF 12 ACCEPT.');
    await v.t.sms(a.provider.phone, `REF ${a.id} DONE`);
    expect((await v.t.sms(a.provider.phone, `REF ${a.id} DECLINE`)).reply).toBe(`Referral ${a.id} is completed: it cannot change now.`);
    expect((await v.t.ctx.prisma.vaReferral.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('pending');
  });

  it('when a stranger sends "REF 5 ACCEPT" or a villager sends "1", then it is handled as before (not by victims)', async () => {
    const stranger = randomKhPhone();
    const res = await v.t.sms(stranger, 'REF 5 ACCEPT');
    expect(res.inbound.handledAs).not.toMatch(/^victims:/);
    const yes = await v.t.sms(randomKhPhone(), '1');
    expect(yes.inbound.handledAs).not.toMatch(/^victims:/);
  });

  it('when the provider has a webhook, then the referral is POSTed to it as JSON, signed with its secret', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const fake = createOutboxFake();
    await fake.start();
    try {
      const url = `http://localhost:${(server.address() as AddressInfo).port}/hooks/hazardline`;
      const secret = 'provider-secret-0123456789';
      const { id } = await referral({ provider: { phone: null, webhookUrl: url, webhookSecret: secret } });
      await createTestDispatcher(v.t.ctx.prisma, fakeTransport(fake), {}, { forwarder: createHttpForwarder({ timeoutMs: 2000 }) }).drain();
      const got = received.find((r) => JSON.parse(r.body).referral?.id === id);
      expect(JSON.parse(got!.body)).toMatchObject({ event: 'referral.created', referral: { id, serviceType: 'physical_rehabilitation' } });
      const ts = String(got!.headers[TIMESTAMP_HEADER.toLowerCase()]);
      expect(got!.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(signWebhook(secret, ts, got!.body));
      const list = await v.as(v.va, 'get', '/api/victims/providers').expect(200);
      expect(JSON.stringify(list.body)).not.toContain(secret);
    } finally {
      await new Promise((r) => server.close(r));
      await fake.close();
    }
  });
});
