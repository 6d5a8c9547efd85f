// Boundary polygons: the GeoJSON reader's row errors, POST /api/districts/boundaries and its 4xx, idempotent
// re-imports, and Cambodia's full boundary file.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOUNDARIES, DEMO_BOUNDARIES_SOURCE, DEMO_GAZETTEER, seedDemo } from '../../src/demo/seed-demo.js';
import { createLogger } from '../../src/lib/logger.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { importBoundaries } from '../../src/districts/import-boundaries.js';
import { parseBoundaries } from '../../src/districts/boundaries-geojson.js';
import { createBoundaryIndex } from '../../src/districts/boundary-index.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { sharedDataFile } from '../support/shared-data.js';

const DEMO = readFileSync(DEMO_BOUNDARIES, 'utf8');
const square = (lon: number, lat: number, d = 0.1) => [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]];
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe('reading boundary GeoJSON', () => {
  it('when features are bad, then each is a row error with its reason and the good ones are kept', () => {
    const { boundaries, errors } = parseBoundaries(
      collection(
        feature({ ADM2_PCODE: '0102' }, { type: 'Polygon', coordinates: square(103, 13.4) }),
        feature({ ADM2_PCODE: '0103' }, { type: 'Point', coordinates: [103, 13] }),
        feature({ ADM2_PCODE: '0104' }, { type: 'Polygon', coordinates: [[[103, 13], [103.1, 13], [103.1, 13.1], [103, 13.1]]] }),
        feature({ ADM2_PCODE: '0105' }, { type: 'Polygon', coordinates: [[[103, 13], [13.1, 103], [103.1, 13.1], [103, 13]]] }),
        feature({ ADM2_PCODE: 102 }, { type: 'Polygon', coordinates: square(103, 13) }),
        feature({ NAME: 'Somewhere' }, { type: 'Polygon', coordinates: square(103, 13) }),
        feature({ ADM2_PCODE: '0106' }, null),
        feature({ ADM2_PCODE: '0107' }, { type: 'Polygon', coordinates: [[[103, 13], [103.1, 13], [103.2, 13], [103, 13]]] }),
        feature({ ADM2_PCODE: '0102' }, { type: 'Polygon', coordinates: square(104, 13) }),
        feature({ ADM2_PCODE: '0108' }, { type: 'MultiPolygon', coordinates: [square(103, 13), [[[103, 13], ['x', 13], [103, 14], [103, 13]]]] }),
        'not a feature',
        feature({ ADM2_PCODE: '01', ADM3_PCODE: '010201' }, { type: 'MultiPolygon', coordinates: [square(103, 13), square(103.5, 13)] }),
      ),
    );

    expect(boundaries.map((b) => [b.row, b.pcode, b.level, b.geometry.type])).toEqual([
      [1, '0102', 'district', 'Polygon'],
      [12, '010201', 'commune', 'MultiPolygon'],
    ]);
    expect(boundaries[0]!.bbox).toEqual([103, 13.4, 103.1, 13.5]);
    expect(errors.map((e) => [e.row, e.reason])).toEqual([
      [2, 'geometry type Point is not Polygon or MultiPolygon'],
      [3, 'outer ring: not closed (the last position must repeat the first)'],
      [4, expect.stringContaining('outside WGS84')],
      [5, expect.stringContaining('must be a string')],
      [6, 'no ADM2_PCODE or ADM3_PCODE property'],
      [7, 'no geometry'],
      [8, 'outer ring: encloses no area'],
      [9, expect.stringContaining('appears again (first in feature 1)')],
      [10, 'polygon 2, outer ring: position 2 is not two numbers'],
      [11, 'not a GeoJSON Feature'],
    ]);
  });

  it('when the file is not a FeatureCollection, then it is refused whole with a code', () => {
    expect(() => parseBoundaries('{"type":"Polygon","coordinates":[]}')).toThrow(/not a FeatureCollection/);
    expect(() => parseBoundaries('[1,2]')).toThrow(/not an object/);
    expect(() => parseBoundaries('{"type":"FeatureCollection","features":[]}')).toThrow(/empty/);
    expect(() => parseBoundaries('{"type":')).toThrow(expect.objectContaining({ code: 'invalid_json' }));
  });
});

describe('POST /api/districts/boundaries', () => {
  let t: TestApp;
  let educatorKey: string;

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_BODY_LIMIT: '300kb' });
    await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
    educatorKey = (await createApiKey(t.ctx.prisma, { name: 'educator', role: 'educator' })).secret;
  });
  afterAll(() => t.close());

  const post = (body: string, type = 'application/geo+json', key?: string) =>
    t.api('post', '/api/districts/boundaries', key).set('Content-Type', type).send(body);

  it('when the demo boundaries are imported twice, then 38 are created, then all are unchanged', async () => {
    const first = await post(DEMO).expect(200);
    expect(first.body).toEqual({ features: 38, imported: 38, created: 38, updated: 0, unchanged: 0, byLevel: { district: 38 }, errors: [] });
    expect((await t.ctx.boundaries.get()).size).toBe(38);

    const again = await post(DEMO, 'application/json').expect(200);
    expect(again.body).toMatchObject({ imported: 38, created: 0, updated: 0, unchanged: 38 });
    expect(await t.ctx.prisma.adminBoundary.count()).toBe(38);
  });

  it('when a polygon changes, then the re-import replaces it and the index answers with the new one', async () => {
    const res = await post(collection(feature({ ADM2_PCODE: '0102' }, { type: 'Polygon', coordinates: square(100, 10, 0.5) }))).expect(200);
    expect(res.body).toMatchObject({ imported: 1, updated: 1, created: 0 });
    expect((await t.ctx.boundaries.get()).containing({ lat: 10.2, lon: 100.2 })).toEqual({ pcode: '0102', level: 'district' });
    await post(DEMO).expect(200); // put the real one back
    expect((await t.ctx.boundaries.get()).containing({ lat: 10.2, lon: 100.2 })).toBeNull();
  });

  it('when some features are bad or unknown to the gazetteer, then they are listed and the good ones imported', async () => {
    const res = await post(
      collection(
        feature({ ADM2_PCODE: '0103' }, JSON.parse(DEMO).features.find((f: { properties: { ADM2_PCODE: string } }) => f.properties.ADM2_PCODE === '0103').geometry),
        feature({ ADM2_PCODE: '9999' }, { type: 'Polygon', coordinates: square(103, 13) }),
        feature({ ADM2_PCODE: '01' }, { type: 'Polygon', coordinates: square(103, 13) }),
        feature({ ADM2_PCODE: '0104' }, { type: 'LineString', coordinates: [[103, 13], [104, 13]] }),
      ),
    ).expect(200);
    expect(res.body).toMatchObject({ features: 4, imported: 1, unchanged: 1 });
    expect(res.body.errors).toEqual([
      { row: 2, pcode: '9999', reason: 'P-code 9999 is not in the gazetteer (import the gazetteer first)' },
      { row: 3, pcode: '01', reason: 'P-code 01 is a province in the gazetteer, not a district' },
      { row: 4, pcode: '0104', reason: 'geometry type LineString is not Polygon or MultiPolygon' },
    ]);
  });

  it.each([
    ['no feature usable', () => post(collection(feature({ ADM2_PCODE: '9999' }, { type: 'Polygon', coordinates: square(103, 13) }))), 422, 'unprocessable'],
    ['not JSON', () => post('{"type": "FeatureCollection",'), 400, 'invalid_json'],
    ['not a FeatureCollection', () => post('{"type":"Point","coordinates":[103,13]}'), 400, 'validation_failed'],
    ['an empty body', () => post(''), 400, 'validation_failed'],
    ['a CSV', () => post('ADM2_PCODE\n0102\n', 'text/csv'), 415, 'unsupported_media_type'],
    ['over IMPORT_BODY_LIMIT', () => post(collection(...Array.from({ length: 4 }, () => JSON.parse(DEMO).features).flat())), 413, 'payload_too_large'],
    ['an educator key', () => post(DEMO, 'application/geo+json', educatorKey), 403, 'forbidden'],
    ['a bad source', () => t.api('post', '/api/districts/boundaries?source=').set('Content-Type', 'application/geo+json').send(DEMO), 400, 'validation_failed'],
  ])('when the request has %s, then it answers %i %s', async (_what, send, status, code) => {
    const res = await send().expect(status);
    expect(res.body.error).toMatchObject({ code });
  });

  it('when the import is refused, then the stored boundaries are untouched', async () => {
    expect(await t.ctx.prisma.adminBoundary.count()).toBe(38);
  });
});

const FULL_GAZETTEER = sharedDataFile('cambodia-admin-pcodes.csv');
const FULL_BOUNDARIES = sharedDataFile('cambodia-adm2-boundaries.geojson');

describe.skipIf(!FULL_GAZETTEER || !FULL_BOUNDARIES)("Cambodia's full boundary file", () => {
  it('when imported twice, then 197 districts are created once, and every district centre falls in a polygon, nearly all in their own', async () => {
    const testDb = await createTestDatabase();
    try {
      const prisma = testDb.db.prisma;
      await importGazetteer(prisma, readFileSync(FULL_GAZETTEER!));
      const file = readFileSync(FULL_BOUNDARIES!);

      let started = performance.now();
      const first = await importBoundaries(prisma, file);
      const firstMs = performance.now() - started;
      started = performance.now();
      const second = await importBoundaries(prisma, file);
      const secondMs = performance.now() - started;

      expect(first).toMatchObject({ features: 197, imported: 197, created: 197, errors: [] });
      expect(second).toMatchObject({ imported: 197, created: 0, updated: 0, unchanged: 197 });
      expect(await prisma.adminBoundary.count()).toBe(197);

      const index = createBoundaryIndex(prisma);
      started = performance.now();
      const lookup = await index.get();
      const loadMs = performance.now() - started;
      const centres = await prisma.adminUnit.findMany({ where: { level: 'district', lat: { not: null } }, select: { pcode: true, lat: true, lon: true } });
      const hits = centres.map((c) => ({ pcode: c.pcode, hit: lookup.containing({ lat: c.lat!, lon: c.lon! }) }));
      const ROUNDS = 50; // after the warm-up above, for a per-point time that is not mostly JIT
      started = performance.now();
      for (let i = 0; i < ROUNDS; i++) for (const c of centres) lookup.containing({ lat: c.lat!, lon: c.lon! });
      const perPointUs = ((performance.now() - started) * 1000) / (centres.length * ROUNDS);
      // Every centre falls in some polygon; nearly all in their own (the rest: districts created after the
      // polygons were drawn, and two whose gazetteer centre lies just over the line, joined by name).
      const own = hits.filter((h) => h.hit?.pcode === h.pcode).length;
      expect(hits.every((h) => h.hit !== null)).toBe(true);
      expect(own).toBeGreaterThanOrEqual(190);
      console.log(
        `full boundaries: import ${firstMs.toFixed(0)} ms, re-import ${secondMs.toFixed(0)} ms, index load ${loadMs.toFixed(0)} ms, ` +
          `lookup ${perPointUs.toFixed(1)} µs per point (${centres.length} district centres, ${own} in their own polygon)`,
      );
    } finally {
      await testDb.cleanup();
    }
  }, 120_000);
});

describe('the demo seed', () => {
  it('when the database is empty, then the demo gazetteer and its 38 district polygons are loaded, once', async () => {
    const testDb = await createTestDatabase();
    try {
      const prisma = testDb.db.prisma;
      const log = createLogger('silent');
      await seedDemo(prisma, log);
      const rows = await prisma.adminBoundary.findMany({ select: { pcode: true, source: true, updatedAt: true } });
      expect(rows).toHaveLength(38);
      expect(rows.every((r) => r.source === DEMO_BOUNDARIES_SOURCE)).toBe(true);
      const lookup = await createBoundaryIndex(prisma).get();
      // Mongkol Borei's own centre, and a point in the Gulf of Thailand that no demo polygon holds.
      expect(lookup.containing({ lat: 13.4940861, lon: 102.9791567 })).toEqual({ pcode: '0102', level: 'district' });
      expect(lookup.containing({ lat: 10.5, lon: 103.0 })).toBeNull();

      await seedDemo(prisma, log);
      const again = await prisma.adminBoundary.findMany({ select: { pcode: true, updatedAt: true } });
      expect(again.map((r) => r.updatedAt.getTime()).sort()).toEqual(rows.map((r) => r.updatedAt.getTime()).sort());
    } finally {
      await testDb.cleanup();
    }
  });

  it("when the gazetteer is another country's, then the demo polygons are skipped without an error", async () => {
    const testDb = await createTestDatabase();
    try {
      const prisma = testDb.db.prisma;
      await importGazetteer(prisma, 'ADM1_PCODE,ADM1_EN,ADM2_PCODE,ADM2_EN\nLA01,Vientiane Capital,LA0101,Chanthabouly\n', { country: 'LA' });
      await seedDemo(prisma, createLogger('silent'));
      expect(await prisma.adminBoundary.count()).toBe(0);
    } finally {
      await testDb.cleanup();
    }
  });
});
