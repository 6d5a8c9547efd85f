import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { authenticate } from '../../src/auth/auth.middleware.js';
import { errorHandler, notFound, requestId, requireContentType } from '../../src/lib/http.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { createReportsRouter } from '../../src/reports/reports.routes.js';
import { exportFormat, exportRecord, HXL_TAGS, streamReports } from '../../src/reports/export-reports.js';
import { getReport } from '../../src/reports/reports.service.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';

// The router on a real database behind the same /api middleware as src/app.ts.
const ADMIN_KEY = 'test-admin-key-0123456789';
let testDb: TestDatabase;
let ctx: AppContext;
let app: express.Express;
const clock = manualClock('2026-03-05T08:00:00Z');

beforeAll(async () => {
  testDb = await createTestDatabase();
  ctx = buildContext(testConfig({ ADMIN_API_KEY: ADMIN_KEY }), testDb.db, { clock, log: createLogger('silent') });
  app = express();
  app.set('query parser', 'simple');
  app.use(requestId(), (req, _res, next) => ((req.log = ctx.log), next()));
  const api = express.Router();
  api.use(authenticate(ctx));
  api.use('/reports', createReportsRouter(ctx));
  app.use('/api', requireContentType('application/json', 'text/csv', 'text/plain', 'application/csv'), api);
  app.use(notFound(), errorHandler());
  await importGazetteer(ctx.prisma, readFileSync(DEMO_GAZETTEER), { country: 'KH' });
});
afterAll(() => testDb.cleanup());

const URL = '/api/reports/export';
const exportReq = (query: Record<string, string | number>, key = ADMIN_KEY) =>
  request(app).get(URL).set('Authorization', `Bearer ${key}`).query(query);
/** The raw body as text, whatever the content type (supertest only buffers text/* and JSON by itself). */
const asText = (res: request.Response) => (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text);
const rawExport = (query: Record<string, string | number>, key = ADMIN_KEY) =>
  exportReq(query, key)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

// Each test exports its own team's reports, so tests sharing the database never see each other's.
let teamN = 0;
async function newTeam() {
  teamN += 1;
  return ctx.prisma.clearanceTeam.create({ data: { name: `Export team ${teamN}` } });
}
const seed = (teamId: number, data: Partial<Prisma.HazardReportUncheckedCreateInput> = {}) =>
  ctx.prisma.hazardReport.create({
    data: { originalText: 'UXO by the road', reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], teamId, ...data },
  });

interface Feature {
  type: string;
  id: number;
  geometry: { type: string; coordinates: [number, number] } | null;
  properties: Record<string, unknown>;
}

describe('GET /api/reports/export?format=geojson', () => {
  it('when reports with and without coordinates are exported, then a parseable FeatureCollection with [lon, lat] points and null geometry', async () => {
    const team = await newTeam();
    const placed = await seed(team.id, {
      lat: 13.4940861, lon: 102.9791567, accuracyM: 8, locationSource: 'decimal', adminPcode: '0102', districtPcode: '0102',
      provincePcode: '01', deviceClass: 'cluster_submunition', casualties: true, contextFlags: ['school', 'farmland'],
      priority: 'critical', reporterPhone: '+85512345678', originalText: 'គ្រាប់បែក នៅជិតសាលា',
    });
    const unplaced = await seed(team.id, { locationText: 'near the pagoda', duplicateOfId: placed.id, status: 'duplicate' });

    const res = await rawExport({ format: 'geojson', team: team.id }).expect(200);
    expect(res.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hazardline-reports-2026-03-05.geojson"');
    const doc = JSON.parse(asText(res)) as { type: string; features: Feature[] };
    expect(doc.type).toBe('FeatureCollection');
    expect(doc.features).toHaveLength(2);
    const [first, second] = doc.features;
    expect(first).toMatchObject({ type: 'Feature', id: placed.id, geometry: { type: 'Point', coordinates: [102.9791567, 13.4940861] } });
    expect(first!.properties).toEqual({
      id: placed.id, status: 'received', priority: 'critical', priority_reasons: '', device_class: 'cluster_submunition',
      casualties: true, context_flags: 'school;farmland', original_text: 'គ្រាប់បែក នៅជិតសាលា', reporter_phone: '+85512345678',
      channel: 'sms', accuracy_m: 8, location_precision: 'gps', location_source: 'decimal', location_text: null, admin_pcode: '0102', district_pcode: '0102',
      province_pcode: '01', team_id: team.id, assignee: null, duplicate_of_id: null, created_at: placed.createdAt.toISOString(),
      acknowledged_at: null, closed_at: null,
    });
    expect(second).toMatchObject({
      id: unplaced.id, geometry: null,
      properties: { location_text: 'near the pagoda', duplicate_of_id: placed.id, status: 'duplicate', location_precision: null },
    });
  });

  it('when filters are given, then only matching reports are exported; none matching is an empty collection', async () => {
    const team = await newTeam();
    const cleared = await seed(team.id, { status: 'cleared', provincePcode: '02', districtPcode: '0204', adminPcode: '0204' });
    await seed(team.id, { status: 'received', provincePcode: '02', districtPcode: '0204', adminPcode: '0204' });
    await seed(team.id, { status: 'cleared', provincePcode: '01', districtPcode: '0102', adminPcode: '0102' });
    const res = await rawExport({ format: 'geojson', team: team.id, status: 'cleared', district: '02' }).expect(200);
    expect(JSON.parse(asText(res)).features.map((f: Feature) => f.id)).toEqual([cleared.id]);
    const none = await rawExport({ format: 'geojson', team: team.id, status: 'tasked' }).expect(200);
    expect(JSON.parse(asText(none))).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('when 1,200 reports are exported, then the response streams in pages of 500 and is complete and in id order', async () => {
    const team = await newTeam();
    await ctx.prisma.hazardReport.createMany({
      data: Array.from({ length: 1200 }, (_, i) => ({
        originalText: `report ${i}`, reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], teamId: team.id,
        ...(i % 2 ? { lat: 13 + i / 10_000, lon: 103 - i / 10_000 } : {}),
      })),
    });
    const seeded = (await ctx.prisma.hazardReport.findMany({ where: { teamId: team.id }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
    const findMany = vi.spyOn(ctx.prisma.hazardReport, 'findMany');
    try {
      const res = await rawExport({ format: 'geojson', team: team.id }).expect(200);
      // Streamed: no Content-Length known up front.
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      const features = (JSON.parse(asText(res)) as { features: Feature[] }).features;
      expect(features.map((f) => f.id)).toEqual(seeded);
      expect(features[1]!.geometry!.coordinates).toEqual([103 - 1 / 10_000, 13 + 1 / 10_000]);
      expect(features[0]!.geometry).toBeNull();
      // Three pages (500, 500, 200), never one query for everything.
      expect(findMany.mock.calls.map(([args]) => args?.take)).toEqual([500, 500, 500]);
    } finally {
      findMany.mockRestore();
    }
  });

  it('when the format is unknown or a filter is bad, then 400; an unknown P-code is 422', async () => {
    const bad = await exportReq({ format: 'kml' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed' });
    expect((await exportReq({ format: 'csv', limit: 10 })).status).toBe(400);
    expect((await exportReq({ format: 'csv', district: '9999' })).status).toBe(422);
  });
});

describe('GET /api/reports/export?format=csv', () => {
  it('when texts hold Khmer, commas, quotes, newlines and formulas, then the CSV round-trips through csv-parse with formulas defused', async () => {
    const team = await newTeam();
    const khmer = await seed(team.id, { originalText: 'មានគ្រាប់មីន នៅវាលស្រែ', lat: 13.5, lon: -70.25 });
    const tricky = await seed(team.id, { originalText: 'big one, "rusty"\nnear well', contextFlags: ['water', 'children'] });
    const formula = await seed(team.id, { originalText: '=HYPERLINK("http://evil.example","click")', assignee: '@ops' });

    const res = await rawExport({ format: 'csv', team: team.id }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hazardline-reports-2026-03-05.csv"');
    const body = res.body as Buffer;
    // UTF-8 byte-order mark, so Excel shows Khmer instead of mojibake.
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [header, hxl, ...records] = parseCsv(body, { bom: true }) as string[][];
    // The second row is HXL: a hashtag for every column.
    expect(hxl!.every((tag) => tag.startsWith('#'))).toBe(true);
    const rows = records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
    expect(rows.map((r) => Number(r.id))).toEqual([khmer.id, tricky.id, formula.id]);
    expect(rows[0]).toMatchObject({ original_text: 'មានគ្រាប់មីន នៅវាលស្រែ', lat: '13.5', lon: '-70.25', status: 'received' });
    expect(rows[1]).toMatchObject({ original_text: 'big one, "rusty"\nnear well', context_flags: 'water;children', lat: '', lon: '' });
    expect(rows[2]).toMatchObject({ original_text: `'=HYPERLINK("http://evil.example","click")`, assignee: "'@ops" });
    // Phones start with "+": guarded too, so a spreadsheet never evaluates them.
    expect(rows[0]!.reporter_phone).toMatch(/^'\+855\d{8}$/);
    expect(Object.keys(rows[0]!)).toEqual([
      'id', 'status', 'priority', 'priority_reasons', 'device_class', 'casualties', 'context_flags', 'original_text',
      'reporter_phone', 'channel', 'lat', 'lon', 'accuracy_m', 'location_precision', 'location_source', 'location_text',
      'admin_pcode', 'district_pcode', 'province_pcode', 'team_id', 'assignee', 'duplicate_of_id', 'created_at',
      'acknowledged_at', 'closed_at',
    ]);
  });

  it('when the export is asked for, then it is audited with the format and filters', async () => {
    const team = await newTeam();
    const res = await rawExport({ format: 'csv', team: team.id, status: 'received' }).expect(200);
    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'report.export', requestId: res.headers['x-request-id'] } });
    expect(entry).toMatchObject({
      actor: 'env:ADMIN_API_KEY', details: { format: 'csv', reporterPhones: 'full', filters: { team: team.id, status: ['received'] } },
    });
    // No reports: just the BOM, the header line and the HXL line.
    expect(asText(res).split('\r\n')).toHaveLength(3);
  });
});

describe('HXL and place points', () => {
  const CENTRE_0102: [number, number] = [102.9791567, 13.4940861];

  beforeAll(async () => {
    // A commune with a point, a village with one and a village without (Cambodia's gazetteer has district
    // centres only; other countries' have more).
    await ctx.prisma.adminUnit.createMany({
      data: [
        { pcode: '010201', level: 'commune', parentPcode: '0102', nameEn: 'Banteay Neang', lat: 13.45, lon: 102.95 },
        { pcode: '01020101', level: 'village', parentPcode: '010201', nameEn: 'Ou Thum', lat: 13.46, lon: 102.96 },
        { pcode: '01020102', level: 'village', parentPcode: '010201', nameEn: 'Phnum', lat: null, lon: null },
        { pcode: '010202', level: 'commune', parentPcode: '0102', nameEn: 'Bat Trang' },
        { pcode: '01020201', level: 'village', parentPcode: '010202', nameEn: 'Kouk Kduoch' },
      ],
    });
  });

  it('when reports are placed only by a name, then the GeoJSON has the place point and its precision', async () => {
    const team = await newTeam();
    const place = (adminPcode: string, districtPcode = '0102') => seed(team.id, { adminPcode, districtPcode, provincePcode: '01', locationSource: 'gazetteer' });
    const gps = await seed(team.id, { lat: 13.5, lon: 103.0, locationSource: 'decimal', adminPcode: '01020101', districtPcode: '0102' });
    const village = await place('01020101');
    const villageWithoutPoint = await place('01020102');
    const commune = await place('010201');
    const district = await place('0102');
    const deepWithoutPoints = await place('01020201');
    const provinceOnly = await seed(team.id, { provincePcode: '01' });

    const res = await rawExport({ format: 'geojson', team: team.id }).expect(200);
    const byId = new Map((JSON.parse(asText(res)) as { features: Feature[] }).features.map((f) => [f.id, f]));
    const pointOf = (id: number) => [byId.get(id)!.geometry?.coordinates ?? null, byId.get(id)!.properties.location_precision];
    expect(pointOf(gps.id)).toEqual([[103.0, 13.5], 'gps']);
    expect(pointOf(village.id)).toEqual([[102.96, 13.46], 'village']);
    expect(pointOf(villageWithoutPoint.id)).toEqual([[102.95, 13.45], 'commune']);
    expect(pointOf(commune.id)).toEqual([[102.95, 13.45], 'commune']);
    expect(pointOf(district.id)).toEqual([CENTRE_0102, 'district']);
    expect(pointOf(deepWithoutPoints.id)).toEqual([CENTRE_0102, 'district']);
    expect(pointOf(provinceOnly.id)).toEqual([null, null]);
  });

  it('when the CSV is exported, then it parses, its second row is the HXL hashtags and place-only rows carry their point', async () => {
    const team = await newTeam();
    const r = await seed(team.id, { adminPcode: '0102', districtPcode: '0102', provincePcode: '01', locationText: 'Mongkol Borei', casualties: true });

    const res = await rawExport({ format: 'csv', team: team.id }).expect(200);
    const rows = parseCsv(res.body as Buffer, { bom: true }) as string[][];
    const [header, hxl, row] = rows;
    expect(rows).toHaveLength(3);
    expect(hxl).toHaveLength(header!.length);
    const tagOf = Object.fromEntries(header!.map((h, i) => [h, hxl![i]]));
    expect(tagOf).toMatchObject({
      id: '#event+id', created_at: '#date+reported', lat: '#geo+lat', lon: '#geo+lon', province_pcode: '#adm1+code',
      district_pcode: '#adm2+code', location_text: '#loc+name', status: '#status', priority: '#severity',
      location_precision: '#geo+precision',
    });
    expect(hxl!.every((tag) => /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/.test(tag))).toBe(true);
    expect(hxl).toEqual(header!.map((h) => HXL_TAGS[h as keyof typeof HXL_TAGS]));
    const rec = Object.fromEntries(header!.map((h, i) => [h, row![i]]));
    expect(rec).toMatchObject({ id: String(r.id), lat: String(CENTRE_0102[1]), lon: String(CENTRE_0102[0]), location_precision: 'district', district_pcode: '0102' });

    const plain = parseCsv((await rawExport({ format: 'csv', team: team.id, hxl: 0 }).expect(200)).body as Buffer, { bom: true }) as string[][];
    expect(plain.map((l) => l[0])).toEqual(['id', String(r.id)]);
    expect((await exportReq({ format: 'csv', hxl: 'yes' })).status).toBe(400);
  });
});

describe('who sees the reporter number', () => {
  let coordinatorKey: string;
  let educatorKey: string;

  beforeAll(async () => {
    coordinatorKey = (await createApiKey(ctx.prisma, { name: 'coordinator', role: 'coordinator' })).secret;
    educatorKey = (await createApiKey(ctx.prisma, { name: 'educator', role: 'educator' })).secret;
  });

  it('when a coordinator exports or opens a report, then the full number is there; the list keeps it masked', async () => {
    const team = await newTeam();
    const r = await seed(team.id, { reporterPhone: '+85512000777' });
    const csv = parseCsv((await rawExport({ format: 'csv', team: team.id }, coordinatorKey).expect(200)).body as Buffer, { bom: true, from_line: 3 }) as string[][];
    expect(csv[0]).toContain("'+85512000777");
    const geo = JSON.parse(asText(await rawExport({ format: 'geojson', team: team.id }, coordinatorKey).expect(200)));
    expect(geo.features[0].properties.reporter_phone).toBe('+85512000777');

    const detail = await request(app).get(`/api/reports/${r.id}`).set('Authorization', `Bearer ${coordinatorKey}`).expect(200);
    expect(detail.body.reporterPhone).toBe('+85512000777');
    const list = await request(app).get('/api/reports').query({ team: team.id }).set('Authorization', `Bearer ${coordinatorKey}`).expect(200);
    expect(list.body.data[0].reporterPhone).toBe('+855****0777');
  });

  it('when another role, or a caller without a role, reads a report, then the number is masked', async () => {
    const team = await newTeam();
    const r = await seed(team.id, { reporterPhone: '+85512000888' });
    // Educators may not read reports at all today; should a route ever let them, the number stays masked.
    expect((await exportReq({ format: 'csv' }, educatorKey)).status).toBe(403);
    for (const caller of [{ name: 'e', requestId: 'r', role: 'educator' as const }, { name: 'script', requestId: 'r' }]) {
      expect((await getReport(ctx, r.id, caller)).reporterPhone).toBe('+855****0888');
    }
    expect((await getReport(ctx, r.id, { name: 'c', requestId: 'r', role: 'coordinator' })).reporterPhone).toBe('+85512000888');
    expect(exportRecord(r, { revealPhone: false }).reporter_phone).toBe('+855****0888');
  });
});

describe('streamReports', () => {
  /** A socket that takes 64 bytes at a time, slowly, and records whether it was written to while full. */
  function slowSink(opts: { destroyAfterWrites?: number } = {}) {
    const chunks: string[] = [];
    let writesWhileFull = 0;
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString());
        setTimeout(cb, 1);
      },
    });
    const write = sink.write.bind(sink) as (chunk: string) => boolean;
    sink.write = ((chunk: string) => {
      if (sink.writableNeedDrain) writesWhileFull++;
      writes++;
      const ok = write(chunk);
      if (opts.destroyAfterWrites !== undefined && writes >= opts.destroyAfterWrites) sink.destroy();
      return ok;
    }) as typeof sink.write;
    return { sink, chunks, writesWhileFull: () => writesWhileFull, writes: () => writes };
  }

  it('when the consumer is slower than the database, then every write waits for drain and the output is whole', async () => {
    const team = await newTeam();
    for (let i = 0; i < 7; i++) await seed(team.id, { originalText: `slow ${i}` });
    const s = slowSink();
    const count = await streamReports(ctx.prisma, { teamId: team.id }, exportFormat('geojson', { hxl: true, revealPhone: false }), s.sink, 2);
    await new Promise((r) => s.sink.end(r));
    expect(count).toBe(7);
    expect(s.writesWhileFull()).toBe(0);
    // head + 4 pages + tail, each page one write.
    expect(s.writes()).toBe(6);
    expect(JSON.parse(s.chunks.join('')).features.map((f: Feature) => f.properties.original_text)).toEqual(
      Array.from({ length: 7 }, (_, i) => `slow ${i}`),
    );
  });

  it('when the client goes away mid-export, then it stops reading pages and reports null', async () => {
    const team = await newTeam();
    for (let i = 0; i < 6; i++) await seed(team.id);
    const s = slowSink({ destroyAfterWrites: 2 });
    const findMany = vi.spyOn(ctx.prisma.hazardReport, 'findMany');
    try {
      expect(await streamReports(ctx.prisma, { teamId: team.id }, exportFormat('csv', { hxl: true, revealPhone: false }), s.sink, 2)).toBeNull();
      expect(findMany).toHaveBeenCalledTimes(1);
    } finally {
      findMany.mockRestore();
    }
  });
});
