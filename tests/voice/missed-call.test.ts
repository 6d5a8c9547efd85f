// Missed-call callback: the status callback Twilio posts for an inbound call that ended unanswered (the
// number's "call status changes" URL), signed; a callback call into the hotline is queued once per window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone, randomSid } from '../support/factories.js';
import { createOutboxFake, createTestDispatcher, fakeTransport } from '../support/outbox.js';

const STATUS = '/webhooks/twilio/voice/status';
const HOTLINE_NUMBER = '+85523999000';
const MIN = 60_000;

/** What Twilio posts when an inbound call ends. */
function inboundStatus(from: string, callStatus: string, extra: Record<string, string> = {}) {
  return {
    CallSid: randomSid('CA'), AccountSid: `AC${'0'.repeat(32)}`, From: from, To: HOTLINE_NUMBER, Direction: 'inbound', CallStatus: callStatus,
    ApiVersion: '2010-04-01', CallbackSource: 'call-progress-events', Timestamp: new Date().toUTCString(), ...extra,
  };
}

describe('with VOICE_CALLBACK_ON_MISSED=true', () => {
  let t: TestApp;
  const fake = createOutboxFake();
  beforeAll(async () => {
    await fake.start();
    t = await createTestApp({ VOICE_CALLBACK_ON_MISSED: 'true', VOICE_CALLBACK_WINDOW_MINUTES: '60' });
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });
  const callbacksTo = (phone: string) => t.ctx.prisma.outboxMessage.findMany({ where: { recipient: phone, kind: 'call' }, orderBy: { id: 'asc' } });

  it('when a new number\'s call ends unanswered, then a call back into the hotline is queued, and a second missed call within the window queues none', async () => {
    const caller = randomKhPhone();
    const first = inboundStatus(caller, 'no-answer');
    await t.postTwilio(STATUS, first).expect(204);

    const [row] = await callbacksTo(caller);
    expect(row).toMatchObject({ kind: 'call', channel: 'voice', status: 'pending', sender: HOTLINE_NUMBER, callUrl: '/webhooks/twilio/voice', machineDetection: null, dedupeKey: `missed-call:${first.CallSid}` });
    expect(await t.ctx.prisma.missedCall.findUnique({ where: { callSid: first.CallSid } })).toMatchObject({ outcome: 'called_back', outboxId: row!.id });

    // The dispatcher places it with the hotline's URL (the call runs the hotline) from the number they rang.
    await createTestDispatcher(t.ctx.prisma, fakeTransport(fake)).drain();
    const [placed] = fake.calls();
    expect(placed!.params).toMatchObject({ To: caller, From: HOTLINE_NUMBER, Url: `https://hazardline.test/webhooks/twilio/voice?o=${row!.id}` });
    expect(placed!.params.Twiml).toBeUndefined();
    expect(placed!.params.MachineDetection).toBeUndefined();

    // Rung again 10 minutes later and hung up: no second call back.
    t.clock.set(new Date(t.clock.now().getTime() + 10 * MIN));
    const second = inboundStatus(caller, 'canceled');
    await t.postTwilio(STATUS, second).expect(204);
    expect(await callbacksTo(caller)).toHaveLength(1);
    expect(await t.ctx.prisma.missedCall.findUnique({ where: { callSid: second.CallSid } })).toMatchObject({ outcome: 'recent', outboxId: null });

    // After the window, a missed call is called back again.
    t.clock.set(new Date(t.clock.now().getTime() + 61 * MIN));
    await t.postTwilio(STATUS, inboundStatus(caller, 'busy')).expect(204);
    expect(await callbacksTo(caller)).toHaveLength(2);
  });

  it('when Twilio retries the same status callback, then one call back is queued (idempotent per CallSid)', async () => {
    const caller = randomKhPhone();
    const post = inboundStatus(caller, 'completed', { CallDuration: '0' });
    await t.postTwilio(STATUS, post).expect(204);
    await t.postTwilio(STATUS, post).expect(204);
    await Promise.all([t.postTwilio(STATUS, post), t.postTwilio(STATUS, post)]);
    expect(await callbacksTo(caller)).toHaveLength(1);
    expect(await t.ctx.prisma.missedCall.count({ where: { fromPhone: caller } })).toBe(1);
  });

  it('when the call was answered, or the number is withheld, or the call was ours, then nobody is called back', async () => {
    const answered = randomKhPhone();
    await t.postTwilio(STATUS, inboundStatus(answered, 'completed', { CallDuration: '35' })).expect(204);
    await t.postTwilio(STATUS, inboundStatus(answered, 'in-progress')).expect(204);
    expect(await callbacksTo(answered)).toHaveLength(0);

    for (const withheld of ['Anonymous', '+266696687', '']) {
      await t.postTwilio(STATUS, inboundStatus(withheld, 'no-answer')).expect(204);
    }
    expect(await t.ctx.prisma.missedCall.count({ where: { fromPhone: { in: ['Anonymous', '+266696687', ''] }, outcome: 'not_callable' } })).toBe(3);

    const ours = randomKhPhone();
    await t.postTwilio(STATUS, inboundStatus(ours, 'no-answer', { Direction: 'outbound-api' })).expect(204);
    expect(await callbacksTo(ours)).toHaveLength(0);
  });

  it('when the post is missing its CallSid or CallStatus, then 400 with the error body, never a 500', async () => {
    const res = await t.postTwilio(STATUS, { From: randomKhPhone(), To: HOTLINE_NUMBER, CallStatus: 'no-answer' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect((await t.postTwilio(STATUS, { CallSid: randomSid('CA'), From: randomKhPhone() })).status).toBe(400);
  });
});

describe('with VOICE_CALLBACK_ON_MISSED off (the default)', () => {
  it('when a call is missed, then it is recorded and nobody is called back', async () => {
    const t = await createTestApp();
    try {
      const caller = randomKhPhone();
      const post = inboundStatus(caller, 'no-answer');
      await t.postTwilio(STATUS, post).expect(204);
      expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: caller } })).toBe(0);
      expect(await t.ctx.prisma.missedCall.findUnique({ where: { callSid: post.CallSid } })).toMatchObject({ outcome: 'disabled' });
    } finally {
      await t.close();
    }
  });
});
