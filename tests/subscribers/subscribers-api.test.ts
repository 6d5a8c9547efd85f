import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borey', nameLocal: 'មង្គលបូរី' },
      { pcode: '0106', level: 'district', parentPcode: '01', nameEn: 'Phnum Srok' },
      { pcode: '010201', level: 'commune', parentPcode: '0102', nameEn: 'Banteay Neang' },
      { pcode: '02', level: 'province', nameEn: 'Battambang' },
      { pcode: '0203', level: 'district', parentPcode: '02', nameEn: 'Bavel' },
      { pcode: '0204', level: 'district', parentPcode: '02', nameEn: 'Aek Phnum' },
    ],
  });
  t.ctx.places.invalidate();
});
afterAll(() => t.close());

const URL = '/api/subscribers';
const stored = (phone: string) => t.ctx.prisma.subscriber.findUnique({ where: { phone } });
const seed = (data: Partial<Prisma.SubscriberUncheckedCreateInput> = {}) =>
  t.ctx.prisma.subscriber.create({ data: { phone: randomKhPhone(), status: 'active', districtPcode: '0102', ...data } });

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
}

describe('authentication and roles', () => {
  it('when no key is sent, then the list is refused with 401', async () => {
    expectError(await request(t.app).get(URL), 401, 'unauthorized');
  });

  it('when a coordinator key is used, then listing and creating are forbidden (403) and nothing is stored', async () => {
    const key = await createApiKey(t.ctx.prisma, { name: 'ops-room', role: 'coordinator' });
    const phone = randomKhPhone();
    expectError(await t.api('get', URL, key.secret), 403, 'forbidden');
    expectError(await t.api('post', URL, key.secret).send({ phone, district: '0102' }), 403, 'forbidden');
    expect(await stored(phone)).toBeNull();
  });

  it('when an educator key creates a subscriber, then it works and the audit names the key', async () => {
    const key = await createApiKey(t.ctx.prisma, { name: 'educator-kampot', role: 'educator' });
    const res = await t.api('post', URL, key.secret).send({ phone: randomKhPhone(), district: '0106' }).expect(201);
    const entry = await t.ctx.prisma.auditLog.findFirst({ where: { entity: 'subscriber', entityId: String(res.body.id) } });
    expect(entry).toMatchObject({ actor: 'educator-kampot', actorType: 'api_key', action: 'subscriber.create' });
    expect(entry?.requestId).toBe(res.headers['x-request-id']);
  });
});

describe('GET /api/subscribers', () => {
  it('when 7 subscribers match and limit is 3, then the cursor walks 3, 3, 1 in id order and then stops', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await seed({ districtPcode: '0204', language: 'km' }));
    const seen: number[] = [];
    let cursor: string | null = null;
    const pageSizes: number[] = [];
    do {
      const res: request.Response = await t.api('get', URL).query({ district: '0204', limit: 3, ...(cursor ? { cursor } : {}) }).expect(200);
      pageSizes.push(res.body.data.length);
      seen.push(...res.body.data.map((s: { id: number }) => s.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(made.map((s) => s.id));
  });

  it('when a subscriber is listed, then it has exactly the public fields and numberInvalid as a boolean', async () => {
    const sub = await seed({ districtPcode: '0203', language: 'es', numberInvalidAt: new Date(), source: 'import' });
    const res = await t.api('get', URL).query({ district: '0203', language: 'es' }).expect(200);
    expect(res.body.data).toEqual([
      {
        id: sub.id, phone: sub.phone, language: 'es', districtPcode: '0203', status: 'active', numberInvalid: true,
        source: 'import', joinedAt: null, optedOutAt: null, createdAt: sub.createdAt.toISOString(),
      },
    ]);
    expect(res.body.nextCursor).toBeNull();
  });

  it('when filtering by a province P-code, then subscribers of all its districts come back and no others', async () => {
    const inBavel = await seed({ districtPcode: '0203', status: 'pending' });
    const inAekPhnum = await seed({ districtPcode: '0204', status: 'pending' });
    await seed({ districtPcode: '0102', status: 'pending' });
    const res = await t.api('get', URL).query({ district: '02', status: 'pending' }).expect(200);
    expect(res.body.data.map((s: { id: number }) => s.id)).toEqual([inBavel.id, inAekPhnum.id]);
  });

  it('when filtering by status and language, then only matching rows come back', async () => {
    const out = await seed({ districtPcode: '0106', status: 'opted_out', language: 'lo' });
    await seed({ districtPcode: '0106', status: 'active', language: 'lo' });
    const res = await t.api('get', URL).query({ status: 'opted_out', language: 'lo' }).expect(200);
    expect(res.body.data.map((s: { id: number }) => s.id)).toEqual([out.id]);
  });

  it('when the query has bad values or an unknown parameter, then 400 validation_failed lists each problem', async () => {
    const res = await t.api('get', URL).query({ status: 'asleep', limit: '500', cursor: 'not a cursor!', colour: 'red' });
    expectError(res, 400, 'validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'limit', 'cursor']));
    expect(JSON.stringify(res.body.error.details)).toContain('colour');
  });

  it('when the district filter is an unknown P-code or a commune, then 422 says why', async () => {
    expectError(await t.api('get', URL).query({ district: '9999' }), 422, 'unprocessable');
    const commune = await t.api('get', URL).query({ district: '010201' });
    expectError(commune, 422, 'unprocessable');
    expect(commune.body.error.message).toContain('commune');
  });
});

describe('POST /api/subscribers', () => {
  it('when a new number is given with a P-code, then 201 returns it and an active api subscriber is stored', async () => {
    const phone = randomKhPhone();
    const national = `0${phone.slice(4, 6)} ${phone.slice(6, 9)} ${phone.slice(9)}`;
    const res = await t.api('post', URL).send({ phone: national, district: '0102', language: 'en' }).expect(201);
    expect(res.body).toMatchObject({ phone, districtPcode: '0102', language: 'en', status: 'active', source: 'api', numberInvalid: false });
    expect(res.body.joinedAt).toBe(t.clock.now().toISOString());
    expect(await stored(phone)).toMatchObject({ id: res.body.id, languageSource: 'api', source: 'api', status: 'active' });
  });

  it('when the district is the name "Mongkol Borei" and no language is given, then 0102 and Khmer for a +855 number', async () => {
    const phone = randomKhPhone();
    const res = await t.api('post', URL).send({ phone, district: 'Mongkol Borei' }).expect(201);
    expect(res.body).toMatchObject({ districtPcode: '0102', language: 'km' });
    // Defaulted from the country code, so the person's own SMS may still correct it.
    expect(await stored(phone)).toMatchObject({ districtPcode: '0102', language: 'km', languageSource: 'guessed' });
  });

  it('when the number already exists, then 409 and the stored row is untouched', async () => {
    const sub = await seed({ districtPcode: '0106' });
    expectError(await t.api('post', URL).send({ phone: sub.phone, district: '0102' }), 409, 'conflict');
    expect(await stored(sub.phone)).toMatchObject({ districtPcode: '0106', updatedAt: sub.updatedAt });
  });

  it('when the number opted out by SMS, then 409 explains only the person can resubscribe and it stays opted out', async () => {
    const sub = await seed({ status: 'opted_out', optedOutAt: new Date() });
    const res = await t.api('post', URL).send({ phone: sub.phone, district: '0102' });
    expectError(res, 409, 'conflict');
    expect(res.body.error.message).toMatch(/opted out by SMS/);
    expect(res.body.error.message).toMatch(/START or JOIN/);
    expect(await stored(sub.phone)).toMatchObject({ status: 'opted_out' });
  });

  it('when the phone is not a valid number, then 422 names the phone field and nothing is stored', async () => {
    const before = await t.ctx.prisma.subscriber.count();
    const res = await t.api('post', URL).send({ phone: '12345', district: '0102' });
    expectError(res, 422, 'unprocessable');
    expect(res.body.error.details).toEqual({ field: 'phone' });
    expect(await t.ctx.prisma.subscriber.count()).toBe(before);
  });

  it('when the district is unknown, a province, or only a near match, then 422 says which and suggests the near match', async () => {
    const phone = randomKhPhone();
    const unknown = await t.api('post', URL).send({ phone, district: '0999' });
    expectError(unknown, 422, 'unprocessable');
    expect(unknown.body.error.message).toContain('"0999"');
    const province = await t.api('post', URL).send({ phone, district: 'Banteay Meanchey' });
    expectError(province, 422, 'unprocessable');
    expect(province.body.error.message).toContain('province');
    const near = await t.api('post', URL).send({ phone, district: 'Mongol Borey' });
    expectError(near, 422, 'unprocessable');
    expect(near.body.error.message).toContain('did you mean Mongkol Borey (0102)?');
    expect(await stored(phone)).toBeNull();
  });

  it('when the body is CSV or has unknown fields, then 415 or 400', async () => {
    expectError(await t.api('post', URL).type('text/csv').send('phone\n+85512345678'), 415, 'unsupported_media_type');
    expectError(await t.api('post', URL).send({ phone: randomKhPhone(), district: '0102', role: 'admin' }), 400, 'validation_failed');
  });
});
