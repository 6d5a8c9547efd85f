import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestAppWithDemoGazetteer, TEST_ADMIN_KEY, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { listen } from '../support/sse.js';
import { loadConfig } from '../../src/config.js';

let t: TestApp;
let server: Awaited<ReturnType<typeof listen>>;
let teamPhone: string;

const api = (method: 'get' | 'post', path: string) => request(server.baseUrl)[method](path).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);

type Item = { id: string; direction: string; channel: string; kind: string; body: string; status: string; reportId: number | null };

beforeAll(async () => {
  // The test app checks Twilio signatures with a real auth token: the simulator's posts must pass that check.
  t = await createTestAppWithDemoGazetteer();
  server = await listen(t.app);
  teamPhone = randomKhPhone();
  await t.api('post', '/api/teams').send({ name: `MAG ${teamPhone}`, coverage: ['0102'], contacts: [{ name: 'Sokha', phone: teamPhone, language: 'en' }] }).expect(201);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

describe('the phone simulator', () => {
  it('when asked, then it names the hotline, demo villagers and the teams’ contact phones', async () => {
    const res = await api('get', '/api/simulator').expect(200);

    expect(res.body).toMatchObject({ enabled: true, hotline: expect.stringMatching(/^\+\d+$/) });
    expect(res.body.numbers.filter((n: { kind: string }) => n.kind === 'villager').length).toBeGreaterThanOrEqual(3);
    expect(res.body.numbers).toContainEqual({ phone: teamPhone, label: expect.stringContaining('Sokha'), kind: 'team' });
  });

  it('when a villager texts a mine report, then the conversation shows the message and then the safety reply, and the team contact’s shows the alert', async () => {
    const villager = randomKhPhone();
    const sent = await api('post', '/api/simulator/sms').send({ from: villager, body: 'mine near my house in Mongkol Borei' }).expect(202);
    expect(sent.body.messageSid).toMatch(/^SM[0-9a-f]{32}$/);
    // The real webhook stored it, signed and from our account; the worker does the rest, as in production.
    const stored = await t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: sent.body.messageSid } });
    expect(stored).toMatchObject({ fromPhone: villager, body: 'mine near my house in Mongkol Borei', state: 'pending' });
    await t.inbound.drain();

    const convo = await api('get', `/api/simulator/conversation?phone=${encodeURIComponent(villager)}`).expect(200);
    const items = convo.body.data as Item[];
    expect(items[0]).toMatchObject({ direction: 'in', channel: 'sms', body: 'mine near my house in Mongkol Borei', status: 'handled', kind: 'report' });
    expect(items[1]).toMatchObject({ direction: 'out', channel: 'sms', kind: 'reply', reportId: items[0]!.reportId });
    const reply = await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `inbound:${stored.id}:reply` } });
    expect(items[1]).toMatchObject({ id: `out:${reply.id}`, body: reply.body });

    const team = await api('get', `/api/simulator/conversation?phone=${encodeURIComponent(teamPhone)}`).expect(200);
    const alert = (team.body.data as Item[]).find((i) => i.kind === 'alert' && i.reportId === items[0]!.reportId);
    expect(alert).toMatchObject({ direction: 'out', channel: 'sms' });
    expect(alert!.body).toContain(String(items[0]!.reportId));

    // Polling with the cursor: nothing new until the villager writes again.
    const next = await api('get', `/api/simulator/conversation?phone=${encodeURIComponent(villager)}&after=${convo.body.nextCursor}`).expect(200);
    expect(next.body).toEqual({ data: [], nextCursor: convo.body.nextCursor });
    await api('post', '/api/simulator/sms').send({ from: villager, body: 'HELP' }).expect(202);
    await t.inbound.drain();
    const more = await api('get', `/api/simulator/conversation?phone=${encodeURIComponent(villager)}&after=${convo.body.nextCursor}`).expect(200);
    expect((more.body.data as Item[]).map((i) => i.direction)).toEqual(['in', 'out']);
    expect(more.body.data[0].body).toBe('HELP');
  });

  it('when a trainer calls the hotline, then prompts and a key to press come back, and pressing a key moves the call to the next step', async () => {
    const caller = randomKhPhone();
    const first = await api('post', '/api/simulator/call').send({ from: caller }).expect(200);

    expect(first.body.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(first.body.prompts.length).toBeGreaterThan(0);
    expect(first.body.gather).toEqual({ numDigits: 1, timeout: expect.any(Number) });
    expect(first.body).toMatchObject({ record: false, hangup: false, next: expect.stringMatching(/^\/webhooks\/twilio\/voice\/step\?/) });
    const call = await t.ctx.prisma.ivrCall.findUniqueOrThrow({ where: { callSid: first.body.callSid } });
    expect(call).toMatchObject({ fromPhone: caller, turn: 1 });

    // Khmer callers hear recordings (<Play>); pick English (4 in the language menu, else the main menu's 1).
    const key = call.step.startsWith('lang') ? '4' : '1';
    const second = await api('post', '/api/simulator/call').send({ from: caller, callSid: first.body.callSid, next: first.body.next, digits: key }).expect(200);

    expect(second.body.callSid).toBe(first.body.callSid);
    expect(second.body.prompts.length).toBeGreaterThan(0);
    expect(second.body.next).not.toBe(first.body.next);
    const after = await t.ctx.prisma.ivrCall.findUniqueOrThrow({ where: { callSid: first.body.callSid } });
    expect(after.turn).toBe(2);
    expect(after.step).not.toBe(call.step);
  });

  it('when the call reaches its end, then hangup is true, and the call is closed as Twilio’s status callback would close it', async () => {
    const caller = randomKhPhone();
    let turn = await api('post', '/api/simulator/call').send({ from: caller }).expect(200);
    const callSid = turn.body.callSid as string;
    const press = async (digits: string) => (turn = await api('post', '/api/simulator/call').send({ from: caller, callSid, next: turn.body.next, digits }).expect(200));
    const step = async () => (await t.ctx.prisma.ivrCall.findUniqueOrThrow({ where: { callSid } })).step;
    if ((await step()).startsWith('lang')) await press('1'); // Khmer: recorded prompts
    expect(turn.body.prompts.some((p: { play?: string }) => p.play?.startsWith('/audio/prompts/km/'))).toBe(true);

    await press('4'); // stop messages
    await press('1'); // yes, stop

    expect(turn.body).toMatchObject({ hangup: true, next: null, gather: null });
    const call = await t.ctx.prisma.ivrCall.findUniqueOrThrow({ where: { callSid } });
    expect(call.status).toBe('completed');
    expect(call.endedAt).not.toBeNull();
  });

  it('when a body or query has an unknown field, or `next` is not a hotline step, then 400 naming it', async () => {
    const sms = await api('post', '/api/simulator/sms').send({ from: '+85512000201', body: 'hi', to: '+1' }).expect(400);
    expect(JSON.stringify(sms.body.error.details)).toContain('to');
    const convo = await api('get', '/api/simulator/conversation?phone=%2B85512000201&since=1').expect(400);
    expect(JSON.stringify(convo.body.error.details)).toContain('since');
    const call = await api('post', '/api/simulator/call').send({ from: '+85512000201', callSid: `CA${'a'.repeat(32)}`, next: 'http://169.254.169.254/latest' }).expect(400);
    expect(JSON.stringify(call.body.error.details)).toContain('next');
    await api('post', '/api/simulator/sms').send({ from: '012 345 678', body: 'hi' }).expect(400);
  });

  it('when asked without a key, then 401', async () => {
    await request(server.baseUrl).get('/api/simulator').expect(401);
  });
});

describe('the phone simulator switched off', () => {
  it('when SIMULATOR_ENABLED is false, then every simulator route answers 404', async () => {
    const off = await createTestApp({ SIMULATOR_ENABLED: 'false' });
    try {
      for (const [method, path] of [['get', '/api/simulator'], ['post', '/api/simulator/sms'], ['get', '/api/simulator/conversation?phone=%2B85512000201'], ['post', '/api/simulator/call']] as const) {
        const res = await off.api(method, path).send(method === 'post' ? { from: '+85512000201', body: 'x' } : undefined).expect(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect(await off.ctx.prisma.inboundMessage.count()).toBe(0);
    } finally {
      await off.close();
    }
  });

  it('when NODE_ENV is production, then the simulator is off unless switched on', () => {
    const production = { NODE_ENV: 'production', TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x'.repeat(32), TWILIO_FROM: '+85523000001', PUBLIC_BASE_URL: 'https://hazardline.example.org', ADMIN_API_KEY: 'k'.repeat(32) };
    expect(loadConfig(production).simulatorEnabled).toBe(false);
    expect(loadConfig({ ...production, SIMULATOR_ENABLED: 'true' }).simulatorEnabled).toBe(true);
    expect(loadConfig({}).simulatorEnabled).toBe(true);
  });
});

describe('the phone simulator without a Twilio account (development)', () => {
  it('when no auth token is configured, then its posts reach the webhook as the unsigned development posts it accepts', async () => {
    const dev = await createTestApp({ TWILIO_AUTH_TOKEN: '' });
    const srv = await listen(dev.app);
    try {
      const villager = randomKhPhone();
      const res = await request(srv.baseUrl).post('/api/simulator/sms').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).send({ from: villager, body: 'HELP' }).expect(202);
      const stored = await dev.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: res.body.messageSid } });
      expect(stored.fromPhone).toBe(villager);
    } finally {
      await srv.close();
      await dev.close();
    }
  });
});
