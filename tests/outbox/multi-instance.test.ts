// Several dispatchers on one PostgreSQL (PostgreSQL only: PGlite is one in-process database):
// two instances share 2,000 rows and the sender's rate; a call limit holds across instances; and a
// dispatcher process killed mid-send leaves no campaign message sent twice and no alert unsent.
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, TEST_DATABASE_URL, type TestDatabase } from '../support/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { enqueue, PRIORITY } from '../../src/outbox/enqueue.js';
import type { Transport } from '../../src/messaging/transport.js';
import type { Db } from '../../src/lib/db.js';
import type { OutboxMessage } from '../../src/generated/prisma/client.js';
import type { Dispatcher } from '../../src/outbox/dispatcher.js';
import {
  countBy, createOutboxFake, createTestDispatcher, fakeTransport, makeClaimsStale, maxInWindow, spawnChildDispatcher,
  statusCounts, uniqueBody, waitUntil,
} from '../support/outbox.js';

describe.runIf(onPostgres)('several instances on one PostgreSQL', () => {
  let t: TestApp;
  let testDb: TestDatabase;
  let prisma: Db;
  let other: Db;
  const fake = createOutboxFake();
  const running: Dispatcher[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await fake.start();
    t = await createTestApp();
    testDb = t.testDb;
    prisma = t.ctx.prisma;
    other = (await testDb.openAnother()).prisma;
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    await Promise.all(running.splice(0).map((d) => d.stop()));
    fake.clear();
    fake.delayAllMs = 0;
    await prisma.outboxMessage.updateMany({ where: { status: { in: ['pending', 'sending', 'sent'] } }, data: { status: 'cancelled' } });
  });

  /** A transport that counts what this instance sent, to show both instances took part. */
  function counting(transport: Transport) {
    const counter = { sms: 0 };
    const wrapped: Transport = {
      name: transport.name,
      sendSms: (m) => (counter.sms++, transport.sendSms(m)),
      placeCall: (c) => transport.placeCall(c),
      findSent: (q) => transport.findSent(q),
    };
    return { transport: wrapped, counter };
  }

  it('when two instances share 2,000 pending rows, then each is sent exactly once and no 1-second window exceeds the rate', async () => {
    const rate = 400;
    const rows = Array.from({ length: 2000 }, (_, i) => {
      const kind = i % 100 === 50 ? 'alert' : 'campaign';
      return { kind, channel: 'sms', priority: PRIORITY[kind], recipient: randomKhPhone(), body: uniqueBody(`Two instances #${i}`), segments: 1, encoding: 'GSM-7' } as const;
    });
    await prisma.outboxMessage.createMany({ data: rows });
    const a = counting(fakeTransport(fake));
    const b = counting(fakeTransport(fake));
    const opts = { smsRatePerSecond: rate, pollMs: 50 };
    running.push(createTestDispatcher(prisma, a.transport, { ...opts, instanceId: 'instance-a' }));
    running.push(createTestDispatcher(other, b.transport, { ...opts, instanceId: 'instance-b' }));

    for (const d of running) d.start();
    await waitUntil(async () => {
      const c = await statusCounts(prisma);
      return !c.pending && !c.sending;
    }, 30_000, 'all 2,000 rows sent');
    await Promise.all(running.splice(0).map((d) => d.stop()));

    const bodies = countBy(fake.requests, (r) => r.params.Body ?? '');
    expect(fake.requests).toHaveLength(2000);
    expect(bodies.size).toBe(2000);
    expect(rows.every((r) => bodies.get(r.body) === 1)).toBe(true);
    expect(fake.requests.every((r) => r.responseStatus === 201)).toBe(true);
    expect(await statusCounts(prisma)).toEqual({ sent: 2000 });
    expect(a.counter.sms).toBeGreaterThan(0);
    expect(b.counter.sms).toBeGreaterThan(0);
    expect(a.counter.sms + b.counter.sms).toBe(2000);
    const busiest = maxInWindow(fake.requests.map((r) => r.at), 1000);
    expect(busiest).toBeLessThanOrEqual(rate);
    // The alerts went first: all 20 within the first batch of each instance.
    const alertBodies = new Set(rows.filter((r) => r.kind === 'alert').map((r) => r.body));
    const alertIndexes = fake.requests.flatMap((r, i) => (alertBodies.has(r.params.Body ?? '') ? [i] : []));
    expect(alertIndexes).toHaveLength(20);
    expect(Math.max(...alertIndexes)).toBeLessThan(2 * Math.ceil(rate / 2));
  }, 60_000);

  it('when two instances place calls with CALLS_CONCURRENT 2, then never more than 2 calls are in progress', async () => {
    const calls: OutboxMessage[] = [];
    for (let i = 0; i < 6; i++) {
      calls.push(await enqueue(prisma, { kind: 'call', to: randomKhPhone(), body: `<Response><Say>${uniqueBody('Call')}</Say></Response>` }));
    }
    fake.delayAllMs = 100;
    const opts = { callsConcurrent: 2, pollMs: 20 };
    running.push(createTestDispatcher(prisma, fakeTransport(fake), { ...opts, instanceId: 'calls-a' }));
    running.push(createTestDispatcher(other, fakeTransport(fake), { ...opts, instanceId: 'calls-b' }));

    // Twilio's side: each call "completes" 250 ms after it was created; our callbacks go through the app.
    // sid → when Twilio "sent" the completed callback (before the row could change, so never too late).
    const completed = new Map<string, number>();
    let maxInProgress = 0;
    for (const d of running) d.start();
    await waitUntil(async () => {
      const [row] = await prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM outbox WHERE channel = 'voice' AND status IN ('sending', 'sent')`;
      maxInProgress = Math.max(maxInProgress, Number(row!.n));
      for (const c of fake.calls()) {
        if (completed.has(c.sid!) || performance.timeOrigin + performance.now() - c.at < 250) continue;
        completed.set(c.sid!, performance.timeOrigin + performance.now());
        const cb = fake.buildStatusCallback(c.sid!, 'completed');
        await request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature).send(cb.params).expect(204);
      }
      return (await prisma.outboxMessage.count({ where: { id: { in: calls.map((c) => c.id) }, status: 'delivered' } })) === 6;
    }, 20_000, 'all calls completed');

    expect(maxInProgress).toBeLessThanOrEqual(2);
    expect(maxInProgress).toBe(2);
    expect(fake.calls()).toHaveLength(6);
    expect(new Set(fake.calls().map((c) => c.params.Twiml)).size).toBe(6);
    // Seen from the fake: when each call was created, at most one other had not yet been completed.
    for (const c of fake.calls()) {
      const open = fake.calls().filter((o) => o !== c && o.at <= c.at && (completed.get(o.sid!) ?? Infinity) > c.at);
      expect(open.length).toBeLessThanOrEqual(1);
    }
  }, 30_000);

  it('when a dispatcher process is killed mid-send and another takes over, then no campaign message is sent twice and no alert is left unsent', async () => {
    const [current] = await prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema()::text AS schema`;
    const schema = current!.schema;
    const alerts: OutboxMessage[] = [];
    const campaign: OutboxMessage[] = [];
    for (let i = 0; i < 8; i++) alerts.push(await enqueue(prisma, { kind: 'alert', to: randomKhPhone(), body: uniqueBody(`Kill alert ${i}`) }));
    for (let i = 0; i < 40; i++) campaign.push(await enqueue(prisma, { kind: 'campaign', to: randomKhPhone(), body: uniqueBody(`Kill campaign ${i}`) }));
    // Every send stays in flight for half a second, so the kill always lands mid-send.
    fake.delayAllMs = 500;
    child = await spawnChildDispatcher({
      databaseUrl: TEST_DATABASE_URL!, schema, fakeUrl: fake.baseUrl, accountSid: fake.accountSid, authToken: fake.authToken,
      instanceId: 'doomed', ratePerSecond: 20,
    });

    await fake.waitFor(() => fake.requests.length >= 14, 15_000);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const reachedBeforeKill = new Set(fake.requests.map((r) => r.params.Body));
    const unansweredAtKill = fake.requests.filter((r) => r.responseStatus === 0).length;
    const leftSending = await prisma.outboxMessage.findMany({ where: { status: 'sending' } });
    expect(unansweredAtKill).toBeGreaterThan(0);
    expect(leftSending.length).toBeGreaterThan(0);
    expect(leftSending.every((r) => r.claimedBy === 'doomed')).toBe(true);

    fake.delayAllMs = 0;
    // Requests the fake was still "processing" at the kill are created a moment later, as Twilio would.
    await new Promise((r) => setTimeout(r, 600));
    await makeClaimsStale(prisma);
    const survivor = createTestDispatcher(prisma, fakeTransport(fake), {
      instanceId: 'survivor', claimTimeoutSeconds: 5, smsRatePerSecond: 100, reconcileGraceMs: 200, reconcileResendAfterMs: 2000,
    });
    running.push(survivor);
    survivor.start();
    await waitUntil(async () => {
      const c = await statusCounts(prisma);
      return !c.pending && !c.sending && !c.unknown;
    }, 30_000, 'outbox settled after the kill');
    await Promise.all(running.splice(0).map((d) => d.stop()));

    // Exactly once for everyone: what reached Twilio before the kill was found there, the rest sent again.
    const received = countBy(fake.accepted(), (r) => `${r.params.To}|${r.params.Body}`);
    for (const r of [...alerts, ...campaign]) {
      expect(received.get(`${r.recipient}|${r.body}`)).toBe(1);
      const row = await prisma.outboxMessage.findUniqueOrThrow({ where: { id: r.id } });
      expect(['sent', 'delivered']).toContain(row.status);
      expect(row.providerId).toBe(fake.accepted().find((a) => a.params.Body === r.body)!.sid);
    }
    const inFlight = leftSending.filter((r) => r.sendStartedAt && reachedBeforeKill.has(r.body));
    expect(inFlight.length).toBeGreaterThan(0);
  }, 60_000);

  it('when two dispatcher processes send at 100/s, then no 1-second window at Twilio holds more than 100 and each row goes once', async () => {
    const [current] = await prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema()::text AS schema`;
    const rate = 100;
    const rows = Array.from({ length: 500 }, (_, i) => ({
      kind: 'campaign', channel: 'sms', priority: PRIORITY.campaign, recipient: randomKhPhone(), body: uniqueBody(`Two processes #${i}`), segments: 1, encoding: 'GSM-7',
    }) as const);
    await prisma.outboxMessage.createMany({ data: rows });
    const children: ChildProcess[] = [];
    try {
      for (const id of ['process-a', 'process-b']) {
        children.push(await spawnChildDispatcher({
          databaseUrl: TEST_DATABASE_URL!, schema: current!.schema, fakeUrl: fake.baseUrl, accountSid: fake.accountSid, authToken: fake.authToken,
          instanceId: id, ratePerSecond: rate,
        }));
      }
      await waitUntil(async () => {
        const c = await statusCounts(prisma);
        return !c.pending && !c.sending;
      }, 30_000, 'all rows sent');
    } finally {
      await Promise.all(children.map((c) => new Promise((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGTERM');
      })));
    }

    const mine = fake.requests.filter((r) => r.params.Body?.startsWith('Two processes'));
    expect(mine).toHaveLength(500);
    expect(countBy(mine, (r) => r.params.Body!).size).toBe(500);
    const busiest = maxInWindow(mine.map((r) => r.at), 1000);
    expect(busiest).toBeLessThanOrEqual(rate);
  }, 60_000);
});
