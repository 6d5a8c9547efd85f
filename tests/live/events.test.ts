import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { connectSse, listen, type SseEvent, type SseStream } from '../support/sse.js';
import { createEventsRouter, closeLiveStreams } from '../../src/live/events.routes.js';
import { errorHandler } from '../../src/lib/http.js';
import { createTestDispatcher } from '../support/outbox.js';

let t: TestApp;
let server: Awaited<ReturnType<typeof listen>>;
const open: SseStream[] = [];
const auth = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

async function connect(headers: Record<string, string> = {}, url = `${server.baseUrl}/api/events`) {
  const s = await connectSse(url, { ...auth, ...headers });
  open.push(s);
  return s;
}

const isReport = (id: number) => (e: SseEvent) => e.event === 'report' && JSON.parse(e.data).id === id;

beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer({ EVENTS_POLL_MS: '50' });
  server = await listen(t.app);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await closeLiveStreams(t.ctx);
  await server.close();
  await t.close();
});

describe('GET /api/events', () => {
  it('when a villager reports a mine by SMS, then a report event with the report id arrives, and the reply as outbox events once it is sent', async () => {
    const stream = await connect();
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.headers['cache-control']).toMatch(/no-cache/);

    const phone = randomKhPhone();
    const { inbound } = await t.sms(phone, 'mine near my house in Mongkol Borei');
    const reportId = inbound.reportId!;

    const event = await stream.waitFor(isReport(reportId));
    const data = JSON.parse(event.data);
    expect(Number(event.id)).toBeGreaterThan(0);
    expect(data).toMatchObject({ id: reportId, status: expect.any(String), priority: expect.any(String), districtPcode: '0102' });
    expect(['created', 'updated']).toContain(data.kind);
    // The real dispatcher over the dev transport: each status change of the reply is an event.
    await createTestDispatcher(t.ctx.prisma, t.ctx.transport).drain();
    const reply = await stream.waitFor((e) => e.event === 'outbox' && JSON.parse(e.data).kind === 'reply' && JSON.parse(e.data).reportId === reportId);
    expect(['sending', 'sent', 'delivered']).toContain(JSON.parse(reply.data).status);
    // The stream goes to every role: numbers are masked.
    expect(JSON.parse(reply.data).to).toBe(`${phone.slice(0, 4)}****${phone.slice(-4)}`);
    expect(reply.data).not.toContain(phone);
  });

  it('when a client reconnects with Last-Event-ID, then it gets the events it missed and not those it had', async () => {
    const first = await connect();
    const a = await t.sms(randomKhPhone(), 'mine near the road in Mongkol Borei');
    const seen = await first.waitFor(isReport(a.inbound.reportId!));
    const lastSeen = Math.max(...first.events.map((e) => Number(e.id)));
    first.close();
    // While nobody listens, the poller stops; the events stay in the table.
    const b = await t.sms(randomKhPhone(), 'bomb in the rice field in Mongkol Borei');

    const again = await connect({ 'Last-Event-ID': String(lastSeen) });
    const missed = await again.waitFor(isReport(b.inbound.reportId!));

    expect(Number(missed.id)).toBeGreaterThan(lastSeen);
    expect(again.events.filter((e) => Number(e.id) <= lastSeen)).toEqual([]);
    expect(again.events.some((e) => e.id === seen.id)).toBe(false);
  });

  it('when the caller is limited to a province, then only reports of that province reach it', async () => {
    const scoped = express();
    scoped.use((req, _res, next) => {
      req.auth = { name: 'coordinator-02', role: 'coordinator', keyId: null, userId: 1, provinces: ['02'] };
      next();
    });
    scoped.use('/api/events', createEventsRouter(t.ctx));
    scoped.use(errorHandler());
    const scopedServer = await listen(scoped);
    try {
      const limited = await connect({}, `${scopedServer.baseUrl}/api/events`);
      const everyone = await connect();

      const inOther = await t.sms(randomKhPhone(), 'mine near the school in Mongkol Borei');
      const inOwn = await t.sms(randomKhPhone(), 'mine near the school in Thma Koul');

      await limited.waitFor(isReport(inOwn.inbound.reportId!));
      await everyone.waitFor(isReport(inOther.inbound.reportId!));
      await everyone.waitFor(isReport(inOwn.inbound.reportId!));
      expect(limited.events.filter(isReport(inOther.inbound.reportId!))).toEqual([]);
      expect(limited.events.filter((e) => e.event === 'outbox').every((e) => JSON.parse(e.data).reportId === inOwn.inbound.reportId)).toBe(true);
      limited.close();
    } finally {
      await scopedServer.close();
    }
  });

  it('when asked without credentials, or with an unknown query parameter, then 401 and 400 as JSON', async () => {
    const anonymous = await connectSse(`${server.baseUrl}/api/events`);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(await anonymous.body()).error.code).toBe('unauthorized');

    const unknown = await connect({}, `${server.baseUrl}/api/events?since=3`);
    expect(unknown.status).toBe(400);
    expect(await unknown.body()).toContain('since');
  });

  it('when the Last-Event-ID is not a number, then 400', async () => {
    const bad = await connect({ 'Last-Event-ID': 'abc' });
    expect(bad.status).toBe(400);
  });
});

describe('GET /api/events limits', () => {
  it('when the instance already holds EVENTS_MAX_CLIENTS streams, then the next gets 503 with Retry-After, until one leaves', async () => {
    const small = await createTestApp({ EVENTS_MAX_CLIENTS: '1', EVENTS_POLL_MS: '50' });
    const srv = await listen(small.app);
    try {
      const one = await connectSse(`${srv.baseUrl}/api/events`, auth);
      expect(one.status).toBe(200);
      const two = await connectSse(`${srv.baseUrl}/api/events`, auth);
      expect(two.status).toBe(503);
      expect(two.headers['retry-after']).toBe('10');
      expect(JSON.parse(await two.body()).error.code).toBe('unavailable');

      // A client that leaves frees its place.
      one.close();
      let three = await connectSse(`${srv.baseUrl}/api/events`, auth);
      for (let i = 0; i < 50 && three.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 20));
        three = await connectSse(`${srv.baseUrl}/api/events`, auth);
      }
      expect(three.status).toBe(200);
      three.close();
    } finally {
      await closeLiveStreams(small.ctx);
      await srv.close();
      await small.close();
    }
  });
});
