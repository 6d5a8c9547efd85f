import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signTwilio, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
});
afterAll(() => t.close());

const SMS = '/webhooks/twilio/sms';

// The webhook stores and answers an empty TwiML; the reply is what the inbound worker queued in the outbox.
const send = (from: string, body: string, extra: Record<string, string> = {}) => t.sms(from, body, extra);

const subscriber = (phone: string) => t.ctx.prisma.subscriber.findUnique({ where: { phone } });

describe('JOIN', () => {
  it('when a new Cambodian number sends JOIN Mongkol Borei, then it is subscribed to 0102 and answered in Khmer', async () => {
    const phone = randomKhPhone();
    const { reply } = await send(phone, 'JOIN Mongkol Borei');

    const sub = await subscriber(phone);
    expect(sub).toMatchObject({ status: 'active', districtPcode: '0102', language: 'km' });
    expect(reply).toContain('មង្គលបូរី');
    expect(reply).toMatch(/[\u1780-\u17ff]/);
    const inbound = await t.ctx.prisma.inboundMessage.findMany({ where: { fromPhone: phone } });
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ handledAs: 'keyword:join', subscriberId: sub!.id, body: 'JOIN Mongkol Borei' });
  });

  it('when JOIN is written in Khmer script with the Khmer district name, then it subscribes', async () => {
    const phone = randomKhPhone();
    const { reply } = await send(phone, 'ចូលរួម មង្គលបូរី');
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0102', language: 'km' });
    expect(reply).toContain('មង្គលបូរី');
  });

  it('when JOIN has no place, then it asks which district and the next bare answer completes the join', async () => {
    const phone = randomKhPhone();
    const first = await send(phone, 'join');
    expect(first.reply).toBe(t.ctx.i18n.t('km', 'join.askDistrict'));
    expect(await subscriber(phone)).toMatchObject({ status: 'pending', districtPcode: null });

    const second = await send(phone, 'Phnum Srok');
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0103' });
    expect(second.reply).toContain('ភ្នំស្រុក');
  });

  it('when the place is unknown, then it says so, naming what was sent, and subscribes nothing', async () => {
    const phone = randomKhPhone();
    const { reply } = await send(phone, 'LANG EN');
    expect(reply).toBe('Language set to English.');
    const res = await send(phone, 'JOIN Atlantis');
    expect(res.reply).toContain('Atlantis');
    expect(await subscriber(phone)).toMatchObject({ status: 'pending', districtPcode: null, language: 'en' });
  });

  it('when a Colombian number writes in Spanish, then the reply is Spanish', async () => {
    const phone = '+573001234567';
    const { reply } = await send(phone, 'AYUDA');
    expect(await subscriber(phone)).toMatchObject({ language: 'es' });
    expect(reply).toBe(t.ctx.i18n.t('es', 'help.text', { emergency: '123' }));
  });
});

describe('STOP and START', () => {
  it('when a subscriber sends STOP, then it is opted out, confirmed once, and a second STOP gets no reply', async () => {
    const phone = randomKhPhone();
    await send(phone, 'JOIN Pailin');
    const stop = await send(phone, 'stop');
    expect(stop.reply).toBe(t.ctx.i18n.t('km', 'stop.confirmed'));
    const sub = await subscriber(phone);
    expect(sub).toMatchObject({ status: 'opted_out', districtPcode: '2401' });
    expect(sub!.optedOutAt).toBeInstanceOf(Date);

    const again = await send(phone, 'UNSUBSCRIBE');
    expect(again.reply).toBeNull();
    const lang = await send(phone, 'LANG EN');
    expect(lang.reply).toBeNull();
    expect(await subscriber(phone)).toMatchObject({ status: 'opted_out', language: 'en' });
    const audit = await t.ctx.prisma.auditLog.findMany({ where: { entityId: String(sub!.id), action: 'subscriber.opt_out' } });
    expect(audit).toHaveLength(1);
  });

  it.each(['STOPALL', 'Cancel', 'end.', 'QUIT', 'ឈប់'])('when %s is sent, then the number is opted out', async (word) => {
    const phone = randomKhPhone();
    await send(phone, word);
    expect(await subscriber(phone)).toMatchObject({ status: 'opted_out' });
  });

  it('when "stop" starts a longer message, then it is not an opt-out but a report with the safety advice', async () => {
    const phone = randomKhPhone();
    await send(phone, 'LANG EN');
    const { reply, params } = await send(phone, 'Stop! there is a mine near my house');
    expect(reply).toContain(t.ctx.i18n.t('en', 'safety.reply'));
    expect(await subscriber(phone)).toMatchObject({ status: 'inactive' });
    const inbound = await t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: params.MessageSid } });
    expect(inbound.handledAs).toMatch(/^report/);
    expect(inbound.reportId).not.toBeNull();
  });

  it('when an opted-out number sends START, then its district subscription resumes', async () => {
    const phone = randomKhPhone();
    await send(phone, 'JOIN Samlout');
    await send(phone, 'STOP');
    const { reply } = await send(phone, 'START');
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0209' });
    expect(reply).toContain('សំឡូត');
  });
});

describe('retries and bad input', () => {
  it('when Twilio retries a MessageSid, then the same reply comes back and nothing changes', async () => {
    const phone = randomKhPhone();
    const first = await send(phone, 'JOIN Mongkol Borei');
    const before = await subscriber(phone);
    const retry = await t.postTwilio(SMS, first.params).expect(200);
    expect(retry.text).toBe(first.res.text);
    await t.inbound.drain();
    expect(await subscriber(phone)).toEqual(before);
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone, kind: 'reply' } })).toBe(1);
    expect(await t.ctx.prisma.inboundMessage.count({ where: { messageSid: first.params.MessageSid } })).toBe(1);
    // A retried STOP after a later START must not opt the number out again.
    const stop = await send(phone, 'STOP');
    await send(phone, 'START');
    await t.postTwilio(SMS, stop.params).expect(200);
    await t.inbound.drain();
    expect(await subscriber(phone)).toMatchObject({ status: 'active' });
  });

  it('when the webhook is unsigned or wrongly signed, then it is 403 and nothing is stored', async () => {
    const params = inboundSms(randomKhPhone(), 'JOIN Pailin');
    const unsigned = await request(t.app).post(SMS).type('form').send(params).expect(403);
    expect(unsigned.body.error).toMatchObject({ code: 'invalid_signature' });
    expect(unsigned.body.error.requestId).toBeTruthy();
    const wrongToken = signTwilio(SMS, params, 'not-the-token');
    await request(t.app).post(SMS).type('form').set('X-Twilio-Signature', wrongToken).send(params).expect(403);
    const tampered = signTwilio(SMS, params);
    await request(t.app).post(SMS).type('form').set('X-Twilio-Signature', tampered).send({ ...params, Body: 'STOP' }).expect(403);
    expect(await t.ctx.prisma.inboundMessage.count({ where: { messageSid: params.MessageSid } })).toBe(0);
    expect(await subscriber(params.From!)).toBeNull();
  });

  it('when required fields are missing, then it is 400 in the error shape', async () => {
    const params = { MessageSid: 'SMx', Body: 'hi' };
    const res = await t.postTwilio(SMS, params).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['From', 'To']));
  });

  it('when the body is JSON, then it is 415', async () => {
    const res = await request(t.app).post(SMS).send({ From: '+85512345678' }).expect(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('when a 1,600-character text with emoji and control bytes arrives, then it is stored cleanly and answered', async () => {
    const phone = randomKhPhone();
    const body = `${'មីន💣 near school \u0000\u0007\u001b '.repeat(60)}`.slice(0, 1600);
    const { reply, params } = await send(phone, body);
    expect(reply).toContain(t.ctx.i18n.t('km', 'safety.reply'));
    const stored = await t.ctx.prisma.inboundMessage.findUnique({ where: { messageSid: params.MessageSid } });
    expect(stored!.body).not.toMatch(/[\u0000-\u0008\u001b]/);
    expect(stored!.body).toContain('មីន💣 near school');
    expect(stored!.handledAs).toMatch(/^report/);
  });

  it('when the sender is not a phone number, then the message is kept as a report and the safety advice sent', async () => {
    const { reply, params } = await send('SHORTCODE', 'hello');
    const stored = await t.ctx.prisma.inboundMessage.findUnique({ where: { messageSid: params.MessageSid } });
    expect(stored).toMatchObject({ fromPhone: 'SHORTCODE', subscriberId: null, state: 'handled' });
    expect(stored!.handledAs).toMatch(/^report/);
    // The advice is recorded, but an SMS cannot be sent to a short code or an alphanumeric sender.
    expect(stored!.replyText).toContain(t.ctx.i18n.t('en', 'safety.reply'));
    expect(reply).toBeNull();
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: 'SHORTCODE' } })).toBe(0);
  });
});

describe('YES after "did you mean"', () => {
  it('when JOIN names a district unsurely and the number answers YES, then it is subscribed to the suggested district', async () => {
    const phone = randomKhPhone();
    const first = await send(phone, 'JOIN Mongkul Borie');
    expect(first.reply).toBe(t.ctx.i18n.t('km', 'join.suggest', { district: 'មង្គលបូរី' }));
    expect(await subscriber(phone)).toMatchObject({ status: 'pending', pendingJoinPcode: '0102' });

    const { reply, inbound } = await send(phone, 'YES');

    expect(inbound.handledAs).toBe('keyword:yes:join');
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0102', pendingJoinPcode: null });
    expect(reply).toBe(t.ctx.i18n.t('km', 'join.confirmed', { district: 'មង្គលបូរី' }));
    expect(reply).not.toContain(t.ctx.i18n.t('km', 'start.needDistrict'));
  });

  it.each(['បាទ', 'ចាស', 'បាទ\u200b', 'ok', '1', 'ແມ່ນ', 'SÍ', 'vale'])('when the answer is %s, then the join completes the same way', async (word) => {
    const phone = randomKhPhone();
    await send(phone, 'JOIN Mongkul Borie');
    const { reply } = await send(phone, word);
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0102' });
    expect(reply).toMatch(/មង្គលបូរី|Mongkol Borey/);
  });

  it('when an English reader answers YES, then the confirmation names the district in Latin script', async () => {
    const phone = randomKhPhone();
    await send(phone, 'LANG en');
    expect((await send(phone, 'JOIN Mongkul Borie')).reply).toContain('Mongkol Borey');
    expect((await send(phone, 'yes')).reply).toBe(t.ctx.i18n.t('en', 'join.confirmed', { district: 'Mongkol Borey' }));
  });

  it('when a number that never opted out sends YES with nothing pending, then it is not welcomed back', async () => {
    const phone = randomKhPhone();
    const { reply, inbound } = await send(phone, 'YES');
    expect(inbound.handledAs).toBe('keyword:yes:nothing');
    expect(reply).toBe(t.ctx.i18n.t('km', 'yes.nothing'));
    expect(await subscriber(phone)).toMatchObject({ status: 'inactive', districtPcode: null });
  });

  it('when the suggestion has expired, then YES no longer subscribes', async () => {
    const phone = randomKhPhone();
    await send(phone, 'JOIN Mongkul Borie');
    t.clock.advance(25 * 3_600_000);
    await send(phone, 'YES');
    expect(await subscriber(phone)).toMatchObject({ districtPcode: null });
  });

  it('when an opted-out number sends YES, then it opts back in as carriers expect', async () => {
    const phone = randomKhPhone();
    await send(phone, 'JOIN Mongkol Borei');
    await send(phone, 'STOP');
    await send(phone, 'YES');
    expect(await subscriber(phone)).toMatchObject({ status: 'active', districtPcode: '0102' });
  });
});
