import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';

const DEMO_CSV = readFileSync(DEMO_GAZETTEER, 'utf8');
const DEMO_HEADER = DEMO_CSV.split('\n')[0]!;
const FULL_GAZETTEER = fileURLToPath(new URL('../../../shared/data/cambodia-admin-pcodes.csv', import.meta.url));

interface Unit {
  pcode: string;
  level: string;
  parentPcode: string | null;
  nameEn: string;
  subscribers: number;
  children?: Unit[];
}

function importCsv(app: TestApp, csv: string) {
  return app.api('post', '/api/districts/import').set('Content-Type', 'text/csv').send(csv);
}

describe('the demo gazetteer through /api/districts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // These run in order: the first import creates what the later tests read.
  it('when a query string carries an unknown parameter, then it is 400 naming it, as unknown body fields are', async () => {
    for (const path of ['/api/districts?areas=01', '/api/districts/match?q=Pailin&areas=01', '/api/teams?areas=01']) {
      const res = await t.api('get', path).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(res.body.error.details)).toContain('areas');
    }
  });

  it('when the demo CSV is imported, then its 5 provinces and 38 districts are created', async () => {
    const res = await importCsv(t, DEMO_CSV).expect(200);

    expect(res.body).toEqual({
      units: 43,
      created: 43,
      updated: 0,
      unchanged: 0,
      byLevel: { province: 5, district: 38 },
      errors: [],
    });
    expect(await t.ctx.prisma.adminUnit.count()).toBe(43);
    expect(await t.ctx.prisma.adminUnit.findUnique({ where: { pcode: '0102' } })).toMatchObject({
      level: 'district',
      parentPcode: '01',
      nameEn: 'Mongkol Borey',
      nameLocal: 'មង្គលបូរី',
      unitType: 'District',
      country: 'KH',
    });
    const audit = await t.ctx.prisma.auditLog.findMany({ where: { action: 'gazetteer.import' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'env:ADMIN_API_KEY', actorType: 'api_key' });
  });

  it('when the same CSV is imported again, then every unit is unchanged and nothing is created', async () => {
    const res = await importCsv(t, DEMO_CSV).expect(200);

    expect(res.body).toMatchObject({ units: 43, created: 0, updated: 0, unchanged: 43, errors: [] });
    expect(await t.ctx.prisma.adminUnit.count()).toBe(43);
  });

  it('when one row has a bad P-code, then the good rows are kept and the bad one is listed with its row and reason', async () => {
    const csv = [
      DEMO_HEADER,
      '01,Banteay Meanchey,បន្ទាយមានជ័យ,0102,Mongkol Borey,មង្គលបូរី,District,13.4940861,102.9791567',
      '01,Banteay Meanchey,បន្ទាយមានជ័យ,01X9,Bad District,,District,,',
      '02,Battambang,បាត់ដំបង,0201,Banan,បាណន់,District,12.9519264,103.0760132',
    ].join('\n');

    const res = await importCsv(t, csv).expect(200);

    expect(res.body.units).toBe(4);
    expect(res.body.byLevel).toEqual({ province: 2, district: 2 });
    expect(res.body.errors).toEqual([{ row: 2, reason: expect.stringContaining('01X9'), column: 'ADM2_PCODE' }]);
    expect(await t.ctx.prisma.adminUnit.findUnique({ where: { pcode: '01X9' } })).toBeNull();
    expect(await t.ctx.prisma.adminUnit.count()).toBe(43);
  });

  it('when the CSV has no ADM1_PCODE column, then it is 400 validation_failed naming the column', async () => {
    const res = await importCsv(t, 'PROVINCE,NAME\n01,Banteay Meanchey\n').expect(400);

    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('ADM1_PCODE') });
    expect(await t.ctx.prisma.adminUnit.count()).toBe(43);
  });

  it('when the body is empty, then it is 400 validation_failed', async () => {
    const res = await importCsv(t, '   \n').expect(400);

    expect(res.body.error.code).toBe('validation_failed');
  });

  it('when the import is sent as JSON, then it is 415', async () => {
    const res = await t
      .api('post', '/api/districts/import')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ csv: DEMO_CSV }))
      .expect(415);

    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('when the tree is read, then 5 provinces hold their districts with active-subscriber counts', async () => {
    await t.ctx.prisma.subscriber.createMany({
      data: [
        { phone: randomKhPhone(), districtPcode: '0102', status: 'active' },
        { phone: randomKhPhone(), districtPcode: '0102', status: 'active' },
        { phone: randomKhPhone(), districtPcode: '0102', status: 'opted_out' },
      ],
    });

    const res = await t.api('get', '/api/districts').expect(200);

    const provinces = res.body.data as Unit[];
    expect(provinces.map((p) => p.pcode)).toEqual(['01', '02', '13', '22', '24']);
    expect(provinces.every((p) => p.level === 'province' && p.parentPcode === null)).toBe(true);
    const districts = provinces.flatMap((p) => p.children ?? []);
    expect(districts).toHaveLength(38);
    for (const p of provinces) {
      expect(p.children!.length).toBeGreaterThan(0);
      expect(p.children!.every((d) => d.level === 'district' && d.parentPcode === p.pcode)).toBe(true);
    }
    const mongkolBorey = districts.find((d) => d.pcode === '0102');
    expect(mongkolBorey).toMatchObject({ nameEn: 'Mongkol Borey', subscribers: 2 });
    expect(provinces[0]).toMatchObject({ pcode: '01', subscribers: 2 });
    expect(provinces.slice(1).every((p) => p.subscribers === 0)).toBe(true);
    expect(districts.filter((d) => d.pcode !== '0102').every((d) => d.subscribers === 0)).toBe(true);
  });

  it('when districts of one province are asked for, then a flat list in P-code order comes back', async () => {
    const res = await t.api('get', '/api/districts?level=district&parent=01').expect(200);

    const units = res.body.data as Unit[];
    expect(units).toHaveLength(9);
    expect(units.map((u) => u.pcode)).toEqual(['0102', '0103', '0104', '0105', '0106', '0107', '0108', '0109', '0110']);
    expect(units.every((u) => u.level === 'district' && u.parentPcode === '01' && u.children === undefined)).toBe(true);
    expect(units[0]).toMatchObject({ pcode: '0102', subscribers: 2 });
  });

  it('when a place name is matched, then Mongkol Borei comes first as 0102 with a confidence in (0, 1]', async () => {
    const res = await t.api('get', '/api/districts/match?q=Mongkol%20Borei').expect(200);

    const [first] = res.body.data as { pcode: string; confidence: number }[];
    expect(first).toMatchObject({ pcode: '0102', level: 'district' });
    expect(first!.confidence).toBeGreaterThan(0);
    expect(first!.confidence).toBeLessThanOrEqual(1);
  });

  it('when the level is not one we know, then it is 400 validation_failed', async () => {
    const res = await t.api('get', '/api/districts?level=bogus').expect(400);

    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'level' })] });
  });

  it('when match is asked without q, then it is 400 validation_failed', async () => {
    const res = await t.api('get', '/api/districts/match').expect(400);

    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe.skipIf(!existsSync(FULL_GAZETTEER))('the full Cambodian gazetteer through /api/districts/import', () => {
  let t: TestApp;
  const csv = existsSync(FULL_GAZETTEER) ? readFileSync(FULL_GAZETTEER, 'utf8') : '';

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BODY_LIMIT: '8mb' });
  });
  afterAll(() => t.close());

  const byLevel = { province: 25, district: 210, commune: 1652, village: 14577 };
  const total = 25 + 210 + 1652 + 14577;
  const nameless = { row: 711, reason: 'missing name for village 02010508', column: 'ADM4_EN' };

  it('when the whole file is imported, then every level is created and only the village without a name is refused', { timeout: 120_000 }, async () => {
    const res = await importCsv(t, csv).expect(200);

    expect(res.body).toEqual({ units: total, created: total, updated: 0, unchanged: 0, byLevel, errors: [nameless] });
    const counts = await t.ctx.prisma.adminUnit.groupBy({ by: ['level'], _count: { _all: true } });
    expect(Object.fromEntries(counts.map((c) => [c.level, c._count._all]))).toEqual(byLevel);
  });

  it('when it is imported a second time, then every unit is unchanged', { timeout: 120_000 }, async () => {
    const res = await importCsv(t, csv).expect(200);

    expect(res.body).toEqual({ units: total, created: 0, updated: 0, unchanged: total, byLevel, errors: [nameless] });
    expect(await t.ctx.prisma.adminUnit.count()).toBe(total);
  });
});
