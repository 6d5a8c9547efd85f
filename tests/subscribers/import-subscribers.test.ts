import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { maskPhone } from '../../src/lib/logger.js';
import { OPTED_OUT_REASON } from '../../src/subscribers/import-subscribers.js';
import type { AppContext } from '../../src/context.js';

let t: TestApp;

async function seedGazetteer(ctx: AppContext) {
  await ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borey', nameLocal: 'មង្គលបូរី' },
      { pcode: '0106', level: 'district', parentPcode: '01', nameEn: 'Phnum Srok' },
      { pcode: '02', level: 'province', nameEn: 'Battambang' },
      { pcode: '0203', level: 'district', parentPcode: '02', nameEn: 'Bavel' },
    ],
  });
  ctx.places.invalidate();
}

beforeAll(async () => {
  t = await createTestApp();
  await seedGazetteer(t.ctx);
});
afterAll(() => t.close());

const URL = '/api/subscribers/import';
const postCsv = (csv: string, type = 'text/csv') => t.api('post', URL).type(type).send(csv);
const stored = (phone: string) => t.ctx.prisma.subscriber.findUnique({ where: { phone } });
const national = (e164: string) => `0${e164.slice(4, 6)} ${e164.slice(6, 9)} ${e164.slice(9)}`;

/** Distinct random numbers: two rows sharing one by chance would turn a good row into a duplicate. */
function phones(n: number): string[] {
  const set = new Set<string>();
  while (set.size < n) set.add(randomKhPhone());
  return [...set];
}

describe('POST /api/subscribers/import with good and bad rows', () => {
  const [fresh, dup, ctrl, khmer, optedOut, mover, same, known, noDistrict, unknownDistrict, badLanguage] = phones(11);
  const csv = [
    '\ufeffPhone,DISTRICT,Language,Notes',
    `${national(fresh!)},0102,km,met at the pagoda`, // 1 created (national format, extra column)
    '12345,Mongkol Borei,en,', // 2 bad phone
    `${unknownDistrict},Atlantis,,`, // 3 unknown district
    '',
    `${fresh},0106,,`, // 4 duplicate of row 1 (blank line above not counted)
    `\u0000${ctrl}\u0007,Phnum Srok\u0001,,`, // 5 control bytes are dropped; created in 0106
    `${khmer},មង្គលបូរី,English,`, // 6 Khmer district name; created in 0102, English
    `${optedOut},0102,,`, // 7 opted out by SMS: skipped
    `${mover},0102,,`, // 8 existing in 0106: moved to 0102
    `${same},0106,km,`, // 9 existing and identical: unchanged
    `${known},0106,,`, // 10 texted us once (inactive): now subscribed
    `${noDistrict},,,`, // 11 new but no district
    `${badLanguage},0102,klingon,`, // 12 unknown language
    `${dup},0102,lo`, // 13 short row, created
  ].join('\r\n');

  let first: { status: number; body: Record<string, unknown> & { errors: unknown[] } };

  beforeAll(async () => {
    await t.ctx.prisma.subscriber.createMany({
      data: [
        { phone: optedOut!, status: 'opted_out', districtPcode: '0106', optedOutAt: new Date() },
        { phone: mover!, status: 'active', districtPcode: '0106', language: 'km' },
        { phone: same!, status: 'active', districtPcode: '0106', language: 'km' },
        { phone: known!, status: 'inactive', source: 'sms', language: 'km' },
      ],
    });
    const res = await postCsv(csv);
    first = { status: res.status, body: res.body };
  });

  it('when imported, then the counts add up and every bad row is reported with its row, masked phone and reason', () => {
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 13, created: 4, updated: 2, unchanged: 1, skipped: 1 });
    expect(first.body.errors).toEqual([
      { row: 2, phone: '****', reason: 'not a valid phone number', column: 'phone' },
      { row: 3, phone: maskPhone(unknownDistrict!), reason: 'no district matches "Atlantis"', column: 'district' },
      { row: 4, phone: maskPhone(fresh!), reason: 'the same number as row 1', column: 'phone' },
      { row: 7, phone: maskPhone(optedOut!), reason: OPTED_OUT_REASON },
      { row: 11, phone: maskPhone(noDistrict!), reason: 'a new subscriber needs a district', column: 'district' },
      { row: 12, phone: maskPhone(badLanguage!), reason: 'unknown language "klingon"; use en, km, lo or es', column: 'language' },
    ]);
    expect(JSON.stringify(first.body)).not.toContain(optedOut!.slice(4));
  });

  it('when imported, then new rows are stored active with the resolved district, language and source import', async () => {
    expect(await stored(fresh!)).toMatchObject({ status: 'active', districtPcode: '0102', language: 'km', languageSource: 'import', source: 'import' });
    expect(await stored(ctrl!)).toMatchObject({ status: 'active', districtPcode: '0106', language: 'km', languageSource: 'guessed' });
    expect(await stored(khmer!)).toMatchObject({ status: 'active', districtPcode: '0102', language: 'en' });
    expect(await stored(dup!)).toMatchObject({ districtPcode: '0102', language: 'lo' });
    expect((await stored(fresh!))?.joinedAt).toEqual(t.clock.now());
    for (const phone of [unknownDistrict, noDistrict, badLanguage]) expect(await stored(phone!)).toBeNull();
  });

  it('when imported, then existing rows are updated, except the opted-out number which stays opted out', async () => {
    expect(await stored(optedOut!)).toMatchObject({ status: 'opted_out', districtPcode: '0106' });
    expect(await stored(mover!)).toMatchObject({ status: 'active', districtPcode: '0102', language: 'km', source: 'sms' });
    expect(await stored(known!)).toMatchObject({ status: 'active', districtPcode: '0106', joinedAt: t.clock.now() });
  });

  it('when imported, then one audit entry records who and the counts', async () => {
    const entries = await t.ctx.prisma.auditLog.findMany({ where: { action: 'subscriber.import' } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'env:ADMIN_API_KEY',
      actorType: 'api_key',
      details: { total: 13, created: 4, updated: 2, unchanged: 1, skipped: 1, errors: 6 },
    });
  });

  it('when the same file is imported again as text/plain, then nothing changes and the same rows are reported', async () => {
    const before = await t.ctx.prisma.subscriber.findMany({ orderBy: { id: 'asc' } });
    const res = await postCsv(csv, 'text/plain').expect(200);
    expect(res.body).toMatchObject({ total: 13, created: 0, updated: 0, unchanged: 7, skipped: 1 });
    expect(res.body.errors).toEqual(first.body.errors);
    expect(await t.ctx.prisma.subscriber.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });
});

describe('POST /api/subscribers/import refusals', () => {
  const expectError = (res: { status: number; body: { error?: { code: string } } }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
  };

  it('when the body is JSON, then 415', async () => {
    expectError(await t.api('post', URL).send({ phone: randomKhPhone() }), 415, 'unsupported_media_type');
  });

  it('when there is no phone column, then 400 names the column and nothing is stored', async () => {
    const [phone] = phones(1);
    const res = await postCsv(`number,district\n${phone},0102\n`);
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.message).toContain('"phone"');
    expect(res.body.error.details).toEqual({ columns: ['number', 'district'] });
    expect(await stored(phone!)).toBeNull();
  });

  it('when the body is empty, then 400', async () => {
    expectError(await t.api('post', URL), 400, 'bad_request');
    expectError(await postCsv('\ufeff\n\n'), 400, 'bad_request');
  });

  it('when a quote is never closed, then 400 rather than a server error', async () => {
    expectError(await postCsv('phone,district\n"+85512345678,0102\n'), 400, 'validation_failed');
  });

  it('when the file has more than 50,000 data rows, then 422 and nothing is stored', async () => {
    const before = await t.ctx.prisma.subscriber.count();
    const res = await postCsv(`phone\n${'1\n'.repeat(50_001)}`);
    expectError(res, 422, 'unprocessable');
    expect(res.body.error.message).toContain('at most 50,000 rows per import');
    expect(await t.ctx.prisma.subscriber.count()).toBe(before);
  });

  it('when 1,200 new numbers are imported, then all are created across several chunks', async () => {
    const many = phones(1_200);
    const res = await postCsv(['phone,pcode', ...many.map((p) => `${p},0203`)].join('\n')).expect(200);
    expect(res.body).toEqual({ total: 1200, created: 1200, updated: 0, unchanged: 0, skipped: 0, errors: [] });
    expect(await t.ctx.prisma.subscriber.count({ where: { districtPcode: '0203', source: 'import' } })).toBe(1200);
  });
});

describe('POST /api/subscribers/import body limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ IMPORT_BODY_LIMIT: '1kb' });
    await seedGazetteer(small.ctx);
  });
  afterAll(() => small.close());

  it('when the body is larger than IMPORT_BODY_LIMIT, then 413 and nothing is stored', async () => {
    const csv = ['phone,district', ...phones(100).map((p) => `${p},0102`)].join('\n');
    const res = await small.api('post', URL).type('text/csv').send(csv);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await small.ctx.prisma.subscriber.count()).toBe(0);
  });
});
