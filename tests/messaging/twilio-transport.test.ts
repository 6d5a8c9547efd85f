// Drives the REAL twilio SDK through createTwilioTransport against the loopback fake: what goes on the wire,
// how each provider answer is classified, and that status callbacks are signed as Twilio signs them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioTransport } from '../../src/messaging/twilio-transport.js';
import { classifyProviderError } from '../../src/messaging/transport.js';
import { createFakeTwilio } from '../support/fake-twilio.js';
import { randomKhPhone, randomSid } from '../support/factories.js';

const ACCOUNT_SID = randomSid('AC');
const AUTH_TOKEN = 'fake_auth_token_0123456789abcdef';
const FROM = '+85523000111';
const fake = createFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
let baseUrl = '';

const transport = (over: Partial<Parameters<typeof createTwilioTransport>[0]> = {}) =>
  createTwilioTransport({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: FROM, apiBaseUrl: baseUrl, timeoutMs: 5000, ...over });

beforeAll(async () => {
  ({ baseUrl } = await fake.start());
});
afterAll(() => fake.close());
afterEach(() => fake.clear());

describe('classifyProviderError', () => {
  it.each([
    [21610, 400, 'opted_out'],
    ['21211', 400, 'invalid_number'],
    [21614, 400, 'invalid_number'],
    [21612, 400, 'permanent'],
    [21408, 400, 'permanent'],
    [30003, undefined, 'permanent'],
    [30001, undefined, 'transient'],
    [20429, 429, 'transient'],
    [20003, 401, 'permanent'],
    [null, 503, 'transient'],
    [null, 422, 'permanent'],
    [null, undefined, 'transient'],
  ] as const)('when the code is %s with HTTP %s, then the kind is %s', (code, status, kind) => {
    expect(classifyProviderError(code, status)).toBe(kind);
  });
});

describe('twilio transport: sending SMS', () => {
  it('when Twilio accepts the message, then it returns the SID and the fake saw To, From, Body, StatusCallback and basic auth', async () => {
    const to = randomKhPhone();
    const result = await transport().sendSms({ to, body: 'Do not touch. Mark the place. Call 1296.', statusCallback: 'https://hazardline.test/webhooks/twilio/status' });

    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued' });
    const [sent] = fake.messages();
    expect(sent?.sid).toBe(result.ok ? result.providerId : '');
    expect(sent?.authUser).toBe(ACCOUNT_SID);
    expect(sent?.params).toEqual({ To: to, From: FROM, Body: 'Do not touch. Mark the place. Call 1296.', StatusCallback: 'https://hazardline.test/webhooks/twilio/status' });
  });

  it('when a Messaging Service is configured, then it sends MessagingServiceSid and no From', async () => {
    const service = randomSid('MG');
    const result = await transport({ from: undefined, messagingServiceSid: service }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: true, status: 'queued' });
    expect(fake.messages()[0]?.params.MessagingServiceSid).toBe(service);
    expect(fake.messages()[0]?.params).not.toHaveProperty('From');
  });

  it('when neither From nor a Messaging Service is known, then it fails permanently without calling Twilio', async () => {
    const result = await transport({ from: undefined }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: null } });
    expect(fake.requests).toHaveLength(0);
  });

  it('when the recipient has opted out (21610), then the error is opted_out with code 21610', async () => {
    fake.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });

    const result = await transport().sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toEqual({ ok: false, error: { kind: 'opted_out', code: '21610', message: 'Attempt to send to unsubscribed recipient', httpStatus: 400 } });
  });

  it.each([21211, 21614])('when Twilio rejects the number with %i, then the error is invalid_number', async (code) => {
    fake.failNext(1, { status: 400, code });

    const result = await transport().sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_number', code: String(code), httpStatus: 400 } });
  });

  it('when the error message names the phone number, then the number is masked', async () => {
    const to = randomKhPhone();
    fake.failNext(1, { status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });

    const result = await transport().sendSms({ to, body: 'hello' });

    expect(result.ok ? '' : result.error.message).not.toContain(to);
    expect(result.ok ? '' : result.error.message).toContain(to.slice(-4));
  });

  it.each([
    [500, '20500'],
    [429, '20429'],
    [503, '20503'],
  ])('when Twilio answers HTTP %i, then the error is transient (and the SDK did not retry by itself)', async (status, code) => {
    fake.failNext(1, { status });

    const result = await transport().sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code, httpStatus: status } });
    expect(fake.requests).toHaveLength(1);
  });

  it('when a proxy answers 502 with an HTML page, then the error is transient with no code', async () => {
    fake.failNext(1, { status: 502, rawBody: '<html>Bad gateway</html>' });

    const result = await transport().sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code: null, httpStatus: 502 } });
  });

  it('when Twilio never answers, then the send times out as transient with no code', async () => {
    fake.failNext(1, { timeout: true });

    const result = await transport({ timeoutMs: 300 }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code: null } });
    expect(result.ok ? undefined : result.error.httpStatus).toBeUndefined();
  });

  it('when a response is slow but within the timeout, then the send succeeds', async () => {
    fake.failNext(1, { delayMs: 100 });

    const result = await transport({ timeoutMs: 2000 }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: true });
  });

  it('when the API cannot be reached (connection refused), then the error is transient with no code', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));

    const result = await transport({ apiBaseUrl: `http://127.0.0.1:${port}` }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code: null } });
    expect(result.ok ? '' : result.error.message).toContain('ECONNREFUSED');
  });

  it('when the auth token is wrong, then the error is permanent with code 20003', async () => {
    const result = await transport({ authToken: 'wrong-token' }).sendSms({ to: randomKhPhone(), body: 'hello' });

    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: '20003', httpStatus: 401 } });
  });

  it('when a failWhen rule matches only one recipient, then the others still go through', async () => {
    const bad = randomKhPhone();
    fake.failWhen((p) => p.To === bad, { status: 400, code: 21614 });

    const results = await Promise.all([bad, randomKhPhone()].map((to) => transport().sendSms({ to, body: 'hello' })));

    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind))).toEqual(['invalid_number', 'ok']);
  });
});

describe('twilio transport: placing calls', () => {
  it('when a call is placed with TwiML, then the fake saw Twiml, From and the four status events', async () => {
    const twiml = '<Response><Say language="en-US">Hazard reported near you.</Say></Response>';
    const result = await transport().placeCall({ to: randomKhPhone(), twiml, statusCallback: 'https://hazardline.test/webhooks/twilio/call-status' });

    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^CA[0-9a-f]{32}$/), status: 'queued' });
    const call = fake.calls()[0];
    expect(call?.params).toMatchObject({ Twiml: twiml, From: FROM, StatusCallbackEvent: 'initiated ringing answered completed' });
  });

  it('when a call has neither TwiML nor a URL, then it fails permanently without calling Twilio', async () => {
    const result = await transport().placeCall({ to: randomKhPhone() });

    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent' } });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('fake twilio: status callbacks', () => {
  const received: Array<{ url: string; params: Record<string, string>; signature: string }> = [];
  const hook = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString())).on('end', () => {
      received.push({ url: req.url ?? '', params: Object.fromEntries(new URLSearchParams(raw)), signature: String(req.headers['x-twilio-signature']) });
      res.writeHead(204).end();
    });
  });
  let hookUrl = '';
  beforeAll(async () => {
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/twilio/status?outbox=42`;
  });
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));
  afterEach(() => void (received.length = 0));

  it('when callbacks are sent, then they arrive in order, signed over the exact URL', async () => {
    const result = await transport().sendSms({ to: randomKhPhone(), body: 'hello', statusCallback: hookUrl });
    const sid = result.ok ? result.providerId : '';

    const answers = await fake.sendStatusCallbacks(sid, ['sent', 'undelivered'], { errorCode: '30003' });

    expect(answers).toEqual([204, 204]);
    expect(received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'undelivered']);
    expect(received[1]?.params).toMatchObject({ MessageSid: sid, AccountSid: ACCOUNT_SID, From: FROM, ErrorCode: '30003' });
    for (const r of received) expect(twilio.validateRequest(AUTH_TOKEN, r.signature, hookUrl, r.params)).toBe(true);
    expect(twilio.validateRequest('another-token', received[0]?.signature ?? '', hookUrl, received[0]?.params ?? {})).toBe(false);
  });

  it('when autoCallbacks is set, then sent and delivered follow each successful create', async () => {
    fake.autoCallbacks = ['sent', 'delivered'];
    try {
      await transport().sendSms({ to: randomKhPhone(), body: 'hello', statusCallback: hookUrl });
      await fake.waitFor(() => received.length === 2, 5000);
    } finally {
      fake.autoCallbacks = undefined;
    }

    expect(received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(fake.callbackErrors).toEqual([]);
  });

  it('when a test asks for the signed callback instead, then its signature validates for its URL', async () => {
    const result = await transport().placeCall({ to: randomKhPhone(), twimlUrl: 'https://hazardline.test/ivr/alert', statusCallback: 'https://hazardline.test/webhooks/twilio/call-status' });
    const sid = result.ok ? result.providerId : '';

    const cb = fake.buildStatusCallback(sid, 'completed');

    expect(cb.path).toBe('/webhooks/twilio/call-status');
    expect(cb.params).toMatchObject({ CallSid: sid, CallStatus: 'completed', AccountSid: ACCOUNT_SID });
    expect(twilio.validateRequest(AUTH_TOKEN, cb.signature, cb.url, cb.params)).toBe(true);
    expect(fake.calls()[0]?.params.Url).toBe('https://hazardline.test/ivr/alert');
  });
});
