// The campaign scheduler end to end on a real database: a due occurrence fans out once (also with two
// instances), the dispatcher delivers through the fake Twilio in each subscriber's language, quiet hours hold
// messages, pause/resume/cancel act on the outbox, and missed occurrences are caught up or recorded.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { onPostgres } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';
import { createOutboxFake, createTestDispatcher, fakeTransport, waitUntil } from '../support/outbox.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';
import { createCampaignJob, STALE_CLAIM_MS } from '../../src/campaigns/campaign-job.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { localParts } from '../../src/campaigns/schedule.js';
import { renderTemplate } from '../../src/campaigns/render.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { findAll, twimlOf } from '../support/voice-xml.js';

let t: TestApp;
const fake = createOutboxFake();
const PP = 'Asia/Phnom_Penh';
const MIN = 60_000;
const ENV = { CAMPAIGN_HOTLINE: '1297', INSTANCE_ID: 'instance-a' };

const TEXT = {
  en: 'Never touch strange objects in {{district}}. Call {{hotline}}.',
  km: 'កុំប៉ះវត្ថុចម្លែកនៅ {{district}}។ {{hotline}}',
  es: 'Nunca toque objetos extraños en {{district}}. Llame al {{hotline}}.',
  lo: 'ຢ່າແຕະວັດຖຸແປກ {{district}} {{hotline}}',
};
const DISTRICT: Record<string, { en: string; km: string }> = {
  '0102': { en: 'Mongkol Borei', km: 'មង្គលបូរី' },
  '0103': { en: 'Phnum Srok', km: 'ភ្នំស្រុក' },
};
/** What a subscriber of `district` reading `language` is sent (Khmer readers see the Khmer district name). */
const expectedText = (district: string, language: keyof typeof TEXT) =>
  TEXT[language].replace('{{district}}', language === 'km' ? DISTRICT[district]!.km : DISTRICT[district]!.en).replace('{{hotline}}', '1297');

interface Seeded {
  phone: string;
  district: string;
  language: keyof typeof TEXT;
  reachable: boolean;
}
const people: Seeded[] = [];

async function seed(district: string, language: keyof typeof TEXT, extra: Partial<Prisma.SubscriberUncheckedCreateInput> = {}, n = 1) {
  for (let i = 0; i < n; i++) {
    const phone = randomKhPhone();
    await t.ctx.prisma.subscriber.create({ data: { phone, language, districtPcode: district, status: 'active', ...extra } });
    people.push({ phone, district, language, reachable: (extra.status ?? 'active') === 'active' && !extra.numberInvalidAt });
  }
}

/** The subscribers of province 01 a campaign reaches: 8 of the 13 seeded there. */
const reachable01 = () => people.filter((p) => p.reachable && p.district.startsWith('01'));

beforeAll(async () => {
  await fake.start();
  t = await createTestApp(ENV);
  await t.ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borei', nameLocal: 'មង្គលបូរី' },
      { pcode: '0103', level: 'district', parentPcode: '01', nameEn: 'Phnum Srok', nameLocal: 'ភ្នំស្រុក' },
      { pcode: '02', level: 'province', nameEn: 'Battambang', nameLocal: 'បាត់ដំបង' },
      { pcode: '0203', level: 'district', parentPcode: '02', nameEn: 'Bavel', nameLocal: 'បវេល' },
      { pcode: '03', level: 'province', nameEn: 'Kampong Cham' },
      { pcode: '0301', level: 'district', parentPcode: '03', nameEn: 'Batheay' },
    ],
  });
  // Province 01 in four languages, with the people a campaign must not reach.
  await seed('0102', 'en', {}, 2);
  await seed('0102', 'km', {}, 2);
  await seed('0102', 'es');
  await seed('0102', 'lo');
  await seed('0103', 'en');
  await seed('0103', 'km');
  await seed('0102', 'en', { status: 'opted_out', optedOutAt: new Date() });
  await seed('0103', 'km', { status: 'opted_out', optedOutAt: new Date() });
  await seed('0102', 'en', { numberInvalidAt: new Date() });
  await seed('0102', 'km', { status: 'pending' });
  // Other provinces.
  await seed('0203', 'en', {}, 2);
  await seed('0203', 'km');
  await seed('0301', 'es');
  await seed('0301', 'lo');
});
afterEach(async () => {
  // Each test starts with nothing due: no campaign to fire, no row to send.
  await t.ctx.prisma.campaign.updateMany({ where: { status: { in: ['scheduled', 'running', 'paused', 'draft'] } }, data: { status: 'cancelled', nextRunAt: null } });
  await t.ctx.prisma.outboxMessage.updateMany({ where: { status: { in: ['pending', 'sending'] } }, data: { status: 'cancelled' } });
  fake.clear();
});
afterAll(async () => {
  await fake.close();
  await t.close();
});

/** A minute boundary two hours ago: in the past for the database clock, so the dispatcher may send what is queued. */
function pastMinute(hoursAgo = 2): Date {
  return new Date(Math.floor((Date.now() - hoursAgo * 3_600_000) / MIN) * MIN);
}

async function createCampaign(body: Record<string, unknown>, at: Date): Promise<number> {
  t.clock.set(at);
  const res = await t.api('post', '/api/campaigns').send({ name: 'Test', text: TEXT, districts: ['01'], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const campaignRows = (campaignId: number) => t.ctx.prisma.outboxMessage.findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
const runsOf = (campaignId: number) => t.ctx.prisma.campaignRun.findMany({ where: { campaignId }, orderBy: { occurrenceAt: 'asc' } });
const stats = async (campaignId: number) => (await t.api('get', `/api/campaigns/${campaignId}`).expect(200)).body;
const dispatcher = (over = {}) => createTestDispatcher(t.ctx.prisma, fakeTransport(fake), over);

describe('acceptance: a province campaign on a cron due in the next minute', () => {
  it('when the minute comes, then exactly the active subscribers of province 01 get it once, in their own language, and the stats add up', async () => {
    const created = new Date(pastMinute().getTime() + 10_000);
    const occurrence = new Date(pastMinute().getTime() + MIN);
    const local = localParts(occurrence, PP);
    const id = await createCampaign({ schedule: { cron: `${local.minute} ${local.hour} * * *`, timezone: PP } }, created);
    const job = createCampaignJob(t.ctx);
    expect((await stats(id)).nextRunAt).toBe(occurrence.toISOString());

    // A second before it is due nothing happens; at the minute it fires; a second tick does not fire it again.
    expect(await job.run(new Date(occurrence.getTime() - 1000))).toMatchObject({ fired: 0 });
    expect(await job.run(new Date(occurrence.getTime() + 500))).toMatchObject({ fired: 1, missed: 0 });
    expect(await job.run(new Date(occurrence.getTime() + 1500))).toMatchObject({ fired: 0 });
    await dispatcher().drain();

    const sent = fake.messages();
    const expected = reachable01();
    expect(sent.map((m) => m.params.To).sort()).toEqual(expected.map((p) => p.phone).sort());
    for (const p of expected) {
      expect(sent.find((m) => m.params.To === p.phone)?.params.Body, `${p.language} in ${p.district}`).toBe(expectedText(p.district, p.language));
    }
    // Nobody opted out, invalid, pending or outside province 01 was asked for.
    const unreachable = people.filter((p) => !expected.includes(p)).map((p) => p.phone);
    expect(sent.filter((m) => unreachable.includes(m.params.To!))).toEqual([]);

    // Delivery reports come in for three of them (30003: handset unreachable, which leaves the number valid).
    for (const [i, status] of ['delivered', 'delivered', 'undelivered'].entries()) {
      const cb = fake.buildStatusCallback(sent[i]!.sid!, status, status === 'undelivered' ? { errorCode: '30003' } : {});
      await request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature).send(cb.params).expect(204);
    }

    const body = await stats(id);
    expect(body.status).toBe('running');
    expect(body.nextRunAt).toBe(new Date(occurrence.getTime() + 24 * 60 * MIN).toISOString());
    expect(body.runs).toHaveLength(1);
    const run = body.runs[0];
    expect(run).toMatchObject({
      occurrenceAt: occurrence.toISOString(),
      status: 'completed',
      audience: 9,
      queued: 8,
      skipped: { optedOut: 2, invalidNumber: 1, frequencyCap: 0, noContent: 0 },
      pending: 0,
      sent: 5,
      delivered: 2,
      undelivered: 1,
      failed: 0,
      byLocale: { en: 3, km: 3, es: 1, lo: 1 },
      byDistrict: { '0102': 6, '0103': 2 },
    });
    expect(run.queued + run.skipped.invalidNumber + run.skipped.frequencyCap + run.skipped.noContent).toBe(run.audience);
    expect(run.pending + run.sent + run.delivered + run.undelivered + run.failed + run.cancelled + run.unknown).toBe(run.queued);
    expect(body.totals).toMatchObject({ queued: 8, sent: 5, delivered: 2, undelivered: 1, runs: { completed: 1 } });
  });
});

describe('content', () => {
  it('when the campaign sends a library message, then each reader gets its text in their language with {{hotline}} filled in', async () => {
    const at = pastMinute();
    const id = await createCampaign({ text: undefined, message: 'mre-001', allowUnapproved: true, schedule: { at: at.toISOString() } }, new Date(at.getTime() - MIN));

    await createCampaignJob(t.ctx).run(new Date(at.getTime() + 100));
    await dispatcher().drain();

    const resources = t.ctx.i18n.resources as Record<string, { messages: Record<string, { sms: string }> }>;
    for (const p of reachable01()) {
      const district = p.language === 'km' ? DISTRICT[p.district]!.km : DISTRICT[p.district]!.en;
      const expected = renderTemplate(resources[p.language]!.messages['mre-001']!.sms, { district, hotline: '1297' });
      expect(fake.messages().find((m) => m.params.To === p.phone)?.params.Body, p.language).toBe(expected);
    }
    expect(fake.messages()).toHaveLength(reachable01().length);
    expect((await stats(id)).runs[0]).toMatchObject({ queued: reachable01().length, sent: reachable01().length });
  });

  it('when a voice campaign of custom text runs, then English and Spanish readers are called (AMD, TwiML served at the answer URL) and the rest are counted as no content', async () => {
    const at = pastMinute();
    const text = { en: 'Never touch strange objects in {{district}}.', es: 'Nunca toque objetos extraños en {{district}}.' };
    const id = await createCampaign({ text, channel: 'voice', schedule: { at: at.toISOString() } }, new Date(at.getTime() - MIN));

    await createCampaignJob(t.ctx).run(new Date(at.getTime() + 100));
    await dispatcher({ callsConcurrent: 10 }).drain();

    const called = reachable01().filter((p) => p.language === 'en' || p.language === 'es');
    expect(fake.calls().map((c) => c.params.To).sort()).toEqual(called.map((p) => p.phone).sort());
    const es = called.find((p) => p.language === 'es')!;
    const call = fake.calls().find((c) => c.params.To === es.phone)!;
    const row = (await campaignRows(id)).find((r) => r.recipient === es.phone)!;
    expect(call.params).toMatchObject({ Url: `https://hazardline.test/webhooks/twilio/voice/out/answer?o=${row.id}`, MachineDetection: 'DetectMessageEnd' });
    expect(call.params.Twiml).toBeUndefined();
    const answered = await t.postTwilio(`/webhooks/twilio/voice/out/answer?o=${row.id}`, { CallSid: call.sid!, AccountSid: fake.accountSid, AnsweredBy: 'human' }).expect(200);
    const says = findAll(twimlOf(answered.text).root, 'Say');
    expect(says[0]).toMatchObject({ attrs: { language: 'es-MX' }, text: 'Nunca toque objetos extraños en Mongkol Borei.' });
    expect((await stats(id)).runs[0]).toMatchObject({ queued: called.length, skipped: { noContent: reachable01().length - called.length } });
  });
});

describe('exactly once', () => {
  it('when two job instances tick at the same moment on one database, then each due occurrence fires once', async () => {
    const occurrence = pastMinute();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await createCampaign({ schedule: { at: occurrence.toISOString() } }, new Date(occurrence.getTime() - MIN)));
    const [a, b] = [createCampaignJob(t.ctx), createCampaignJob(t.ctx)];
    const now = new Date(occurrence.getTime() + 200);

    const results = await Promise.all([a.run(now), b.run(now), a.run(now), b.run(now)]);

    expect(results.reduce((n, r) => n + r.fired, 0)).toBe(ids.length);
    for (const id of ids) {
      expect(await runsOf(id)).toHaveLength(1);
      expect(await campaignRows(id)).toHaveLength(reachable01().length);
    }
  });

  it('when the occurrence already has its run row (another instance claimed it), then this one does not fan out', async () => {
    const occurrence = pastMinute();
    const id = await createCampaign({ schedule: { at: occurrence.toISOString() } }, new Date(occurrence.getTime() - MIN));
    await t.ctx.prisma.campaignRun.create({ data: { campaignId: id, occurrenceAt: occurrence, status: 'completed', instanceId: 'elsewhere' } });

    const result = await createCampaignJob(t.ctx).run(new Date(occurrence.getTime() + 200));

    expect(result).toMatchObject({ fired: 0 });
    expect(await campaignRows(id)).toEqual([]);
    expect(await runsOf(id)).toMatchObject([{ instanceId: 'elsewhere' }]);
    expect((await stats(id)).nextRunAt).toBeNull();
  });

  it('when a run cannot be rendered (its library message is gone), then it is recorded as failed and the schedule moves on', async () => {
    const id = await createCampaign({ schedule: { cron: '0 9 * * *', timezone: PP } }, new Date('2030-01-14T00:00:00Z'));
    await t.ctx.prisma.campaign.update({ where: { id }, data: { messageId: 'zzz-999', texts: undefined } });

    const result = await createCampaignJob(t.ctx).run(new Date('2030-01-14T02:00:01Z'));

    expect(result).toMatchObject({ fired: 1 });
    const body = await stats(id);
    expect(body.runs[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/zzz-999/), queued: 0 });
    expect(body.nextRunAt).toBe('2030-01-15T02:00:00.000Z');
  });

  describe.runIf(onPostgres)('two instances on one PostgreSQL', () => {
    let b: AppContext;
    beforeAll(async () => {
      const db = await t.testDb.openAnother();
      b = buildContext(testConfig({ ...ENV, INSTANCE_ID: 'instance-b' }), db, { clock: t.clock, log: createLogger('silent') });
    });

    it('when both run the job concurrently, then every occurrence is claimed by one of them and queued once', async () => {
      const occurrence = pastMinute();
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push(await createCampaign({ schedule: { at: occurrence.toISOString() } }, new Date(occurrence.getTime() - MIN)));
      const jobA = createCampaignJob(t.ctx);
      const jobB = createCampaignJob(b);
      const now = new Date(occurrence.getTime() + 200);

      const results = await Promise.all([jobA.run(now), jobB.run(now), jobB.run(now), jobA.run(now)]);

      expect(results.reduce((n, r) => n + r.fired, 0)).toBe(ids.length);
      const claims = await t.ctx.prisma.campaignRun.findMany({ where: { campaignId: { in: ids } } });
      expect(claims).toHaveLength(ids.length);
      expect(claims.every((c) => c.status === 'completed')).toBe(true);
      for (const id of ids) {
        const rows = await campaignRows(id);
        expect(rows).toHaveLength(reachable01().length);
        expect(new Set(rows.map((r) => r.subscriberId)).size).toBe(rows.length);
      }
      await dispatcher().drain();
      expect(fake.messages()).toHaveLength(ids.length * reachable01().length);
    });
  });

  it('when the real scheduler ticks on the wall clock, then a due campaign fires within 2 s', async () => {
    const real = buildContext(t.ctx.config, t.testDb.db, { clock: systemClock, log: createLogger('silent') });
    const due = new Date(Date.now() + 1500);
    const id = await createCampaign({ schedule: { at: due.toISOString() } }, new Date());
    const scheduler = createScheduler(real, [createCampaignJob(real)]);
    scheduler.start();
    try {
      await waitUntil(async () => (await runsOf(id)).length > 0, 5000, 'the campaign run');
    } finally {
      await scheduler.stop();
    }
    const [run] = await runsOf(id);
    expect(run!.startedAt.getTime() - due.getTime()).toBeLessThan(2000);
    expect(run!.startedAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
  });
});

describe('quiet hours', () => {
  it('when the occurrence is at 21:00 in Phnom Penh with quiet hours 20:00–07:00, then its messages wait until 07:00 next morning', async () => {
    const at = new Date('2030-01-14T14:00:00Z'); // 21:00 in Phnom Penh
    const id = await createCampaign({ schedule: { at: at.toISOString() }, quietHours: { start: '20:00', end: '07:00' } }, new Date('2030-01-14T10:00:00Z'));

    await createCampaignJob(t.ctx).run(new Date(at.getTime() + 300));

    const rows = await campaignRows(id);
    expect(rows).toHaveLength(reachable01().length);
    expect(new Set(rows.map((r) => r.nextAttemptAt.toISOString()))).toEqual(new Set(['2030-01-15T00:00:00.000Z']));
    expect((await stats(id)).runs[0].notBefore).toBe('2030-01-15T00:00:00.000Z');
  });

  it('when a backlog is still being sent at 20:00, then what is left waits for 07:00; a campaign without quiet hours is untouched', async () => {
    const at = new Date('2030-01-14T12:00:00Z'); // 19:00 in Phnom Penh
    const quiet = await createCampaign({ schedule: { at: at.toISOString() }, quietHours: { start: '20:00', end: '07:00' } }, new Date('2030-01-14T10:00:00Z'));
    const loud = await createCampaign({ schedule: { at: at.toISOString() } }, new Date('2030-01-14T10:00:00Z'));
    const job = createCampaignJob(t.ctx);
    await job.run(new Date(at.getTime() + 100));
    expect((await campaignRows(quiet)).every((r) => r.nextAttemptAt.getTime() === at.getTime() + 100)).toBe(true);
    // The dispatcher paced out two of them before the evening.
    const [first, second] = await campaignRows(quiet);
    await t.ctx.prisma.outboxMessage.updateMany({ where: { id: { in: [first!.id, second!.id] } }, data: { status: 'sent' } });

    expect(await job.run(new Date('2030-01-14T12:59:59Z'))).toMatchObject({ deferred: 0 });
    const result = await job.run(new Date('2030-01-14T13:00:01Z')); // 20:00:01

    expect(result.deferred).toBe(reachable01().length - 2);
    const rows = await campaignRows(quiet);
    expect(rows.filter((r) => r.status === 'pending').every((r) => r.nextAttemptAt.toISOString() === '2030-01-15T00:00:00.000Z')).toBe(true);
    expect((await campaignRows(loud)).every((r) => r.nextAttemptAt.getTime() === at.getTime() + 100)).toBe(true);
    // Deferring again in the same window changes nothing.
    expect(await job.run(new Date('2030-01-14T13:30:00Z'))).toMatchObject({ deferred: 0 });
  });

  it('when a paused campaign is resumed inside its quiet hours, then its rows wait for the end of them', async () => {
    const at = new Date('2030-01-14T12:00:00Z');
    const id = await createCampaign({ schedule: { at: at.toISOString() }, quietHours: { start: '20:00', end: '07:00' } }, new Date('2030-01-14T10:00:00Z'));
    await createCampaignJob(t.ctx).run(new Date(at.getTime() + 100));
    t.clock.set('2030-01-14T12:30:00Z');
    await t.api('post', `/api/campaigns/${id}/pause`).expect(200);

    t.clock.set('2030-01-14T15:00:00Z'); // 22:00
    await t.api('post', `/api/campaigns/${id}/resume`).expect(200);

    const rows = await campaignRows(id);
    expect(new Set(rows.map((r) => r.nextAttemptAt.toISOString()))).toEqual(new Set(['2030-01-15T00:00:00.000Z']));
  });
});

describe('pause, resume, cancel while sending', () => {
  it('when paused mid-send, then sending stops within a second; resumed, the rest goes out; then the campaign completes', async () => {
    const at = pastMinute();
    const id = await createCampaign({ schedule: { at: at.toISOString() } }, new Date(at.getTime() - MIN));
    const job = createCampaignJob(t.ctx);
    await job.run(new Date(at.getTime() + 100));
    const total = reachable01().length;
    // 4 messages a second, batches of 2: slow enough to pause in the middle.
    const d = dispatcher({ smsRatePerSecond: 4 });
    d.start();
    try {
      await fake.waitFor(() => fake.messages().length >= 2, 5000);
      t.clock.set(new Date(at.getTime() + 2 * MIN));
      await t.api('post', `/api/campaigns/${id}/pause`).expect(200);
      const atPause = fake.messages().length;

      // What was already claimed may still go out (one batch); within a second nothing more does.
      await new Promise((r) => setTimeout(r, 1000));
      const afterSecond = fake.messages().length;
      expect(afterSecond - atPause).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 1000));
      expect(fake.messages().length).toBe(afterSecond);
      expect(afterSecond).toBeLessThan(total);
      const held = await t.ctx.prisma.outboxMessage.findMany({ where: { campaignId: id, status: 'pending' } });
      expect(held).toHaveLength(total - afterSecond);
      expect(held.every((r) => r.nextAttemptAt.getUTCFullYear() === 9999)).toBe(true);
      expect(await job.run(new Date(at.getTime() + 3 * MIN))).toMatchObject({ fired: 0, completed: 0 });

      await t.api('post', `/api/campaigns/${id}/resume`).expect(200);
      await fake.waitFor(() => fake.messages().length === total, 10_000);
    } finally {
      await d.stop();
    }
    expect(new Set(fake.messages().map((m) => m.params.To)).size).toBe(total);
    expect(await job.run(new Date(at.getTime() + 4 * MIN))).toMatchObject({ completed: 1 });
    const body = await stats(id);
    expect(body).toMatchObject({ status: 'completed', totals: { queued: total, sent: total, pending: 0 } });
  });

  it('when cancelled after its run, then nothing of it is left unsent and nothing more is sent', async () => {
    const at = pastMinute();
    const id = await createCampaign({ schedule: { at: at.toISOString() } }, new Date(at.getTime() - MIN));
    const job = createCampaignJob(t.ctx);
    await job.run(new Date(at.getTime() + 100));

    t.clock.set(new Date(at.getTime() + MIN));
    const res = await t.api('post', `/api/campaigns/${id}/cancel`).expect(200);
    await dispatcher().drain();

    expect(res.body.outboxRows).toBe(reachable01().length);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { campaignId: id, status: { in: ['pending', 'sending'] } } })).toBe(0);
    expect(fake.messages()).toEqual([]);
    const body = await stats(id);
    expect(body).toMatchObject({ status: 'cancelled', runs: [{ queued: reachable01().length, cancelled: reachable01().length, pending: 0 }] });
    expect(await job.run(new Date(at.getTime() + 2 * MIN))).toMatchObject({ fired: 0 });
  });

  it('when cancelled before its time, then it never runs', async () => {
    const at = pastMinute();
    const id = await createCampaign({ schedule: { at: at.toISOString() } }, new Date(at.getTime() - MIN));
    await t.api('post', `/api/campaigns/${id}/cancel`).expect(200);

    expect(await createCampaignJob(t.ctx).run(new Date(at.getTime() + 100))).toMatchObject({ fired: 0 });
    expect(await runsOf(id)).toEqual([]);
  });
});

describe('catch-up after downtime', () => {
  // 09:00 daily in Phnom Penh = 02:00 UTC.
  const daily = { cron: '0 9 * * *', timezone: PP };

  it('when an occurrence is 30 minutes late (CAMPAIGN_CATCHUP_MINUTES 60), then it still runs', async () => {
    const id = await createCampaign({ schedule: daily, text: { en: TEXT.en } }, new Date('2030-01-14T00:00:00Z'));

    const result = await createCampaignJob(t.ctx).run(new Date('2030-01-14T02:30:00Z'));

    expect(result).toMatchObject({ fired: 1, missed: 0 });
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: 'completed', occurrenceAt: new Date('2030-01-14T02:00:00Z') });
    // English only: the others are counted as having no content in their language.
    expect(run!.stats).toMatchObject({ queued: 3, skipped: { no_content: 5 } });
    expect((await stats(id)).nextRunAt).toBe('2030-01-15T02:00:00.000Z');
  });

  it('when an occurrence is 2 hours late, then it is recorded as missed, nothing is queued, and the next is planned', async () => {
    const id = await createCampaign({ schedule: daily }, new Date('2030-01-14T00:00:00Z'));

    const result = await createCampaignJob(t.ctx).run(new Date('2030-01-14T04:00:00Z'));

    expect(result).toMatchObject({ fired: 0, missed: 1 });
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: 'missed', occurrenceAt: new Date('2030-01-14T02:00:00Z') });
    expect((run!.stats as { reason: string }).reason).toMatch(/late/);
    expect(await campaignRows(id)).toEqual([]);
    const body = await stats(id);
    expect(body).toMatchObject({ nextRunAt: '2030-01-15T02:00:00.000Z', totals: { queued: 0, runs: { missed: 1 } } });
  });

  it('when several occurrences fell due while down, then only the latest is sent and the earlier ones are recorded', async () => {
    const id = await createCampaign({ schedule: { cron: '*/15 * * * *', timezone: PP } }, new Date('2030-01-14T01:59:00Z'));

    const result = await createCampaignJob(t.ctx).run(new Date('2030-01-14T02:40:00Z'));

    expect(result).toMatchObject({ fired: 1, missed: 2 });
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.occurrenceAt.toISOString().slice(11, 16), r.status])).toEqual([
      ['02:00', 'missed'],
      ['02:15', 'missed'],
      ['02:30', 'completed'],
    ]);
    expect(await campaignRows(id)).toHaveLength(reachable01().length);
    expect((await stats(id)).nextRunAt).toBe('2030-01-14T02:45:00.000Z');
  });

  it('when an instance died between claiming a run and queueing it, then another takes the run over later', async () => {
    const id = await createCampaign({ schedule: daily }, new Date('2030-01-14T00:00:00Z'));
    const occurrence = new Date('2030-01-14T02:00:00Z');
    // What a dead instance leaves behind: the claim, with next_run_at already moved on.
    await t.ctx.prisma.campaignRun.create({ data: { campaignId: id, occurrenceAt: occurrence, status: 'claimed', instanceId: 'dead', startedAt: occurrence } });
    await t.ctx.prisma.campaign.update({ where: { id }, data: { status: 'running', nextRunAt: new Date('2030-01-15T02:00:00Z') } });

    const early = await createCampaignJob(t.ctx).run(new Date(occurrence.getTime() + 10 * MIN));
    expect(early).toMatchObject({ recovered: 0 });
    const result = await createCampaignJob(t.ctx).run(new Date(occurrence.getTime() + STALE_CLAIM_MS + MIN));

    expect(result).toMatchObject({ recovered: 1 });
    const [run] = await runsOf(id);
    expect(run).toMatchObject({ status: 'completed', instanceId: 'instance-a' });
    expect(await campaignRows(id)).toHaveLength(reachable01().length);
  });
});
