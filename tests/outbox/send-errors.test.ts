// What the dispatcher does with each kind of provider answer, through the real SDK against the fake:
// opted out and invalid numbers change the subscriber, transient errors back off and retry, permanent ones
// fail at once, and a timeout is retried for alerts but not for campaign messages that may have gone out.
import { beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/outbox/enqueue.js';
import { backoffMs } from '../../src/outbox/record-result.js';
import type { Transport } from '../../src/messaging/transport.js';
import type { Db } from '../../src/lib/db.js';
import {
  useOutboxFixture, createSubscriber, createTestDispatcher, fakeTransport, makeDue, outboxRow, uniqueBody,
} from '../support/outbox.js';

const fixture = useOutboxFixture();
const fake = fixture.fake;
let prisma: Db;
beforeAll(() => {
  prisma = fixture.prisma;
});

const requestsFor = (body: string) => fake.requests.filter((r) => r.params.Body === body);

describe('opted out and invalid numbers', () => {
  it('when Twilio answers 21610, then the row fails with 21610, the subscriber is opted out and their queued campaign messages are cancelled', async () => {
    const sub = await createSubscriber(prisma);
    const other = await createSubscriber(prisma);
    const body = uniqueBody('Never touch an unknown object.');
    const row = await enqueue(prisma, { kind: 'campaign', to: sub.phone, body, subscriberId: sub.id });
    const later = { notBefore: new Date(Date.now() + 3_600_000) };
    const queued = await enqueue(prisma, { kind: 'campaign', to: sub.phone, body: uniqueBody('Mark the place.'), subscriberId: sub.id, ...later });
    const othersCampaign = await enqueue(prisma, { kind: 'campaign', to: other.phone, body: uniqueBody('Mark the place.'), subscriberId: other.id, ...later });
    const alert = await enqueue(prisma, { kind: 'alert', to: sub.phone, body: uniqueBody('Alert'), subscriberId: sub.id, ...later });
    fake.failNext(1, { status: 400, code: 21610, message: `Attempt to send to unsubscribed recipient ${sub.phone}` });

    await createTestDispatcher(prisma, fakeTransport(fake)).drain();

    expect(requestsFor(body)).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
    const failed = await outboxRow(prisma, row.id);
    expect(failed).toMatchObject({ status: 'failed', lastErrorCode: '21610', attempts: 1, providerId: null, claimedBy: null });
    expect(failed.lastError).not.toContain(sub.phone);
    const after = await prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } });
    expect(after.status).toBe('opted_out');
    expect(after.optedOutAt).toBeInstanceOf(Date);
    expect(await outboxRow(prisma, queued.id)).toMatchObject({ status: 'cancelled', lastError: 'recipient opted out' });
    expect(await outboxRow(prisma, othersCampaign.id)).toMatchObject({ status: 'pending' });
    expect(await outboxRow(prisma, alert.id)).toMatchObject({ status: 'pending' });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: 'active' });
  });

  it('when Twilio answers 21211, then the row fails after exactly one request and the number is flagged invalid', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Where there is one mine there are likely others.');
    const row = await enqueue(prisma, { kind: 'campaign', to: sub.phone, body, subscriberId: sub.id });
    fake.failWhen((p) => p.Body === body, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });

    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake));
    await dispatcher.drain();
    await makeDue(prisma);
    await dispatcher.drain();

    expect(requestsFor(body)).toHaveLength(1);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'failed', lastErrorCode: '21211', attempts: 1 });
    const after = await prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } });
    expect(after.numberInvalidAt).toBeInstanceOf(Date);
    expect(after.status).toBe('active');
  });

  it('when Twilio answers another permanent error (21612), then the row fails at once and the subscriber is untouched', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Stand still and call for help.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failWhen((p) => p.Body === body, { status: 400, code: 21612, message: 'cannot route' });

    await createTestDispatcher(prisma, fakeTransport(fake)).drain();

    expect(requestsFor(body)).toHaveLength(1);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'failed', lastErrorCode: '21612', attempts: 1 });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ status: 'active', numberInvalidAt: null, optedOutAt: null });
  });
});

describe('transient errors', () => {
  it('when Twilio answers 500 once, then the row waits out a backoff with attempts 1 and is sent on the next due attempt', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Go back in your own footsteps.');
    const row = await enqueue(prisma, { kind: 'campaign', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { status: 500 });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { retryBaseMs: 60_000, retryMaxMs: 600_000 });
    const before = Date.now();

    await dispatcher.drain();

    const waiting = await outboxRow(prisma, row.id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, lastErrorCode: '20500', providerId: null, claimedBy: null });
    // Full jitter on the first retry: between half the base and the base.
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(waiting.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(await dispatcher.drain()).toBe(0);
    expect(requestsFor(body)).toHaveLength(1);

    await makeDue(prisma, [row.id]);
    await dispatcher.drain();

    const sent = await outboxRow(prisma, row.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null, lastErrorCode: null });
    expect(requestsFor(body).map((r) => r.responseStatus)).toEqual([500, 201]);
    expect(sent.providerId).toBe(requestsFor(body)[1]!.sid);
  });

  it('when Twilio keeps answering 429, then the row fails after SEND_MAX_ATTEMPTS requests', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Report to the nearest demining operator.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failWhen((p) => p.Body === body, { status: 429 });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { maxAttempts: 3 });

    for (let i = 0; i < 6; i++) {
      await makeDue(prisma, [row.id]);
      await dispatcher.drain();
    }

    expect(requestsFor(body)).toHaveLength(3);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'failed', attempts: 3, lastErrorCode: '20429' });
  });

  it('when a campaign send times out, then the row is unknown and never retried (it may have been delivered)', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Never burn an unknown object.');
    const row = await enqueue(prisma, { kind: 'campaign', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { timeout: true });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 300 }));

    await dispatcher.drain();
    await makeDue(prisma);
    await dispatcher.drain();

    expect(requestsFor(body)).toHaveLength(1);
    const after = await outboxRow(prisma, row.id);
    expect(after).toMatchObject({ status: 'unknown', attempts: 1, providerId: null, claimedBy: null });
    expect(after.lastError).toMatch(/ECONNABORTED|timeout/i);
  });

  it('when an alert send times out after Twilio took it, then it is unknown, found at Twilio by reconcile and never sent twice', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Alert: AT mine on the road to Phum Thmei.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { timeout: true });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 300 }), { retryBaseMs: 60_000, reconcileGraceMs: 0 });

    await dispatcher.drain();
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'unknown', attempts: 1 });
    await makeDue(prisma);
    expect(await dispatcher.drain()).toBe(0);
    expect(await dispatcher.reconcile()).toMatchObject({ found: 1, resent: 0 });
    await dispatcher.drain();

    expect(requestsFor(body).map((r) => r.responseStatus)).toEqual([0]);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'sent', attempts: 1, providerId: requestsFor(body)[0]!.sid, claimedBy: null });
  });

  it('when a team phone got hundreds of newer messages after the unknown one, then reconcile still finds it and sends nothing twice', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Alert: cluster bomblets in the rice field.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { timeout: true });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 300 }), { retryBaseMs: 60_000, reconcileGraceMs: 0 });
    await dispatcher.drain();
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'unknown' });
    // A flood of later alerts to the same phone: the lost one is no longer among the newest hundred.
    for (let i = 0; i < 150; i++) await enqueue(prisma, { kind: 'alert', to: sub.phone, body: uniqueBody(`Alert ${i}`) });
    // Sent with a generous timeout, so that on a busy machine none of the flood itself ends unknown.
    await createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 10_000 }), { retryBaseMs: 60_000 }).drain();

    expect(await dispatcher.reconcile()).toMatchObject({ found: 1, resent: 0 });
    expect(requestsFor(body)).toHaveLength(1);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'sent', providerId: requestsFor(body)[0]!.sid });
  });

  it('when an alert send times out and Twilio never took it, then reconcile sends it again once Twilio has had time to show it', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Alert: UXO near the school.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { timeout: true, accept: false });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 300 }), { reconcileGraceMs: 0, reconcileResendAfterMs: 1000 });

    await dispatcher.drain();
    expect(await dispatcher.reconcile()).toMatchObject({ found: 0, resent: 0, waiting: 1 });
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'unknown' });
    await new Promise((r) => setTimeout(r, 1000));
    await makeDue(prisma, [row.id]);
    await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ${row.id}`;
    expect(await dispatcher.reconcile()).toMatchObject({ resent: 1 });
    await dispatcher.drain();

    expect(requestsFor(body).map((r) => r.responseStatus)).toEqual([0, 201]);
    expect(fake.accepted().filter((r) => r.params.Body === body)).toHaveLength(1);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'sent', attempts: 2, providerId: requestsFor(body)[1]!.sid });
  });

  it('when Twilio cannot be reached for the lookup, then an unknown row is never resent', async () => {
    const sub = await createSubscriber(prisma);
    const body = uniqueBody('Alert: cluster munition by the well.');
    const row = await enqueue(prisma, { kind: 'alert', to: sub.phone, body, subscriberId: sub.id });
    fake.failNext(1, { reset: true, accept: false });
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake, { timeoutMs: 300 }), { reconcileGraceMs: 0, reconcileResendAfterMs: 1000 });

    await dispatcher.drain();
    const unknown = await outboxRow(prisma, row.id);
    expect(unknown).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(unknown.lastError).toMatch(/ECONNRESET|socket hang up/i);
    await new Promise((r) => setTimeout(r, 1000));
    fake.hang();
    await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ${row.id}`;
    expect(await dispatcher.reconcile()).toMatchObject({ unreachable: 1, resent: 0 });
    fake.resets();
    await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ${row.id}`;
    expect(await dispatcher.reconcile()).toMatchObject({ unreachable: 1, resent: 0 });

    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'unknown' });
    expect(fake.accepted().filter((r) => r.params.Body === body)).toHaveLength(0);
    fake.recover();
    await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ${row.id}`;
    expect(await dispatcher.reconcile()).toMatchObject({ resent: 1 });
    await dispatcher.drain();
    expect(fake.accepted().filter((r) => r.params.Body === body)).toHaveLength(1);
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'sent' });
  });

  it('when the transport throws instead of returning an error, then the row is retried, not lost', async () => {
    const sub = await createSubscriber(prisma);
    const row = await enqueue(prisma, { kind: 'reply', to: sub.phone, body: uniqueBody('Thank you') });
    let calls = 0;
    const real = fakeTransport(fake);
    const flaky: Transport = {
      name: 'twilio',
      sendSms: (m) => (++calls === 1 ? Promise.reject(new Error('socket hang up')) : real.sendSms(m)),
      placeCall: (c) => real.placeCall(c),
      findSent: (q) => real.findSent(q),
    };
    const dispatcher = createTestDispatcher(prisma, flaky, { retryBaseMs: 60_000 });

    await dispatcher.drain();
    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'socket hang up' });
    await makeDue(prisma, [row.id]);
    await dispatcher.drain();

    expect(await outboxRow(prisma, row.id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(fake.messages()).toHaveLength(1);
  });
});

describe('backoff', () => {
  const policy = { maxAttempts: 10, retryBaseMs: 1000, retryMaxMs: 10_000 };

  it('when attempts grow, then the backoff ceiling doubles up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(a, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('when the jitter is lowest, then the wait is still half the base, never zero', () => {
    expect([1, 3, 8].map((a) => backoffMs(a, policy, () => 0))).toEqual([500, 500, 500]);
  });
});
