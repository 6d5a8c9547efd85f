// Outside text at the edge: a villager's SMS is cleaned and always stored (never a 500, so never lost to
// Twilio's retries), a staff member's JSON string that cannot be stored is refused with a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone, randomSid } from '../support/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const SMS = '/webhooks/twilio/sms';
const stored = (messageSid: string) => t.ctx.prisma.inboundMessage.findUnique({ where: { messageSid } });

describe('inbound SMS with text Postgres or XML cannot hold', () => {
  it('when MediaUrl0 holds a NUL, then the answer is 200 and the message is stored with the cleaned URL', async () => {
    const url = 'https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0';
    const params = inboundSms(randomKhPhone(), 'mine near the well', { NumMedia: '1', MediaUrl0: `${url}\u0000` });

    const res = await t.postTwilio(SMS, params);

    expect(res.status).toBe(200);
    expect(await stored(params.MessageSid!)).toMatchObject({ body: 'mine near the well', numMedia: 1, mediaUrls: [url] });
  });

  it('when a MediaUrl is not an http(s) URL once cleaned, then it is dropped and the message is still stored', async () => {
    const params = inboundSms(randomKhPhone(), 'photo attached', { NumMedia: '2', MediaUrl0: 'javascript\u0000:alert(1)', MediaUrl1: 'not a url' });

    const res = await t.postTwilio(SMS, params);

    expect(res.status).toBe(200);
    expect(await stored(params.MessageSid!)).toMatchObject({ numMedia: 0, mediaUrls: [] });
  });

  it('when the body holds U+FFFE and U+FFFF, then every attempt is answered 200 and the message is stored without them', async () => {
    const params = inboundSms(randomKhPhone(), 'JOIN\uFFFE Mongkol\uFFFF Borei');

    const first = await t.postTwilio(SMS, params);
    const retry = await t.postTwilio(SMS, params);

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(first.text).not.toMatch(/\uFFFE|\uFFFF/);
    expect(await stored(params.MessageSid!)).toMatchObject({ body: 'JOIN Mongkol Borei' });
  });

  // (A lone surrogate cannot cross a form post: it is not UTF-8, and arrives as U+FFFD. JSON can carry one.)
  it('when the body holds NUL, C0/C1 controls and other noncharacters, then they are removed and the rest kept in NFC', async () => {
    const params = inboundSms(randomKhPhone(), 'a\u0000b\u0007c\u0085d\uFDD0e\u{1FFFF}fgh😀 Cafe\u0301\r\nline');

    const res = await t.postTwilio(SMS, params);

    expect(res.status).toBe(200);
    expect(await stored(params.MessageSid!)).toMatchObject({ body: 'abcdefgh😀 Café\nline' });
  });

  it('when From carries a NUL, then it is cleaned and the message stored', async () => {
    const phone = randomKhPhone();
    const params = inboundSms(`${phone}\u0000`, 'help');

    const res = await t.postTwilio(SMS, params);

    expect(res.status).toBe(200);
    expect(await stored(params.MessageSid!)).toMatchObject({ fromPhone: phone });
  });
});

describe('team NOTE cut at 1,600 characters', () => {
  it('when the 1,600th character of a NOTE is half of an emoji, then the note is stored whole-character and the contact gets the confirmation', async () => {
    const p = t.ctx.prisma;
    const team = await p.clearanceTeam.create({ data: { name: `Edge team ${randomSid('T')}` } });
    const contact = await p.teamContact.create({ data: { teamId: team.id, name: 'Sokha', phone: randomKhPhone(), language: 'en', position: 0 } });
    const report = await p.hazardReport.create({
      data: { status: 'dispatched', priority: 'normal', deviceClass: 'uxo', originalText: 'bomb', reporterPhone: randomKhPhone(), locale: 'en', teamId: team.id },
    });
    // UTF-16 unit 1,599 of the note is the high half of 😀.
    const note = `${'a'.repeat(1599)}😀 more`;
    const params = inboundSms(contact.phone, `NOTE ${report.id} ${note}`);

    const res = await t.postTwilio(SMS, params);
    await t.inbound.drain();

    expect(res.status).toBe(200);
    expect(await stored(params.MessageSid!)).toMatchObject({ handledAs: 'team:note', reportId: report.id });
    const event = await p.reportEvent.findFirstOrThrow({ where: { reportId: report.id, kind: 'note' } });
    expect(event.note).toBe(`${'a'.repeat(1599)}😀`);
  });
});

describe('JSON API strings that cannot be stored', () => {
  const team = (over: Record<string, unknown> = {}) => ({
    name: `Team ${Math.random().toString(36).slice(2, 8)}`,
    coverage: [],
    contacts: [{ name: 'Leader', phone: randomKhPhone(), language: 'km' }],
    ...over,
  });
  const invalidText = (res: { status: number; body: unknown }, path: string) => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'validation_failed', details: [{ path, code: 'invalid_text', message: expect.any(String) }] },
    });
  };

  it('when a team name holds a NUL, then it is 400 naming the field and nothing is stored', async () => {
    const body = team({ name: `Kampot\u0000 ${randomSid('N')}` });

    const res = await t.api('post', '/api/teams').send(body);

    invalidText(res, 'name');
    expect((res.body as { error: { details: { message: string }[] } }).error.details[0]!.message).toMatch(/NUL/);
    expect(await t.ctx.prisma.clearanceTeam.count({ where: { name: { startsWith: 'Kampot' } } })).toBe(0);
  });

  it('when a contact name deep in the body holds a lone surrogate, then it is 400 naming its path', async () => {
    const res = await t.api('post', '/api/teams').send(team({ contacts: [{ name: 'Dara\uD83D', phone: randomKhPhone(), language: 'km' }] }));

    invalidText(res, 'contacts.0.name');
  });

  it('when a campaign name holds a lone surrogate, then it is 400 naming the field', async () => {
    const res = await t.api('post', '/api/campaigns').send({ name: '\uDE00 rainy season', messageId: 'x', channel: 'sms' });

    invalidText(res, 'name');
  });

  it('when an assignee holds a NUL, then it is 400 naming the field and the report is unchanged', async () => {
    const report = await t.ctx.prisma.hazardReport.create({
      data: { status: 'triaged', priority: 'normal', deviceClass: 'uxo', originalText: 'bomb', reporterPhone: randomKhPhone(), locale: 'en' },
    });

    const res = await t.api('patch', `/api/reports/${report.id}`).send({ assignee: 'Sokha\u0000' });

    invalidText(res, 'assignee');
    expect(await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ assignee: null });
  });

  it('when strings are fine (tabs, newlines, Khmer, emoji, decomposed accents), then the request goes through in NFC', async () => {
    const name = `Equipo Pe\u0301rez ${randomSid('N')}`;

    const res = await t.api('post', '/api/teams').send(team({ name }));

    expect(res.status).toBe(201);
    expect(await t.ctx.prisma.clearanceTeam.findFirst({ where: { name: name.normalize('NFC') } })).not.toBeNull();
  });
});
