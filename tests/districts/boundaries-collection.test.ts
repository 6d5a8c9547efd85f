import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { DEMO_BOUNDARIES } from '../../src/demo/seed-demo.js';
import { importBoundaries } from '../../src/districts/import-boundaries.js';
import { createApiKey } from '../../src/auth/api-keys.js';

let t: TestApp;
let coordinatorKey: string;

beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer();
  await importBoundaries(t.ctx.prisma, readFileSync(DEMO_BOUNDARIES, 'utf8'));
  coordinatorKey = (await createApiKey(t.ctx.prisma, { name: 'field', role: 'coordinator' })).secret;
});
afterAll(() => t.close());

type Collection = { type: string; features: { type: string; id: string; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown[] } }[] };

describe('GET /api/districts/boundaries', () => {
  it("when asked for a province's districts, then a GeoJSON FeatureCollection of their polygons with pcode, names and level", async () => {
    const res = await t.api('get', '/api/districts/boundaries?level=district&parent=01', coordinatorKey).expect(200);
    const body = JSON.parse(res.text) as Collection;

    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.length).toBeGreaterThan(3);
    expect(body.features.every((f) => f.type === 'Feature' && String(f.properties.pcode).startsWith('01'))).toBe(true);
    expect(body.features.every((f) => ['Polygon', 'MultiPolygon'].includes(f.geometry.type))).toBe(true);
    const mongkolBorei = body.features.find((f) => f.properties.pcode === '0102')!;
    expect(mongkolBorei.properties).toEqual({ pcode: '0102', name: 'Mongkol Borey', nameLocal: 'មង្គលបូរី', level: 'district' });
  });

  it('when asked for provinces, then one MultiPolygon per demo province made of its districts', async () => {
    const body = JSON.parse((await t.api('get', '/api/districts/boundaries?level=province').expect(200)).text) as Collection;
    const districts = JSON.parse((await t.api('get', '/api/districts/boundaries?level=district&parent=02').expect(200)).text) as Collection;

    expect(body.features.map((f) => f.properties.pcode).sort()).toEqual(['01', '02', '13', '22', '24']);
    const battambang = body.features.find((f) => f.properties.pcode === '02')!;
    expect(battambang.properties).toMatchObject({ name: 'Battambang', level: 'province' });
    expect(battambang.geometry.type).toBe('MultiPolygon');
    const parts = districts.features.reduce((n, f) => n + (f.geometry.type === 'Polygon' ? 1 : f.geometry.coordinates.length), 0);
    expect(battambang.geometry.coordinates).toHaveLength(parts);
  });

  it('when the query has an unknown parameter or a bad level, then 400 naming it', async () => {
    const unknown = await t.api('get', '/api/districts/boundaries?simplify=0.01').expect(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('simplify');
    await t.api('get', '/api/districts/boundaries?level=village').expect(400);
  });

  it('when nothing is stored for the parent, then an empty collection', async () => {
    const body = JSON.parse((await t.api('get', '/api/districts/boundaries?level=district&parent=99').expect(200)).text) as Collection;
    expect(body).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
