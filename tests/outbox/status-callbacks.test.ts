// An alert from the outbox to the fake Twilio through the real SDK, and the status callbacks that follow it:
// signed, idempotent, never moving a row backwards, and matched by outbox id even when the send was cut off.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone, randomSid } from '../support/factories.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import {
  FROM, STATUS_PATH, createOutboxFake, createSubscriber, createTestDispatcher, fakeTransport, outboxRow, uniqueBody,
} from '../support/outbox.js';
import type { Dispatcher } from '../../src/outbox/dispatcher.js';
import type { SignedCallback } from '../support/fake-twilio.js';
import type { Transport } from '../../src/messaging/transport.js';

let t: TestApp;
const fake = createOutboxFake();
let dispatcher: Dispatcher;

beforeAll(async () => {
  await fake.start();
  t = await createTestApp();
  dispatcher = createTestDispatcher(t.ctx.prisma, fakeTransport(fake));
});
afterAll(async () => {
  await fake.close();
  await t.close();
});
afterEach(() => fake.clear());

/** Posts a callback the fake built (and signed) to the app, as Twilio would. */
const post = (cb: SignedCallback) =>
  request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature).send(cb.params);

/** Queues an SMS alert to a new subscriber and sends it through the fake; returns the row and its SID. */
async function sendAlert(body = uniqueBody('Mine reported near the school. Do not go there.')) {
  const sub = await createSubscriber(t.ctx.prisma);
  const row = await enqueue(t.ctx.prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
  await dispatcher.drain();
  const req = fake.messages().find((r) => r.params.Body === body);
  if (!req?.sid) throw new Error('the fake did not get the alert');
  return { row, sid: req.sid, sub };
}

describe('alert end to end', () => {
  it('when an alert is queued, then the fake gets To/From/Body/StatusCallback and the callbacks move it to delivered', async () => {
    const sub = await createSubscriber(t.ctx.prisma);
    const body = uniqueBody('UXO reported in Phum Thmei: keep away, do not touch.');
    const row = await enqueue(t.ctx.prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });

    const sent = await dispatcher.drain();

    expect(sent).toBe(1);
    expect(fake.requests).toHaveLength(1);
    const [req] = fake.messages();
    expect(req!.authUser).toBe(fake.accountSid);
    expect(req!.params).toEqual({
      To: sub.phone,
      From: FROM,
      Body: body,
      StatusCallback: `https://hazardline.test/webhooks/twilio/status?o=${row.id}`,
    });
    const afterSend = await outboxRow(t.ctx.prisma, row.id);
    expect(afterSend).toMatchObject({ status: 'sent', providerId: req!.sid, providerStatus: 'queued', attempts: 1, claimedBy: null, lastError: null });
    expect(afterSend.sentAt).toBeInstanceOf(Date);
    expect(afterSend.deliveredAt).toBeNull();

    await post(fake.buildStatusCallback(req!.sid!, 'sent')).expect(204);
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'sent', providerId: req!.sid });
    await post(fake.buildStatusCallback(req!.sid!, 'delivered')).expect(204);

    const delivered = await outboxRow(t.ctx.prisma, row.id);
    expect(delivered).toMatchObject({ status: 'delivered', providerStatus: 'delivered', providerId: req!.sid });
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
  });
});

describe('callbacks over HTTP', () => {
  it('when the fake posts its own signed callbacks to the listening app, then the alert ends delivered', async () => {
    // A second app that really listens, with PUBLIC_BASE_URL set to where it listens, so the fake can
    // reach the StatusCallback URL and its signatures match what the app checks.
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    const server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const live = await createTestApp({ PUBLIC_BASE_URL: base });
    handler = live.app;
    const liveFake = createOutboxFake({ autoCallbacks: ['queued', 'sent', 'delivered'] });
    await liveFake.start();
    try {
      const sub = await createSubscriber(live.ctx.prisma);
      const row = await enqueue(live.ctx.prisma, { kind: 'alert', to: sub.phone, body: uniqueBody('Alert'), subscriberId: sub.id });

      await createTestDispatcher(live.ctx.prisma, fakeTransport(liveFake), { publicBaseUrl: base }).drain();
      await liveFake.waitFor(() => liveFake.callbacks.length === 3);

      expect(liveFake.messages()[0]!.params.StatusCallback).toBe(`${base}${STATUS_PATH}?o=${row.id}`);
      expect(liveFake.callbackErrors).toEqual([]);
      expect(liveFake.callbacks.map((c) => [c.status, c.responseStatus])).toEqual([['queued', 204], ['sent', 204], ['delivered', 204]]);
      expect(await outboxRow(live.ctx.prisma, row.id)).toMatchObject({ status: 'delivered', providerId: liveFake.messages()[0]!.sid });
    } finally {
      await liveFake.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await live.close();
    }
  });
});

describe('status callbacks', () => {
  it('when delivered arrives before sent, then the row stays delivered', async () => {
    const { row, sid } = await sendAlert();

    await post(fake.buildStatusCallback(sid, 'delivered')).expect(204);
    const delivered = await outboxRow(t.ctx.prisma, row.id);
    await post(fake.buildStatusCallback(sid, 'sent')).expect(204);
    await post(fake.buildStatusCallback(sid, 'queued')).expect(204);

    const after = await outboxRow(t.ctx.prisma, row.id);
    expect(after).toMatchObject({ status: 'delivered', providerStatus: 'delivered' });
    expect(after.deliveredAt).toEqual(delivered.deliveredAt);
    expect(after.updatedAt).toEqual(delivered.updatedAt);
  });

  it('when the same callback is posted twice, then the second changes nothing', async () => {
    const { row, sid } = await sendAlert();
    const cb = fake.buildStatusCallback(sid, 'delivered');
    await post(cb).expect(204);
    const first = await outboxRow(t.ctx.prisma, row.id);

    t.clock.advance(60_000);
    await post(cb).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toEqual(first);
  });

  it('when undelivered arrives after delivered, then it is ignored', async () => {
    const { row, sid } = await sendAlert();
    await post(fake.buildStatusCallback(sid, 'delivered')).expect(204);

    await post(fake.buildStatusCallback(sid, 'undelivered', { errorCode: '30003' })).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'delivered', providerStatus: 'delivered', lastErrorCode: null });
  });

  it('when undelivered arrives with a delivery error code, then the row is undelivered with that code', async () => {
    const { row, sid } = await sendAlert();

    await post(fake.buildStatusCallback(sid, 'undelivered', { errorCode: '30003' })).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'undelivered', lastErrorCode: '30003', deliveredAt: null });
  });

  it('when a callback is unsigned or signed for other parameters, then it is 403 and the row is unchanged', async () => {
    const { row, sid } = await sendAlert();
    const cb = fake.buildStatusCallback(sid, 'delivered');

    const unsigned = await request(t.app).post(cb.path).type('form').send(cb.params).expect(403);
    await request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature)
      .send({ ...cb.params, MessageStatus: 'failed' }).expect(403);
    // The outbox id is part of the signed URL: pointing a valid callback at another row fails the check.
    await request(t.app).post(`${STATUS_PATH}?o=${row.id + 1}`).type('form').set('X-Twilio-Signature', cb.signature)
      .send(cb.params).expect(403);

    expect(unsigned.body.error.code).toBe('invalid_signature');
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'sent' });
  });

  it('when the send was interrupted (unknown, no provider id), then a callback carrying ?o= fills the SID and delivers it', async () => {
    // The request reached Twilio but our process never stored the answer: only the outbox id in the
    // callback URL ties the message back to its row.
    const { row, sid } = await sendAlert();
    await t.ctx.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'unknown', providerId: null, providerStatus: null, sentAt: null } });

    await post(fake.buildStatusCallback(sid, 'sent')).expect(204);
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'sent', providerId: sid });
    await post(fake.buildStatusCallback(sid, 'delivered')).expect(204);

    const after = await outboxRow(t.ctx.prisma, row.id);
    expect(after).toMatchObject({ status: 'delivered', providerId: sid, providerStatus: 'delivered' });
    expect(after.sentAt).toBeInstanceOf(Date);
    expect(after.deliveredAt).toBeInstanceOf(Date);
  });

  it('when the delivered callback arrives before our own write of the send result, then the row stays delivered', async () => {
    // Twilio can call back before the create request's answer has been recorded: a transport that posts the
    // callback and only then hands the result to the dispatcher reproduces that order every time.
    const real = fakeTransport(fake);
    const racing: Transport = {
      name: 'twilio',
      async sendSms(m) {
        const result = await real.sendSms(m);
        if (result.ok) await post(fake.buildStatusCallback(result.providerId, 'delivered')).expect(204);
        return result;
      },
      placeCall: (c) => real.placeCall(c),
      findSent: (q) => real.findSent(q),
    };
    const sub = await createSubscriber(t.ctx.prisma);
    const row = await enqueue(t.ctx.prisma, { kind: 'alert', to: sub.phone, body: uniqueBody('Race'), subscriberId: sub.id });

    await createTestDispatcher(t.ctx.prisma, racing).drain();

    const after = await outboxRow(t.ctx.prisma, row.id);
    expect(after).toMatchObject({ status: 'delivered', providerId: fake.messages()[0]!.sid, attempts: 1, claimedBy: null });
    expect(after.deliveredAt).toBeInstanceOf(Date);
  });

  it.each([
    ['campaign', 'unknown'],
    ['alert', 'unknown'],
  ] as const)('when the %s send times out but Twilio did accept it, then the row is %s and the late callback delivers it without a resend', async (kind, interim) => {
    const sub = await createSubscriber(t.ctx.prisma);
    const body = uniqueBody('Slow Twilio');
    const row = await enqueue(t.ctx.prisma, { kind, to: sub.phone, body, subscriberId: sub.id });
    // Twilio creates the message, but answers after our client has given up.
    fake.failNext(1, { delayMs: 600 });
    const slow = createTestDispatcher(t.ctx.prisma, fakeTransport(fake, { timeoutMs: 200 }), { retryBaseMs: 60_000 });

    await slow.drain();
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: interim, providerId: null });
    await fake.waitFor(() => fake.messages().length === 1);
    const sid = fake.messages()[0]!.sid!;
    await post(fake.buildStatusCallback(sid, 'delivered')).expect(204);
    await t.ctx.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(0) } });
    await slow.drain();

    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'delivered', providerId: sid, attempts: 1 });
    expect(fake.requests.filter((r) => r.params.Body === body)).toHaveLength(1);
  });

  it('when a callback carries ?o= of a row that already has another SID, then it does not touch that row', async () => {
    const a = await sendAlert();
    const b = await sendAlert();
    // b's callback, re-signed for a's outbox id: a different row with a different SID.
    const cb = fake.buildStatusCallback(b.sid, 'failed', { errorCode: '30008' });
    const path = `${STATUS_PATH}?o=${a.row.id}`;
    const twilio = await import('twilio');
    const signature = twilio.default.getExpectedTwilioSignature(fake.authToken, `https://hazardline.test${path}`, cb.params);

    await request(t.app).post(path).type('form').set('X-Twilio-Signature', signature).send(cb.params).expect(204);

    expect(await outboxRow(t.ctx.prisma, a.row.id)).toMatchObject({ status: 'sent', providerId: a.sid });
    expect(await outboxRow(t.ctx.prisma, b.row.id)).toMatchObject({ status: 'failed', providerId: b.sid, lastErrorCode: '30008' });
  });

  it('when an undelivered callback carries ErrorCode 21610, then the subscriber is opted out and their pending campaign rows cancelled', async () => {
    const { row, sid, sub } = await sendAlert();
    const campaign = await enqueue(t.ctx.prisma, { kind: 'campaign', to: sub.phone, body: 'Never touch an unknown object.', subscriberId: sub.id, notBefore: new Date(Date.now() + 3_600_000) });

    await post(fake.buildStatusCallback(sid, 'undelivered', { errorCode: '21610' })).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'undelivered', lastErrorCode: '21610' });
    const after = await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } });
    expect(after.status).toBe('opted_out');
    expect(after.optedOutAt).toBeInstanceOf(Date);
    expect(await outboxRow(t.ctx.prisma, campaign.id)).toMatchObject({ status: 'cancelled' });
  });

  it('when a callback names a SID we never sent and no outbox id, then it is 204 and nothing changes', async () => {
    const { row } = await sendAlert();
    const before = await outboxRow(t.ctx.prisma, row.id);
    const params = { MessageSid: randomSid('SM'), MessageStatus: 'delivered', AccountSid: fake.accountSid, To: randomKhPhone(), From: FROM };

    await t.postTwilio(STATUS_PATH, params).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toEqual(before);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { providerId: params.MessageSid } })).toBe(0);
  });

  it('when the status is one we do not map, then it is 204 and nothing changes', async () => {
    const { row, sid } = await sendAlert();
    const before = await outboxRow(t.ctx.prisma, row.id);

    await post(fake.buildStatusCallback(sid, 'partially_delivered')).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toEqual(before);
  });

  it('when a callback has neither MessageSid nor CallSid, then it is 400', async () => {
    const res = await t.postTwilio(STATUS_PATH, { MessageStatus: 'delivered' }).expect(400);

    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('call status callbacks', () => {
  async function placeCall() {
    const sub = await createSubscriber(t.ctx.prisma);
    const twiml = `<Response><Say>${uniqueBody('Alert')}</Say></Response>`;
    const row = await enqueue(t.ctx.prisma, { kind: 'call', to: sub.phone, body: twiml, subscriberId: sub.id });
    await dispatcher.drain();
    const req = fake.calls().find((r) => r.params.Twiml === twiml);
    if (!req?.sid) throw new Error('the fake did not get the call');
    return { row, sid: req.sid, req, sub };
  }

  it('when a call is placed and completes, then the fake got the call with progress callbacks and the row is delivered', async () => {
    const { row, sid, req, sub } = await placeCall();

    expect(req.params).toMatchObject({
      To: sub.phone,
      From: FROM,
      StatusCallback: `https://hazardline.test/webhooks/twilio/status?o=${row.id}`,
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'initiated ringing answered completed',
    });
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'sent', providerId: sid });

    for (const status of ['initiated', 'ringing', 'in-progress']) await post(fake.buildStatusCallback(sid, status)).expect(204);
    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'sent' });
    await post(fake.buildStatusCallback(sid, 'completed')).expect(204);

    const after = await outboxRow(t.ctx.prisma, row.id);
    expect(after).toMatchObject({ status: 'delivered', providerStatus: 'completed' });
    expect(after.deliveredAt).toBeInstanceOf(Date);
  });

  it('when the line is busy, then the call is undelivered and a late completed does not change it', async () => {
    const { row, sid } = await placeCall();

    await post(fake.buildStatusCallback(sid, 'busy')).expect(204);
    await post(fake.buildStatusCallback(sid, 'completed')).expect(204);

    expect(await outboxRow(t.ctx.prisma, row.id)).toMatchObject({ status: 'undelivered', providerStatus: 'busy', deliveredAt: null });
  });
});
