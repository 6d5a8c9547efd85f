// The split intake: the webhook stores and answers, the inbound worker processes. Real database (PGlite or
// the PostgreSQL server), real webhooks with signatures, the real worker.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';
import { onPostgres } from '../support/db.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { buildContext, createInboundWorkerFor } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { PRIORITY } from '../../src/outbox/enqueue.js';

const SMS = '/webhooks/twilio/sms';
let t: TestApp;
let teamPhone: string;

beforeAll(async () => {
  t = await createTestApp({ INBOUND_MAX_ATTEMPTS: '3', INBOUND_RETRY_BASE_MS: '1', INBOUND_RETRY_MAX_MS: '5' });
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  teamPhone = randomKhPhone();
  await t.ctx.prisma.clearanceTeam.create({
    data: { name: 'Team 01', coverages: { create: [{ pcode: '01' }] }, contacts: { create: [{ name: 'Lead', phone: teamPhone, language: 'en', position: 0 }] } },
  });
});
afterAll(() => t.close());

const inboundOf = (sid?: string) => t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: sid! } });

describe('the webhook stores and answers; the worker processes', () => {
  it('when a report arrives, then the webhook answers an empty TwiML and stores it pending; the worker queues the reply ahead of the alert', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(phone, 'mine near the school in Mongkol Borei');
    const res = await t.postTwilio(SMS, params).expect(200);
    expect(res.type).toBe('text/xml');
    expect(res.text).toMatch(/<Response\/>$/);
    expect(await inboundOf(params.MessageSid)).toMatchObject({ state: 'pending', handledAs: null, attempts: 0, receivedAt: t.clock.now(), fromPhone: phone });
    expect(await t.ctx.prisma.hazardReport.count({ where: { reporterPhone: phone } })).toBe(0);

    expect(await t.inbound.drain()).toBeGreaterThanOrEqual(1);

    const row = await inboundOf(params.MessageSid);
    expect(row).toMatchObject({ state: 'handled', handledAs: expect.stringMatching(/^report/), attempts: 1 });
    expect(row.reportId).not.toBeNull();
    const reply = await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `inbound:${row.id}:reply` } });
    expect(reply).toMatchObject({ kind: 'reply', recipient: phone, reportId: row.reportId, priority: PRIORITY.reply, status: 'pending' });
    // English text from a Cambodian number: answered in English (issue 10).
    expect(reply.body).toContain(t.ctx.i18n.t('en', 'safety.reply'));
    const alert = await t.ctx.prisma.outboxMessage.findFirstOrThrow({ where: { kind: 'alert', reportId: row.reportId } });
    expect(alert.recipient).toBe(teamPhone);
    // Lower goes first: the villager's answer is claimed before the team's alert.
    expect(reply.priority).toBeLessThan(alert.priority);

    const listed = await t.api('get', '/api/outbox?kind=reply').expect(200);
    expect(listed.body.data.map((m: { id: number }) => m.id)).toContain(reply.id);
  });

  it('when Twilio retries a MessageSid before and after processing, then there is one row, one report, one reply and one alert', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(phone, 'bomb in a rice field in Mongkol Borei');
    await Promise.all([t.postTwilio(SMS, params).expect(200), t.postTwilio(SMS, params).expect(200)]);
    await t.inbound.drain();
    await t.postTwilio(SMS, params).expect(200);
    await t.inbound.drain();

    expect(await t.ctx.prisma.inboundMessage.count({ where: { messageSid: params.MessageSid } })).toBe(1);
    const reports = await t.ctx.prisma.hazardReport.findMany({ where: { reporterPhone: phone } });
    expect(reports).toHaveLength(1);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone, kind: 'reply' } })).toBe(1);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { reportId: reports[0]!.id, kind: 'alert' } })).toBe(1);
  });

  it('when messages wait that no worker took (the process died after storing), then a new worker processes them', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(phone, 'JOIN Mongkol Borei');
    await t.postTwilio(SMS, params).expect(200);
    // A second app on the same database stands in for the restarted process.
    const ctx2 = buildContext(testConfig({ INSTANCE_ID: 'restarted' }), t.testDb.db, { log: createLogger('silent') });
    await createInboundWorkerFor(ctx2).drain();
    expect(await inboundOf(params.MessageSid)).toMatchObject({ state: 'handled', handledAs: 'keyword:join' });
    expect(await t.ctx.prisma.subscriber.findUnique({ where: { phone } })).toMatchObject({ status: 'active', districtPcode: '0102' });
  });

  it('when a worker died holding a claim, then the claim expires and another worker processes the message once', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(phone, 'mine on the road in Mongkol Borei');
    await t.postTwilio(SMS, params).expect(200);
    await t.ctx.prisma.$executeRaw`
      UPDATE inbound_messages SET state = 'processing', claimed_by = 'dead', claimed_at = now() - interval '1 hour', attempts = 1
      WHERE message_sid = ${params.MessageSid}`;
    await t.inbound.drain();
    const row = await inboundOf(params.MessageSid);
    expect(row).toMatchObject({ state: 'handled', attempts: 2 });
    expect(await t.ctx.prisma.hazardReport.count({ where: { reporterPhone: phone } })).toBe(1);
  });

  it('when Twilio says OptOutType=STOP, then the number is opted out and we send no second reply', async () => {
    const phone = randomKhPhone();
    await t.sms(phone, 'JOIN Mongkol Borei');
    const { inbound, reply } = await t.sms(phone, 'STOP', { OptOutType: 'STOP' });
    expect(reply).toBeNull();
    expect(inbound).toMatchObject({ state: 'handled', optOutType: 'STOP', handledAs: expect.stringMatching(/^optout:stop/) });
    expect(await t.ctx.prisma.subscriber.findUnique({ where: { phone } })).toMatchObject({ status: 'opted_out' });
    const back = await t.sms(phone, 'START', { OptOutType: 'START' });
    expect(back.reply).toBeNull();
    expect(await t.ctx.prisma.subscriber.findUnique({ where: { phone } })).toMatchObject({ status: 'active' });
    const help = await t.sms(phone, 'HELP', { OptOutType: 'HELP' });
    expect(help.reply).toBeNull();
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone, kind: 'reply' } })).toBe(1); // the JOIN confirmation
  });
});

describe('failures', () => {
  it('when processing fails every attempt, then it is retried with backoff, the sender still gets the safety advice and the message waits for a person', async () => {
    // A real failure inside the database: a trigger refuses reports that carry a marker.
    await t.ctx.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$
      BEGIN IF NEW.original_text LIKE '%POISON%' THEN RAISE EXCEPTION 'poison report'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await t.ctx.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_poison BEFORE INSERT ON hazard_reports FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      const phone = randomKhPhone();
      const params = inboundSms(phone, 'POISON mine near the well');
      await t.postTwilio(SMS, params).expect(200);
      const deadline = Date.now() + 10_000;
      while ((await inboundOf(params.MessageSid)).state !== 'failed' && Date.now() < deadline) {
        await t.inbound.drain();
        await new Promise((r) => setTimeout(r, 10));
      }
      const row = await inboundOf(params.MessageSid);
      expect(row).toMatchObject({ state: 'failed', attempts: 3, handledAs: 'error', reportId: null });
      expect(row.lastError).toContain('poison report');
      const reply = await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `inbound:${row.id}:reply` } });
      expect(reply.body).toBe(t.ctx.i18n.t('en', 'safety.reply'));

      const failed = await t.api('get', '/api/inbound?state=failed').expect(200);
      expect(failed.body.data.map((m: { id: number }) => m.id)).toContain(row.id);
      expect(JSON.stringify(failed.body)).not.toContain(phone);
      const metrics = await t.api('get', '/metrics').expect(200);
      expect(metrics.text).toMatch(/hazardline_inbound_failed_total [1-9]/);
      expect(metrics.text).toMatch(/hazardline_inbound_messages\{state="failed"\} [1-9]/);

      // Once the cause is fixed, a person retries it: the report is made, and the advice is not sent twice.
      await t.ctx.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_poison ON hazard_reports`);
      await t.api('post', `/api/inbound/${row.id}/retry`).expect(200);
      await t.inbound.drain();
      const retried = await inboundOf(params.MessageSid);
      expect(retried).toMatchObject({ state: 'handled', handledAs: expect.stringMatching(/^report/) });
      expect(retried.reportId).not.toBeNull();
      expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone, kind: 'reply' } })).toBe(1);
      await t.api('post', `/api/inbound/${row.id}/retry`).expect(422);
    } finally {
      await t.ctx.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS refuse_poison ON hazard_reports`);
    }
  });

  it('when a person reviews a failed message, then it leaves the unreviewed list; unknown ids are 404', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(phone, 'hello');
    await t.postTwilio(SMS, params).expect(200);
    const row = await inboundOf(params.MessageSid);
    await t.ctx.prisma.inboundMessage.update({ where: { id: row.id }, data: { state: 'failed' } });
    await t.api('post', `/api/inbound/${row.id}/review`).expect(200);
    const list = await t.api('get', '/api/inbound?unreviewed=true').expect(200);
    expect(list.body.data.map((m: { id: number }) => m.id)).not.toContain(row.id);
    await t.api('get', '/api/inbound/999999').expect(404);
    await t.api('get', '/api/inbound?areas=1').expect(400);
  });
});

describe('per-sender order', () => {
  it('when one sender has several messages waiting, then a claim takes only the oldest, and they are handled in arrival order', async () => {
    const phone = randomKhPhone();
    const sids: string[] = [];
    for (const body of ['JOIN Mongkol Borei', 'LANG en', 'STOP', 'START']) {
      const p = inboundSms(phone, body);
      sids.push(p.MessageSid!);
      await t.postTwilio(SMS, p).expect(200);
    }
    // Two workers racing (two instances): neither may take a later message while an earlier one is open.
    // Both on the wall clock, so handled_at tells the order in which they finished.
    const [w1, w2] = ['first', 'second'].map((id) => createInboundWorkerFor(buildContext(testConfig({ INSTANCE_ID: id }), t.testDb.db, { log: createLogger('silent') })));
    await Promise.all([w1!.drain(), w2!.drain()]);
    const rows = await Promise.all(sids.map((s) => inboundOf(s)));
    expect(rows.map((r) => r.handledAs)).toEqual(['keyword:join', 'keyword:lang', 'keyword:stop', 'keyword:start']);
    const handled = rows.map((r) => r.handledAt!.getTime());
    expect([...handled].sort((a, b) => a - b)).toEqual(handled);
    expect(await t.ctx.prisma.subscriber.findUnique({ where: { phone } })).toMatchObject({ status: 'active', language: 'en' });
  });
});

describe.skipIf(!onPostgres)('two instances on PostgreSQL', () => {
  it('when 10 senders each send 4 concurrent answers to open questions, then all 40 are handled in order with no deadlock', async () => {
    const senders = Array.from({ length: 10 }, randomKhPhone);
    // Each sender has an open question: a report with no place.
    for (const phone of senders) await t.sms(phone, 'I saw a mine');
    const sent: Record<string, string[]> = {};
    await Promise.all(
      senders.flatMap((phone) =>
        ['near the school', 'in Mongkol Borei', 'one child hurt', 'it is big'].map(async (body) => {
          const p = inboundSms(phone, body);
          (sent[phone] ??= []).push(p.MessageSid!);
          await t.postTwilio(SMS, p).expect(200);
        }),
      ),
    );
    const other = await t.testDb.openAnother();
    // Both instances on the wall clock, so handled_at tells the order in which messages finished.
    const w1 = createInboundWorkerFor(buildContext(testConfig({ INSTANCE_ID: 'pg-first', INBOUND_CONCURRENCY: '4' }), t.testDb.db, { log: createLogger('silent') }));
    const w2 = createInboundWorkerFor(buildContext(testConfig({ INSTANCE_ID: 'pg-second', INBOUND_CONCURRENCY: '4' }), other, { log: createLogger('silent') }));
    await Promise.all([w1.drain(), w2.drain(), w1.drain(), w2.drain()]);

    for (const phone of senders) {
      const rows = await t.ctx.prisma.inboundMessage.findMany({ where: { fromPhone: phone }, orderBy: { id: 'asc' } });
      expect(rows).toHaveLength(5);
      expect(rows.every((r) => r.state === 'handled')).toBe(true);
      const handled = rows.map((r) => r.handledAt!.getTime());
      expect([...handled].sort((a, b) => a - b)).toEqual(handled);
    }
    expect(await t.ctx.prisma.inboundMessage.count({ where: { fromPhone: { in: senders }, state: { not: 'handled' } } })).toBe(0);
  });
});
