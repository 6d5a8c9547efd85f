// Voice campaigns end to end: the dispatcher places calls through the real SDK to the fake Twilio, whose phone
// network answers each number as told (a person, a machine, busy) by fetching our answer URL and posting the
// status callbacks, signed, into the app. TwiML is parsed, never string-matched.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone, randomSid } from '../support/factories.js';
import { createOutboxFake, createTestDispatcher, fakeTransport } from '../support/outbox.js';
import { findAll, twimlOf, type XmlElement } from '../support/voice-xml.js';
import { createCampaignJob } from '../../src/campaigns/campaign-job.js';
import type { CallOutcome } from '../support/fake-twilio.js';

const MIN = 60_000;
const BASE = 'https://hazardline.test';
const ANSWER = '/webhooks/twilio/voice/out/answer';
const MENU = '/webhooks/twilio/voice/out/menu';
const TEXT = 'Never touch strange objects in {{district}}. Keep away and report them.';
let t: TestApp;
const fake = createOutboxFake({
  deliver: async (cb) => {
    const r = await request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature).send(cb.params);
    return { status: r.status, text: r.text };
  },
});
let district = 0;

beforeAll(async () => {
  await fake.start();
  t = await createTestApp();
  await t.ctx.prisma.adminUnit.create({ data: { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey' } });
});
afterEach(() => fake.clear());
afterAll(async () => {
  await fake.close();
  await t.close();
});

/** Subscribers of a district of their own, English-speaking, one per outcome the fake gives their number. */
async function audience(outcomes: CallOutcome[]) {
  const pcode = `01${String(++district).padStart(2, '0')}`;
  await t.ctx.prisma.adminUnit.create({ data: { pcode, level: 'district', parentPcode: '01', nameEn: `District ${district}` } });
  const subs = [];
  for (const outcome of outcomes) {
    const s = await t.ctx.prisma.subscriber.create({ data: { phone: randomKhPhone(), language: 'en', districtPcode: pcode, status: 'active' } });
    fake.answerCalls(s.phone, outcome);
    subs.push(s);
  }
  return { pcode, subs };
}

/** Creates a voice campaign for the district, runs its occurrence, sends the calls and lets the fake answer them. */
async function runVoiceCampaign(pcode: string, extra: Record<string, unknown> = {}) {
  const at = new Date(Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN);
  t.clock.set(new Date(at.getTime() - MIN));
  const res = await t.api('post', '/api/campaigns').send({ name: 'Voice', channel: 'voice', text: { en: TEXT }, districts: [pcode], schedule: { at: at.toISOString() }, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await createCampaignJob(t.ctx).run(new Date(at.getTime() + 100));
  t.clock.set(new Date());
  await createTestDispatcher(t.ctx.prisma, fakeTransport(fake), { callsConcurrent: 10 }).drain();
  await fake.settled();
  expect(fake.callbackErrors).toEqual([]);
  return res.body.id as number;
}

const rowsOf = (campaignId: number) => t.ctx.prisma.outboxMessage.findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
const statsOf = async (campaignId: number) => (await t.api('get', `/api/campaigns/${campaignId}`).expect(200)).body;
/** What our server answered when the fake fetched this call's TwiML. */
const answerTwiml = (sid: string) => fake.callWebhooks.find((w) => w.sid === sid && w.url.includes(ANSWER))!.text;
const sidOf = (phone: string) => fake.calls().find((c) => c.params.To === phone)!.sid!;
const menuPost = (o: number, callSid: string, digits: string | null, query = '') =>
  t.postTwilio(`${MENU}?o=${o}${query}`, { CallSid: callSid, CallStatus: 'in-progress', ...(digits === null ? {} : { Digits: digits }) });

function gatherOf(xml: string): XmlElement {
  const [gather] = findAll(twimlOf(xml).root, 'Gather');
  if (!gather) throw new Error(`no <Gather> in ${xml}`);
  return gather;
}

describe('a voice campaign to a person, a busy line and an answering machine', () => {
  it('when the fake answers one, reports busy for one and a machine for the third, then the busy one is retried on the ladder and the stats say so', async () => {
    const { pcode, subs } = await audience(['human', 'busy', 'machine']);
    const [human, busy, machine] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];
    const id = await runVoiceCampaign(pcode);

    // Every call asks for answering-machine detection and takes its TwiML from our answer URL.
    const rows = await rowsOf(id);
    expect(fake.calls()).toHaveLength(3);
    for (const call of fake.calls()) {
      const row = rows.find((r) => r.recipient === call.params.To)!;
      expect(call.params).toMatchObject({ Url: `${BASE}${ANSWER}?o=${row.id}`, Method: 'POST', MachineDetection: 'DetectMessageEnd', StatusCallback: `${BASE}/webhooks/twilio/status?o=${row.id}` });
    }

    // The person hears the message (twice, as stored), then the one-key menu whose action carries the row id.
    const humanRow = rows.find((r) => r.recipient === human.phone)!;
    const heard = twimlOf(answerTwiml(sidOf(human.phone)));
    expect(heard.names).toEqual(['Say', 'Pause', 'Say', 'Gather', 'Say', 'Hangup']);
    expect(heard.verbs[0]).toMatchObject({ attrs: { language: 'en-US' }, text: `Never touch strange objects in District ${district}. Keep away and report them.` });
    const gather = heard.verbs[3]!;
    expect(gather.attrs).toMatchObject({ action: `${BASE}${MENU}?o=${humanRow.id}`, numDigits: '1', input: 'dtmf', actionOnEmptyResult: 'true' });
    expect(gather.children.map((c) => c.text)).toEqual([t.ctx.i18n.t('en', 'voice:campaignMenu')]);
    // The machine gets the message and a hang-up, no menu.
    expect(twimlOf(answerTwiml(sidOf(machine.phone))).names).toEqual(['Say', 'Pause', 'Say', 'Hangup']);
    // Busy: no TwiML was fetched.
    expect(fake.callWebhooks.filter((w) => w.sid === sidOf(busy.phone)).map((w) => w.params.CallStatus)).toEqual(['busy']);

    const after = await rowsOf(id);
    expect(after.find((r) => r.recipient === human.phone)).toMatchObject({ status: 'delivered', answeredBy: 'human', callAttempt: 1 });
    expect(after.find((r) => r.recipient === machine.phone)).toMatchObject({ status: 'delivered', answeredBy: 'machine' });
    const busyRows = after.filter((r) => r.recipient === busy.phone);
    expect(busyRows).toHaveLength(2);
    expect(busyRows[0]).toMatchObject({ status: 'undelivered', providerStatus: 'busy', callAttempt: 1 });
    // The retry is a new row (the first try keeps its own record), due after the first rung of the ladder.
    expect(busyRows[1]).toMatchObject({ status: 'pending', callAttempt: 2, retryOfId: busyRows[0]!.id, callUrl: ANSWER, body: busyRows[0]!.body });
    expect(busyRows[1]!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(15 * MIN);

    const { runs, voiceRetryMinutes } = await statsOf(id);
    expect(voiceRetryMinutes).toEqual([15, 30, 60]);
    // Three people queued: counted by their latest try.
    expect(runs[0]).toMatchObject({ queued: 3, delivered: 2, pending: 1, undelivered: 0 });
    expect(runs[0].calls).toEqual({
      attempts: 3, answered: 1, listenedToEnd: 0, pressedStop: 0, replayed: 0, machine: 1, busy: 1, noAnswer: 0, failed: 0, retries: 1, retriesPending: 1,
    });

    // A repeated busy callback (Twilio retries) queues no second retry.
    const cb = fake.callWebhooks.find((w) => w.sid === sidOf(busy.phone))!;
    await t.postTwilio(new URL(cb.url).pathname + new URL(cb.url).search, cb.params).expect(204);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: busy.phone } })).toBe(2);
  });

  it('when the busy number stays busy, then each rung of a custom ladder is tried once and then no more', async () => {
    const { pcode, subs } = await audience(['busy']);
    const id = await runVoiceCampaign(pcode, { voiceRetryMinutes: [5] });
    let rows = await rowsOf(id);
    expect(rows.map((r) => [r.callAttempt, r.status])).toEqual([[1, 'undelivered'], [2, 'pending']]);
    expect(rows[1]!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(5 * MIN);

    await t.ctx.prisma.outboxMessage.update({ where: { id: rows[1]!.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await createTestDispatcher(t.ctx.prisma, fakeTransport(fake)).drain();
    await fake.settled();

    rows = await rowsOf(id);
    expect(rows.map((r) => [r.callAttempt, r.status, r.providerStatus])).toEqual([[1, 'undelivered', 'busy'], [2, 'undelivered', 'busy']]);
    expect(fake.calls().map((c) => c.params.To)).toEqual([subs[0]!.phone, subs[0]!.phone]);
    expect((await statsOf(id)).runs[0]).toMatchObject({ queued: 1, undelivered: 1, pending: 0, calls: { attempts: 2, busy: 2, retries: 1, retriesPending: 0 } });
  });

  it('when the campaign says no retries, then a call not answered is not tried again', async () => {
    const { pcode } = await audience(['no-answer']);
    const id = await runVoiceCampaign(pcode, { voiceRetryMinutes: [] });
    expect((await rowsOf(id)).map((r) => [r.status, r.providerStatus])).toEqual([['undelivered', 'no-answer']]);
    expect((await statsOf(id)).runs[0].calls).toMatchObject({ noAnswer: 1, retries: 0 });
  });

  it('when an SMS campaign gives a retry ladder, then it is refused', async () => {
    const res = await t.api('post', '/api/campaigns').send({ name: 'x', text: { en: 'Hi' }, districts: ['01'], schedule: { at: new Date(Date.now() + 3_600_000).toISOString() }, voiceRetryMinutes: [5] });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain('voiceRetryMinutes');
  });
});

describe('the menu at the end of a campaign call', () => {
  async function answeredCall() {
    const { pcode, subs } = await audience(['human']);
    const id = await runVoiceCampaign(pcode);
    const [row] = await rowsOf(id);
    return { id, row: row!, sid: sidOf(subs[0]!.phone), sub: subs[0]! };
  }

  it('when the listener presses 1, then the message is played again with the menu, and the replay is counted', async () => {
    const { id, row, sid } = await answeredCall();
    const res = await menuPost(row.id, sid, '1').expect(200);
    const replay = twimlOf(res.text);
    expect(replay.names).toEqual(['Say', 'Pause', 'Say', 'Gather', 'Say', 'Hangup']);
    expect(replay.verbs[3]!.attrs.action).toBe(`${BASE}${MENU}?o=${row.id}&t=0&r=1`);
    expect((await statsOf(id)).runs[0].calls).toMatchObject({ answered: 1, listenedToEnd: 1, replayed: 1, pressedStop: 0 });
    // After the last allowed replay: goodbye.
    expect(twimlOf((await menuPost(row.id, sid, '1', '&r=3').expect(200)).text).names).toEqual(['Say', 'Hangup']);
  });

  it('when the listener presses 9, then no more voice campaign calls reach them (SMS still do) and pressed 9 is counted', async () => {
    const { id, row, sid, sub } = await answeredCall();
    const res = await menuPost(row.id, sid, '9').expect(200);
    const { verbs, names } = twimlOf(res.text);
    expect(names).toEqual(['Say', 'Hangup']);
    expect(verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:stopped'));
    const stored = await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } });
    expect(stored.status).toBe('active');
    expect(stored.voiceOptedOutAt).toBeInstanceOf(Date);
    expect((await statsOf(id)).runs[0].calls).toMatchObject({ listenedToEnd: 1, pressedStop: 1 });

    // The next voice campaign skips them as opted out; an SMS campaign still reaches them.
    const next = await runVoiceCampaign(sub.districtPcode!);
    expect(await rowsOf(next)).toHaveLength(0);
    expect((await statsOf(next)).runs[0]).toMatchObject({ queued: 0, skipped: { optedOut: 1 } });
    const sms = await t.api('post', '/api/campaigns/').send({ name: 'SMS', text: { en: 'Hi {{district}}' }, districts: [sub.districtPcode], schedule: { at: new Date(Date.now() + 3_600_000).toISOString() }, draft: true });
    expect((await t.api('get', `/api/campaigns/${sms.body.id}`).expect(200)).body.audience.total).toBe(1);

    // START by SMS brings the calls back.
    await t.sms(sub.phone, 'START');
    expect((await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { id: sub.id } })).voiceOptedOutAt).toBeNull();
  });

  it('when the listener presses a key not in the menu, or nothing, then the menu is repeated twice and the call then ends politely', async () => {
    const { row, sid } = await answeredCall();
    const wrong = twimlOf((await menuPost(row.id, sid, '5').expect(200)).text);
    expect(wrong.names).toEqual(['Say', 'Gather', 'Say', 'Hangup']);
    expect(wrong.verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:wrongKey'));
    expect(wrong.verbs[1]!.attrs.action).toBe(`${BASE}${MENU}?o=${row.id}&t=1&r=0`);

    const silent = twimlOf((await menuPost(row.id, sid, '', '&t=1&r=0').expect(200)).text);
    expect(silent.names).toEqual(['Gather', 'Say', 'Hangup']);
    expect(gatherOf((await menuPost(row.id, sid, null, '&t=1').expect(200)).text).attrs.action).toBe(`${BASE}${MENU}?o=${row.id}&t=2&r=0`);

    const done = twimlOf((await menuPost(row.id, sid, '#', '&t=2').expect(200)).text);
    expect(done.names).toEqual(['Say', 'Hangup']);
    expect(done.verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:goodbye'));
  });
});

describe('outbound call webhooks that cannot be placed', () => {
  const unavailable = () => t.ctx.i18n.t('en', 'voice:unavailable');

  it('when parameters are missing, the call is not ours or the CallSid is another call\'s, then the documented TwiML, never a 500', async () => {
    const { pcode, subs } = await audience(['human']);
    const id = await runVoiceCampaign(pcode);
    const [row] = await rowsOf(id);
    const cases = [
      t.postTwilio(ANSWER, { CallSid: randomSid('CA') }), // no ?o
      t.postTwilio(`${ANSWER}?o=abc`, { CallSid: randomSid('CA') }),
      t.postTwilio(`${ANSWER}?o=${row!.id}`, {}), // no CallSid
      t.postTwilio(`${ANSWER}?o=2147483000`, { CallSid: randomSid('CA') }), // no such row
      t.postTwilio(`${MENU}?o=${row!.id}`, { CallSid: randomSid('CA'), Digits: '9' }), // another call's SID
    ];
    for (const c of cases) {
      const res = await c.expect(200).expect('content-type', /xml/);
      const { verbs, names } = twimlOf(res.text);
      expect(names).toEqual(['Say', 'Hangup']);
      expect(verbs[0]!.text).toBe(unavailable());
    }
    // The other call's "9" changed nothing.
    expect((await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { id: subs[0]!.id } })).voiceOptedOutAt).toBeNull();
  });

  it('when a request is unsigned or wrongly signed, then 403', async () => {
    await request(t.app).post(`${ANSWER}?o=1`).type('form').send({ CallSid: randomSid('CA') }).expect(403);
    await request(t.app).post(`${MENU}?o=1`).type('form').set('X-Twilio-Signature', 'bad').send({ CallSid: randomSid('CA'), Digits: '9' }).expect(403);
    await request(t.app).post('/webhooks/twilio/voice/status').type('form').send({ CallSid: randomSid('CA'), CallStatus: 'no-answer' }).expect(403);
  });
});
