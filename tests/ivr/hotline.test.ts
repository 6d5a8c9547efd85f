// The voice hotline end to end: signed posts exactly as Twilio makes them, the TwiML parsed, the stored call,
// report, subscriber and outbox asserted.
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_BASE_URL, type TestApp } from '../support/app.js';
import { randomKhPhone, randomSid } from '../support/factories.js';
import { find, findAll, parseXml, type XmlElement } from '../support/twiml.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { generatePromptPlaceholders } from '../../src/content/prompt-audio.js';
import { loadResources } from '../../src/lib/i18n.js';

const VA_PHONE = '+85512999001';
const LEADER = '+85512000301';
const HOOK = 'https://team.example.org/hook';
const ACCOUNT = `AC${'0'.repeat(32)}`;

let t: TestApp;

beforeAll(async () => {
  generatePromptPlaceholders({ resources: loadResources() });
  t = await createTestApp({ VICTIM_ASSISTANCE_PHONE: VA_PHONE, EMERGENCY_NUMBER: '119' });
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  await t.ctx.prisma.clearanceTeam.create({
    data: {
      name: 'CMAC voice test',
      webhookUrl: HOOK,
      webhookSecret: 'secret-0123456789',
      coverages: { create: [{ pcode: '01' }] },
      contacts: { create: [{ name: 'Leader', phone: LEADER, language: 'en', position: 0 }] },
    },
  });
});
afterAll(() => t.close());

interface Screen {
  xml: XmlElement;
  /** The next post's path (from <Gather>/<Record> action), relative to the public base URL. */
  action: string | null;
  says: string[];
  plays: string[];
}

function screenOf(res: request.Response): Screen {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/xml/);
  const xml = parseXml(res.text);
  expect(xml.name).toBe('Response');
  const next = find(xml, 'Gather') ?? find(xml, 'Record');
  const action = next?.attrs.action ?? null;
  if (action) expect(action.startsWith(PUBLIC_BASE_URL)).toBe(true);
  return {
    xml,
    action: action ? action.slice(PUBLIC_BASE_URL.length) : null,
    says: findAll(xml, 'Say').map((s) => s.text),
    plays: findAll(xml, 'Play').map((p) => p.text),
  };
}

/** A caller on the line: each method posts what Twilio would, signed, and returns the parsed TwiML. */
function caller(from = randomKhPhone()) {
  const callSid = randomSid('CA');
  const base = { CallSid: callSid, AccountSid: ACCOUNT, From: from, To: '+85523000000', CallStatus: 'in-progress', Direction: 'inbound' };
  let last: Screen | null = null;
  const seen: Screen[] = [];
  const keep = (s: Screen) => {
    last = s;
    seen.push(s);
    return s;
  };
  return {
    callSid,
    from,
    seen,
    get last() {
      return last!;
    },
    async dial() {
      return keep(screenOf(await t.postTwilio('/webhooks/twilio/voice', { ...base, CallStatus: 'ringing' })));
    },
    async press(digits: string | null, extra: Record<string, string> = {}) {
      const params: Record<string, string> = { ...base, ...extra };
      if (digits !== null) params.Digits = digits;
      return keep(screenOf(await t.postTwilio(last!.action!, params)));
    },
    async recordingCallback(url: string) {
      return t.postTwilio('/webhooks/twilio/voice/recording', {
        ...base, RecordingUrl: url, RecordingSid: randomSid('RE'), RecordingDuration: '17', RecordingStatus: 'completed',
      });
    },
    async hangUp() {
      return t.postTwilio('/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: '40' });
    },
  };
}

const call = (sid: string) => t.ctx.prisma.ivrCall.findUniqueOrThrow({ where: { callSid: sid } });

describe('voice hotline: a report by keypad', () => {
  it('when a new Cambodian number reports in Khmer with a casualty, then one critical routed report with the recording, an alert with its link and a referral', async () => {
    const c = caller();
    const lang = await c.dial();
    // The language menu: each language in its own voice; Khmer and Lao are recordings (<Play>), es/en <Say>.
    expect(lang.plays).toContain(`${PUBLIC_BASE_URL}/audio/prompts/km/lang.choose.wav`);
    expect(lang.plays).toContain(`${PUBLIC_BASE_URL}/audio/prompts/lo/lang.choose.wav`);
    expect(lang.says.join(' ')).toContain('Para español, marque 3.');
    expect(lang.says.join(' ')).toContain('For English, press 4.');
    expect(find(lang.xml, 'Gather')?.attrs).toMatchObject({ numDigits: '1', input: 'dtmf', actionOnEmptyResult: 'true' });

    const menu = await c.press('1');
    expect(menu.plays).toEqual([`${PUBLIC_BASE_URL}/audio/prompts/km/menu.main.wav`]);
    const sub = await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { phone: c.from } });
    expect(sub).toMatchObject({ language: 'km', languageSource: 'chosen' });

    const province = await c.press('1');
    // The safety advice comes first, then the provinces of Cambodia as numbered choices.
    expect(province.plays[0]).toBe(`${PUBLIC_BASE_URL}/audio/prompts/km/report.safety.wav`);
    expect(province.plays[1]).toBe(`${PUBLIC_BASE_URL}/audio/prompts/km/report.province.wav`);
    expect(province.says).toContain('Banteay Meanchey');
    expect(await t.ctx.prisma.hazardReport.count({ where: { reporterPhone: c.from } })).toBe(0);

    const district = await c.press('1'); // Banteay Meanchey: the report exists from this first answer
    const created = await t.ctx.prisma.hazardReport.findFirstOrThrow({ where: { reporterPhone: c.from } });
    expect(created).toMatchObject({ channel: 'voice', provincePcode: '01', status: 'triaged' });
    expect(district.says[0]).toBe('Mongkol Borey'); // 0102 is the first district of 01

    const device = await c.press('1'); // Mongkol Borey (no communes in the demo gazetteer: straight to the device)
    expect(device.plays).toEqual([`${PUBLIC_BASE_URL}/audio/prompts/km/report.device.wav`]);
    await c.press('1'); // a mine
    const record = await c.press('1'); // someone is hurt
    // The emergency number before anything else, digit by digit in Khmer recordings, then the recording.
    expect(record.plays.slice(0, 5)).toEqual([
      `${PUBLIC_BASE_URL}/audio/prompts/km/report.emergency.wav`,
      `${PUBLIC_BASE_URL}/audio/prompts/km/digit.1.wav`,
      `${PUBLIC_BASE_URL}/audio/prompts/km/digit.1.wav`,
      `${PUBLIC_BASE_URL}/audio/prompts/km/digit.9.wav`,
      `${PUBLIC_BASE_URL}/audio/prompts/km/report.emergencySafe.wav`,
    ]);
    const rec = find(record.xml, 'Record')!;
    expect(rec.attrs).toMatchObject({ maxLength: '120', recordingStatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/voice/recording` });

    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${randomSid('RE')}`;
    expect((await c.recordingCallback(recordingUrl)).status).toBe(204);
    const end = await c.press(null, { RecordingUrl: recordingUrl, RecordingDuration: '17', Digits: '#' });
    expect(find(end.xml, 'Hangup')).toBeDefined();
    expect(end.plays[0]).toBe(`${PUBLIC_BASE_URL}/audio/prompts/km/report.thanks.wav`);

    const reports = await t.ctx.prisma.hazardReport.findMany({ where: { reporterPhone: c.from } });
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report).toMatchObject({
      channel: 'voice', districtPcode: '0102', provincePcode: '01', deviceClass: 'ap_mine', casualties: true,
      priority: 'critical', status: 'dispatched', recordingUrl, locale: 'km',
    });
    expect(report.recordingLink).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/r/[A-Za-z0-9_-]{16}$`));

    const outbox = await t.ctx.prisma.outboxMessage.findMany({ where: { reportId: report.id } });
    const alert = outbox.find((o) => o.kind === 'alert');
    expect(alert?.recipient).toBe(LEADER);
    expect(alert?.body).toContain(report.recordingLink!);
    const hook = outbox.find((o) => o.kind === 'webhook');
    expect(JSON.parse(hook!.body).report.recording.link).toBe(report.recordingLink);
    const referral = outbox.find((o) => o.kind === 'referral');
    expect(referral?.recipient).toBe(VA_PHONE);

    // The link opens the recording.
    const link = await request(t.app).get(new URL(report.recordingLink!).pathname);
    expect(link.status).toBe(302);
    expect(link.headers.location).toBe(`${recordingUrl}.mp3`);

    // Every <Play> URL of the call is served by the app as WAV.
    const urls = new Set(c.seen.flatMap((s) => s.plays));
    for (const url of urls) {
      const res = await request(t.app).get(url.slice(PUBLIC_BASE_URL.length));
      expect(res.status, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^audio\/(x-)?wav/);
    }

    const row = await call(c.callSid);
    expect(row).toMatchObject({ reportId: report.id, recordingUrl, recordingDuration: 17, step: 'end' });
  });

  it('when the caller hangs up right after choosing the district, then the report is still routed', async () => {
    const c = caller();
    await c.dial();
    await c.press('4'); // English
    await c.press('1'); // report
    await c.press('1'); // Banteay Meanchey
    const device = await c.press('2'); // Phnum Srok
    expect(device.says[0]).toContain('What did you see?');
    const before = await t.ctx.prisma.hazardReport.findFirstOrThrow({ where: { reporterPhone: c.from } });
    expect(before.status).toBe('triaged');

    expect((await c.hangUp()).status).toBe(204);
    const report = await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: before.id } });
    expect(report).toMatchObject({ status: 'dispatched', districtPcode: '0103', provincePcode: '01', deviceClass: 'unknown', casualties: false });
    const alert = await t.ctx.prisma.outboxMessage.findFirstOrThrow({ where: { reportId: report.id, kind: 'alert' } });
    expect(alert.recipient).toBe(LEADER);
    expect(await call(c.callSid)).toMatchObject({ status: 'completed' });
    // A second status callback changes nothing.
    expect((await c.hangUp()).status).toBe(204);
    expect(await t.ctx.prisma.alert.count({ where: { reportId: report.id } })).toBe(1);
  });

  it('when Twilio retries a turn, then the same TwiML comes back and nothing happens twice', async () => {
    const c = caller();
    await c.dial();
    await c.press('4');
    await c.press('1');
    const action = c.last.action!;
    const params = { CallSid: c.callSid, AccountSid: ACCOUNT, From: c.from, To: '+85523000000', CallStatus: 'in-progress', Digits: '1' };
    const first = await t.postTwilio(action, params);
    const turn = (await call(c.callSid)).turn;
    const retry = await t.postTwilio(action, params);
    expect(retry.text).toBe(first.text);
    expect((await call(c.callSid)).turn).toBe(turn);
    expect(await t.ctx.prisma.hazardReport.count({ where: { reporterPhone: c.from } })).toBe(1);
    // A retried incoming-call webhook replays the last answer too.
    const again = await t.postTwilio('/webhooks/twilio/voice', { ...params, Digits: '' });
    expect(again.text).toBe(first.text);
  });
});

describe('voice hotline: menus, keys and bad requests', () => {
  it('when the caller presses a wrong key or stays silent, then the prompt is repeated twice and the call ends politely', async () => {
    const c = caller();
    await c.dial();
    await c.press('4');
    const wrong = await c.press('7');
    expect(wrong.says[0]).toMatch(/^Sorry, we did not get that\. To report a mine/);
    const silent = await c.press(null);
    expect(silent.says[0]).toMatch(/^Sorry, we did not get that\./);
    const end = await c.press('#');
    expect(end.says.join(' ')).toContain('Thank you for calling Hazardline. Goodbye.');
    expect(find(end.xml, 'Hangup')).toBeDefined();
  });

  it('when a known subscriber calls, then the language menu is skipped; 3 subscribes by keypad with an SMS confirmation', async () => {
    const phone = randomKhPhone();
    await t.ctx.prisma.subscriber.create({ data: { phone, language: 'es', languageSource: 'chosen' } });
    const c = caller(phone);
    const menu = await c.dial();
    expect(menu.says.join(' ')).toContain('Para reportar una mina');
    await c.press('3');
    await c.press('1'); // Banteay Meanchey
    const confirm = await c.press('1'); // Mongkol Borey
    expect(confirm.says.join(' ')).toContain('Usted eligió Mongkol Borey');
    const done = await c.press('1');
    expect(find(done.xml, 'Hangup')).toBeDefined();
    const sub = await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { phone } });
    expect(sub).toMatchObject({ status: 'active', districtPcode: '0102' });
    const sms = await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `ivr:${c.callSid}:subscribed` } });
    expect(sms).toMatchObject({ recipient: phone, kind: 'reply', body: t.ctx.i18n.t('es', 'join.confirmed', { district: 'Mongkol Borey' }) });
  });

  it('when the caller presses 4 then 1, then the number is opted out', async () => {
    const phone = randomKhPhone();
    await t.ctx.prisma.subscriber.create({ data: { phone, language: 'en', languageSource: 'chosen', status: 'active', districtPcode: '0102' } });
    const c = caller(phone);
    await c.dial();
    await c.press('4');
    await c.press('1');
    expect((await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { phone } })).status).toBe('opted_out');
  });

  it('when the caller listens to safety messages, then # plays the next, * repeats and 0 goes back to the menu', async () => {
    const phone = randomKhPhone();
    await t.ctx.prisma.subscriber.create({ data: { phone, language: 'en', languageSource: 'chosen' } });
    const c = caller(phone);
    await c.dial();
    const first = await c.press('2');
    expect(first.says.join(' ')).toContain('Safety messages.');
    const firstText = first.says.join(' ');
    const second = await c.press('#');
    expect(second.says.join(' ')).not.toBe(firstText);
    const again = await c.press('*');
    expect(again.says).toEqual(second.says);
    const menu = await c.press('0');
    expect(menu.says.join(' ')).toContain('To report a mine');
  });

  it('when our missed-call callback is answered, then the hotline greets the villager (To), not our own number (From)', async () => {
    const villager = randomKhPhone();
    const callSid = randomSid('CA');
    const res = await t.postTwilio('/webhooks/twilio/voice?o=1', {
      CallSid: callSid, AccountSid: ACCOUNT, From: '+85523000000', To: villager, CallStatus: 'in-progress', Direction: 'outbound-api',
    });
    expect(res.status).toBe(200);
    expect(find(parseXml(res.text), 'Gather')).toBeDefined();
    expect(await call(callSid)).toMatchObject({ fromPhone: villager, toPhone: '+85523000000' });
  });

  it('when a post is unsigned, then 403; without CallSid, then the apology TwiML; a bad recording callback is 400', async () => {
    const unsigned = await request(t.app).post('/webhooks/twilio/voice').type('form').send({ CallSid: randomSid('CA'), From: '+85512345678' });
    expect(unsigned.status).toBe(403);
    const missing = await t.postTwilio('/webhooks/twilio/voice', { From: '+85512345678', AccountSid: ACCOUNT });
    const xml = parseXml(missing.text);
    expect(missing.status).toBe(200);
    expect(findAll(xml, 'Say')[0]?.text).toContain('If someone is hurt, call 1 1 9');
    expect(find(xml, 'Hangup')).toBeDefined();
    const badStep = await t.postTwilio('/webhooks/twilio/voice/step?t=abc', { CallSid: randomSid('CA'), From: '+85512345678' });
    expect(badStep.status).toBe(200);
    expect(find(parseXml(badStep.text), 'Hangup')).toBeDefined();
    expect((await t.postTwilio('/webhooks/twilio/voice/recording', { RecordingUrl: 'https://x.test/r' })).status).toBe(400);
    expect((await t.postTwilio('/webhooks/twilio/voice/status', { CallSid: randomSid('CA'), CallStatus: 'completed', From: '+1' })).status).toBe(204);
    expect((await request(t.app).get('/r/not-a-real-token-123')).status).toBe(404);
  });
});
