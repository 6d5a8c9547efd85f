// /api/campaigns on a real database: creating (and every way a request is refused), reading with audience
// and stats, previews with cost, the status controls, and the public audio files.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_BASE_URL, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { loadContentLibrary } from '../../src/content/library.js';
import { useContentLibrary } from '../../src/campaigns/campaign-content.js';
import { smsSegments } from '../../src/messaging/sms-segments.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

let t: TestApp;
let libraryDir: string;
const URL = '/api/campaigns';
const NOW = '2026-11-23T00:00:00.000Z'; // a Monday, 07:00 in Phnom Penh

// A small content library of its own, so the tests do not move with the real content.
const TEXTS = {
  en: { sms: 'Never touch a strange object in {{district}}. Call {{hotline}}.', voice: 'Never touch a strange object in {{district}}.' },
  km: { sms: 'កុំប៉ះវត្ថុចម្លែកនៅ {{district}}។ ទូរស័ព្ទ {{hotline}}' },
  es: { sms: 'Nunca toque un objeto extraño en {{district}}. Llame al {{hotline}}.', voice: 'Nunca toque un objeto extraño en {{district}}.' },
  lo: { sms: 'ຢ່າແຕະວັດຖຸແປກ {{district}} ໂທ {{hotline}}' },
} as const;

function installLibrary() {
  libraryDir = mkdtempSync(join(tmpdir(), 'hazardline-content-'));
  const message = (id: string, channels: string[], audio: Record<string, string> = {}) =>
    writeFileSync(
      join(libraryDir, `${id}.json`),
      JSON.stringify({
        id,
        topic: 'recognise',
        channels,
        sms: `messages:${id}.sms`,
        ...(channels.includes('voice') ? { voice: `messages:${id}.voice` } : {}),
        audio,
        review: { status: 'draft' },
      }),
    );
  message('tst-001', ['sms', 'voice'], { km: 'audio/km/tst-001.wav' });
  message('tst-002', ['sms']);
  mkdirSync(join(libraryDir, 'audio', 'km'), { recursive: true });
  writeFileSync(join(libraryDir, 'audio', 'km', 'tst-001.wav'), 'RIFF');
  useContentLibrary(t.ctx, loadContentLibrary(libraryDir));
  const resources = t.ctx.i18n.resources as Record<string, Record<string, Record<string, unknown>>>;
  for (const [lng, texts] of Object.entries(TEXTS)) {
    const ns = (resources[lng]!.messages ??= {});
    ns['tst-001'] = texts;
    // tst-002 exists in English and Khmer only.
    if (lng === 'en' || lng === 'km') ns['tst-002'] = { sms: `${texts.sms} (2)` };
  }
}

const seed = (data: Partial<Prisma.SubscriberUncheckedCreateInput>, n = 1) =>
  t.ctx.prisma.subscriber.createMany({
    data: Array.from({ length: n }, () => ({ phone: randomKhPhone(), status: 'active' as const, language: 'en', districtPcode: '0102', ...data })),
  });

beforeAll(async () => {
  t = await createTestApp({ SMS_SEGMENT_PRICE: '0.1', SMS_SEGMENT_PRICES: '{"LA":0.25}', CAMPAIGN_HOTLINE: '1297' });
  t.clock.set(NOW);
  await t.ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borei', nameLocal: 'មង្គលបូរី' },
      { pcode: '0103', level: 'district', parentPcode: '01', nameEn: 'Phnum Srok', nameLocal: 'ភ្នំស្រុក' },
      { pcode: '010201', level: 'commune', parentPcode: '0102', nameEn: 'Banteay Neang' },
      { pcode: '02', level: 'province', nameEn: 'Battambang' },
      { pcode: '0203', level: 'district', parentPcode: '02', nameEn: 'Bavel' },
      { pcode: '09', level: 'province', nameEn: 'Koh Kong' },
      { pcode: 'LA15', level: 'province', country: 'LA', nameEn: 'Xekong' },
      { pcode: 'LA1501', level: 'district', parentPcode: 'LA15', country: 'LA', nameEn: 'Lamarm', nameLocal: 'ລະມາມ' },
    ],
  });
  installLibrary();
  // Province 01: 0102 has en 3, km 2, es 1, lo 1 (+1 opted out, +1 invalid number); 0103 has en 1, km 2.
  await seed({ language: 'en' }, 3);
  await seed({ language: 'km' }, 2);
  await seed({ language: 'es' });
  await seed({ language: 'lo' });
  await seed({ language: 'en', status: 'opted_out', optedOutAt: new Date() });
  await seed({ language: 'km', numberInvalidAt: new Date() });
  await seed({ language: 'en', districtPcode: '0103' });
  await seed({ language: 'km', districtPcode: '0103' }, 2);
  await seed({ language: 'en', districtPcode: '0203' }, 2);
  await seed({ language: 'lo', districtPcode: 'LA1501' }, 2);
  await seed({ language: 'en', districtPcode: 'LA1501' });
});
afterAll(async () => {
  await t.close();
  rmSync(libraryDir, { recursive: true, force: true });
});

const weekly = { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh' };
// The test library is not reviewed: campaigns from it say so explicitly (tests/campaigns/content-review.test.ts covers the refusal).
const valid = (over: Record<string, unknown> = {}) => ({ name: 'Rainy season', message: 'tst-001', districts: ['01'], schedule: weekly, allowUnapproved: true, ...over });
const create = (over: Record<string, unknown> = {}) => t.api('post', URL).send(valid(over));

function expectError(res: request.Response, status: number, code: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('roles', () => {
  it('when no key is sent, then 401; when a coordinator key is used, then 403 and nothing is created', async () => {
    expectError(await request(t.app).get(URL), 401, 'unauthorized');
    const key = await createApiKey(t.ctx.prisma, { name: 'ops-room', role: 'coordinator' });
    const before = await t.ctx.prisma.campaign.count();
    expectError(await t.api('post', URL, key.secret).send(valid()), 403, 'forbidden');
    expect(await t.ctx.prisma.campaign.count()).toBe(before);
  });

  it('when an educator creates a campaign, then it works and the audit names the key', async () => {
    const key = await createApiKey(t.ctx.prisma, { name: 'educator-bmc', role: 'educator' });
    const res = await t.api('post', URL, key.secret).send(valid()).expect(201);
    const entry = await t.ctx.prisma.auditLog.findFirst({ where: { entity: 'campaign', entityId: String(res.body.id) } });
    expect(entry).toMatchObject({ actor: 'educator-bmc', actorType: 'api_key', action: 'campaign.create' });
    expect(entry?.requestId).toBe(res.headers['x-request-id']);
    expect(res.body.createdBy).toBe('educator-bmc');
  });
});

describe('POST /api/campaigns', () => {
  it('when a weekly cron campaign is created for a province, then it is scheduled for the next Monday 09:00 in its zone, with its audience', async () => {
    const res = await create().expect(201);

    expect(res.body).toMatchObject({
      status: 'scheduled',
      channel: 'sms',
      message: 'tst-001',
      districts: ['01'],
      languages: [],
      schedule: { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh', startAt: null, endAt: null },
      nextRunAt: '2026-11-23T02:00:00.000Z',
      runs: [],
    });
    expect(res.body.upcoming.slice(0, 2)).toEqual(['2026-11-23T02:00:00.000Z', '2026-11-30T02:00:00.000Z']);
    // Active subscribers with a number, invalid ones included (a run skips them), opted-out ones apart.
    expect(res.body.audience).toEqual({
      total: 11,
      byLanguage: { en: 4, km: 5, es: 1, lo: 1 },
      byDistrict: { '0102': 8, '0103': 3 },
      optedOut: 1,
      invalid: 1,
    });
    const stored = await t.ctx.prisma.campaign.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.nextRunAt?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
  });

  it('when an `at` campaign with quiet hours, languages, a cap and custom text is created, then all of it is kept', async () => {
    const res = await create({
      message: undefined,
      text: { en: 'Stay on paths you know in {{district}}. Call {{hotline}}.', es: 'Quédese en caminos conocidos en {{district}}. Llame al {{hotline}}.' },
      languages: ['en', 'es'],
      districts: ['0102', '0203'],
      schedule: { at: '2026-11-23T14:00:00+07:00' },
      quietHours: { start: '20:00', end: '07:00' },
      maxPerSubscriberPerWeek: 2,
      variables: { hotline: '+855 12 000 111' },
    }).expect(201);

    expect(res.body).toMatchObject({
      status: 'scheduled',
      message: null,
      text: { en: expect.any(String), es: expect.any(String) },
      languages: ['en', 'es'],
      schedule: { at: '2026-11-23T07:00:00.000Z', timezone: 'Asia/Phnom_Penh' },
      quietHours: { start: '20:00', end: '07:00' },
      maxPerSubscriberPerWeek: 2,
      variables: { hotline: '+855 12 000 111' },
      nextRunAt: '2026-11-23T07:00:00.000Z',
    });
    expect(res.body.audience.byLanguage).toEqual({ en: 5, es: 1 });
  });

  it('when created as a draft, then nothing is scheduled until POST /:id/schedule', async () => {
    const res = await create({ draft: true }).expect(201);
    expect(res.body).toMatchObject({ status: 'draft', nextRunAt: null });

    const scheduled = await t.api('post', `${URL}/${res.body.id}/schedule`).expect(200);

    expect(scheduled.body).toMatchObject({ status: 'scheduled', nextRunAt: '2026-11-23T02:00:00.000Z' });
    expectError(await t.api('post', `${URL}/${res.body.id}/schedule`), 409, 'conflict', /scheduled/);
  });

  describe('when the request is malformed, then 400 with the field and the reason', () => {
    it.each([
      ['an invalid cron', { schedule: { cron: '61 * * * *', timezone: 'Asia/Phnom_Penh' } }, 'schedule.cron', /minute/],
      ['a cron with six fields', { schedule: { cron: '0 0 9 * * 1', timezone: 'Asia/Phnom_Penh' } }, 'schedule.cron', /5 fields/],
      ['an unknown time zone', { schedule: { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Phen' } }, 'schedule.timezone', /time zone/],
      ['a cron without a time zone', { schedule: { cron: '0 9 * * 1' } }, 'schedule.timezone', /./],
      ['startAt after endAt', { schedule: { ...weekly, startAt: '2027-02-01T00:00:00Z', endAt: '2027-01-01T00:00:00Z' } }, 'schedule.endAt', /before/],
      ['an `at` without an offset', { schedule: { at: '2026-12-01 09:00' } }, 'schedule.at', /./],
      ['a schedule of neither kind', { schedule: { every: 'monday' } }, 'schedule', /cron/],
      ['both message and text', { text: { en: 'x' } }, 'message', /either/],
      ['neither message nor text', { message: undefined }, 'message', /either/],
      ['an unknown language', { languages: ['fr'] }, 'languages.0', /./],
      ['a malformed P-code', { districts: ['Banteay Meanchey'] }, 'districts.0', /P-code/],
      ['quiet hours that are not times', { quietHours: { start: '8pm', end: '07:00' } }, 'quietHours.start', /time of day/],
      ['an unknown field', { sendNow: true }, '', /./],
    ])('%s', async (_label, over, path, message) => {
      const res = await create(over);
      expectError(res, 400, 'validation_failed');
      const issue = res.body.error.details.find((d: { path: string }) => d.path === path);
      expect(issue, JSON.stringify(res.body.error.details)).toBeDefined();
      expect(issue.message).toMatch(message);
    });
  });

  describe('when the request cannot be carried out, then 422 naming the reason', () => {
    it('unknown P-codes are all named', async () => {
      expectError(await create({ districts: ['01', '77', '0199'] }), 422, 'unprocessable', /Unknown P-codes: 77, 0199/);
    });

    it('a commune is not a campaign target', async () => {
      expectError(await create({ districts: ['010201'] }), 422, 'unprocessable', /010201 is a commune/);
    });

    it('a province without districts would reach nobody', async () => {
      expectError(await create({ districts: ['09'] }), 422, 'unprocessable', /09 has no districts/);
    });

    it('content missing in a requested language names the languages', async () => {
      const res = await create({ message: 'tst-002', languages: ['en', 'es', 'lo'] });
      expectError(res, 422, 'unprocessable', /missing.*tst-002 has no text in es, lo/);
      expect(res.body.error.details).toMatchObject({ field: 'languages', missing: ['es', 'lo'] });
    });

    it('content missing in a language nobody asked for is accepted (those subscribers are counted as no content)', async () => {
      await create({ message: 'tst-002' }).expect(201);
    });

    it('an unknown content id', async () => {
      expectError(await create({ message: 'tst-999' }), 422, 'unprocessable', /no message "tst-999"/);
    });

    it('a voice campaign of a message without a voice version', async () => {
      expectError(await create({ message: 'tst-002', channel: 'voice' }), 422, 'unprocessable', /no voice version/);
    });

    it('voice custom text in Khmer (Twilio has no Khmer voice)', async () => {
      expectError(
        await create({ message: undefined, channel: 'voice', text: { en: 'Never touch it.', km: 'កុំប៉ះ' } }),
        422,
        'unprocessable',
        /Twilio has no km voice/,
      );
    });

    it('a voice campaign asking for Lao where the message has no recording', async () => {
      expectError(await create({ channel: 'voice', languages: ['en', 'lo'] }), 422, 'unprocessable', /no voice script or recording in lo/);
    });

    it('an `at` in the past', async () => {
      expectError(await create({ schedule: { at: '2026-11-22T23:59:00Z' } }), 422, 'unprocessable', /in the past/);
    });

    it('a cron whose endAt is already behind it', async () => {
      expectError(await create({ schedule: { ...weekly, endAt: '2026-11-22T00:00:00Z' } }), 422, 'unprocessable', /no occurrence/);
    });

    it.each([
      ['an unknown variable', { en: 'Call {{phone}} now.' }, /uses \{\{phone\}\}/],
      ['different variables across locales', { en: 'In {{district}}: never touch.', es: 'Nunca toque.' }, /es uses no variables but en uses \{\{district\}\}/],
      ['a text over CONTENT_MAX_SEGMENTS', { km: 'កុំប៉ះវត្ថុចម្លែក។ '.repeat(20) }, /too long: km is \d+ UCS-2 parts/],
    ])('custom text with %s', async (_label, text, message) => {
      expectError(await create({ message: undefined, text }), 422, 'unprocessable', message);
    });
  });
});

describe('GET /api/campaigns', () => {
  it('when filtered by status, channel, district and name, then only matching campaigns come back, newest first, in pages', async () => {
    const name = `Filter ${Math.random().toString(36).slice(2, 8)}`;
    const a = await create({ name, districts: ['0203'] }).expect(201);
    const b = await create({ name, districts: ['0203'], channel: 'voice', languages: ['en', 'km'] }).expect(201);
    const c = await create({ name, districts: ['0203'] }).expect(201);
    await t.api('post', `${URL}/${c.body.id}/cancel`).expect(200);

    const all = await t.api('get', URL).query({ q: name.toLowerCase(), limit: 2 }).expect(200);
    expect(all.body.data.map((x: { id: number }) => x.id)).toEqual([c.body.id, b.body.id]);
    const next = await t.api('get', URL).query({ q: name, limit: 2, cursor: all.body.nextCursor }).expect(200);
    expect(next.body).toMatchObject({ data: [{ id: a.body.id }], nextCursor: null });

    const voice = await t.api('get', URL).query({ q: name, channel: 'voice' }).expect(200);
    expect(voice.body.data.map((x: { id: number }) => x.id)).toEqual([b.body.id]);
    const cancelled = await t.api('get', URL).query({ district: '0203', status: 'cancelled' }).expect(200);
    expect(cancelled.body.data.map((x: { id: number }) => x.id)).toContain(c.body.id);
    expect(cancelled.body.data.every((x: { status: string }) => x.status === 'cancelled')).toBe(true);
  });

  it('when a filter is misspelt or a cursor forged, then 400', async () => {
    expectError(await t.api('get', URL).query({ stauts: 'running' }), 400, 'validation_failed');
    expectError(await t.api('get', URL).query({ cursor: 'abc' }), 400, 'validation_failed');
  });

  it('when a campaign does not exist, then 404; when the id is not a number, then 400', async () => {
    expectError(await t.api('get', `${URL}/999999`), 404, 'not_found');
    expectError(await t.api('get', `${URL}/abc`), 400, 'validation_failed');
  });
});

describe('POST /api/campaigns/:id/preview', () => {
  it('when previewed, then each locale shows its rendered text, encoding, parts, recipients and cost', async () => {
    const created = await create({ districts: ['01', 'LA15'] }).expect(201);

    const res = await t.api('post', `${URL}/${created.body.id}/preview`).expect(200);

    const byLocale = Object.fromEntries(res.body.locales.map((l: { locale: string }) => [l.locale, l]));
    // English: 3 in 0102, 1 in 0103, 1 in LA1501; the sample is the district with most readers.
    const en = 'Never touch a strange object in Mongkol Borei. Call 1297.';
    expect(byLocale.en).toMatchObject({ hasContent: true, recipients: 5, district: '0102', text: en, encoding: 'GSM-7', segments: 1 });
    // Khmer readers see the Khmer district name; the invalid number is not a recipient.
    const km = 'កុំប៉ះវត្ថុចម្លែកនៅ មង្គលបូរី។ ទូរស័ព្ទ 1297';
    expect(byLocale.km).toMatchObject({ recipients: 4, text: km, encoding: 'UCS-2', segments: smsSegments(km).segments, nonGsmChars: expect.arrayContaining(['ក']) });
    expect(byLocale.es).toMatchObject({ recipients: 1, encoding: 'GSM-7' });
    expect(byLocale.lo).toMatchObject({ recipients: 3, encoding: 'UCS-2' });

    // Cost: parts × recipients × price, Lao numbers at the Lao price (0.25), the rest at SMS_SEGMENT_PRICE (0.1).
    // Every text here is one part: KH has en 4, km 4, es 1, lo 1 = 10 parts; LA has en 1, lo 2 = 3 parts.
    expect(res.body.locales.every((l: { segmentsRange: { max: number } }) => l.segmentsRange.max === 1)).toBe(true);
    expect(res.body.cost).toEqual({
      currency: 'USD',
      total: 1.75,
      segments: 13,
      byCountry: { KH: { segments: 10, pricePerSegment: 0.1, cost: 1 }, LA: { segments: 3, pricePerSegment: 0.25, cost: 0.75 } },
    });
    expect(byLocale.lo.cost).toBeCloseTo(0.1 + 2 * 0.25, 6);
    expect(res.body.recipients).toBe(5 + 4 + 1 + 3);
    expect(res.body.notes.join('\n')).toMatch(/1 opted-out/);
  });

  it('when a language has readers but no content, then the preview says they will be skipped', async () => {
    const created = await create({ message: 'tst-002' }).expect(201);

    const res = await t.api('post', `${URL}/${created.body.id}/preview`).expect(200);

    const lo = res.body.locales.find((l: { locale: string }) => l.locale === 'lo');
    expect(lo).toEqual({ locale: 'lo', hasContent: false, recipients: 1, skippedNoContent: 1 });
    expect(res.body.notes.join('\n')).toMatch(/reading lo have no sms content and will be skipped/);
  });

  it('when a voice campaign is previewed, then English is <Say> TwiML and Khmer plays the recording from /audio', async () => {
    const created = await create({ channel: 'voice', languages: ['en', 'km'] }).expect(201);

    const res = await t.api('post', `${URL}/${created.body.id}/preview`).expect(200);

    const byLocale = Object.fromEntries(res.body.locales.map((l: { locale: string }) => [l.locale, l]));
    expect(byLocale.en.twiml).toMatch(/<Say language="en-US"[^>]*>Never touch a strange object in Mongkol Borei\.<\/Say>/);
    expect(byLocale.km.twiml).toContain(`<Play loop="2">${PUBLIC_BASE_URL}/audio/km/tst-001.wav</Play>`);
    expect(res.body.cost).toBeNull();
  });
});

describe('pause, resume, cancel', () => {
  it('when a scheduled campaign is paused and resumed, then its status follows and each step is audited', async () => {
    const { body } = await create().expect(201);

    const paused = await t.api('post', `${URL}/${body.id}/pause`).expect(200);
    expect(paused.body.status).toBe('paused');
    expectError(await t.api('post', `${URL}/${body.id}/pause`), 409, 'conflict', /paused/);

    t.clock.set('2026-11-24T00:00:00Z');
    const resumed = await t.api('post', `${URL}/${body.id}/resume`).expect(200);
    t.clock.set(NOW);
    // Never ran: back to scheduled, next occurrence counted from the resume.
    expect(resumed.body).toMatchObject({ status: 'scheduled', nextRunAt: '2026-11-30T02:00:00.000Z' });
    const actions = await t.ctx.prisma.auditLog.findMany({ where: { entity: 'campaign', entityId: String(body.id) }, orderBy: { id: 'asc' } });
    expect(actions.map((a) => a.action)).toEqual(['campaign.create', 'campaign.pause', 'campaign.resume']);
  });

  it('when cancelled, then no further runs are planned and it cannot be resumed', async () => {
    const { body } = await create().expect(201);

    const res = await t.api('post', `${URL}/${body.id}/cancel`).expect(200);

    expect(res.body).toMatchObject({ status: 'cancelled', nextRunAt: null, upcoming: [] });
    expectError(await t.api('post', `${URL}/${body.id}/resume`), 409, 'conflict', /cancelled/);
    expectError(await t.api('post', `${URL}/${body.id}/cancel`), 409, 'conflict');
  });

  it('when the campaign does not exist, then 404', async () => {
    expectError(await t.api('post', `${URL}/999999/pause`), 404, 'not_found');
  });
});

describe('GET /audio', () => {
  it('when a recording is asked for, then it is served without a key; directories are not listed', async () => {
    const res = await request(t.app).get('/audio/km/mre-001.wav').expect(200);
    expect(res.headers['content-type']).toMatch(/audio\/(x-)?wav/);

    await request(t.app).get('/audio/').expect(404);
    await request(t.app).get('/audio/km').expect(404);
    await request(t.app).get('/audio/km/').expect(404);
    await request(t.app).get('/audio/../package.json').expect(404);
    await request(t.app).get('/audio/%2e%2e/mre-001-recognise.json').expect((r) => expect([400, 403, 404]).toContain(r.status));
  });
});
