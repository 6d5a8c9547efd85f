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
import { FORMATS, streamReports } from '../../src/reports/export-reports.js';
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
const exportReq = (query: Record<string, string | number>) =>
  request(app).get(URL).set('Authorization', `Bearer ${ADMIN_KEY}`).query(query);
/** The raw body as text, whatever the content type (supertest only buffers text/* and JSON by itself). */
const asText = (res: request.Response) => (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text);
const rawExport = (query: Record<string, string | number>) =>
  exportReq(query)
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
      casualties: true, context_flags: 'school;farmland', original_text: 'គ្រាប់បែក នៅជិតសាលា', reporter_phone: '+855****5678',
      channel: 'sms', accuracy_m: 8, location_source: 'decimal', location_text: null, admin_pcode: '0102', district_pcode: '0102',
      province_pcode: '01', team_id: team.id, assignee: null, duplicate_of_id: null, created_at: placed.createdAt.toISOString(),
      acknowledged_at: null, closed_at: null,
    });
    expect(second).toMatchObject({ id: unplaced.id, geometry: null, properties: { location_text: 'near the pagoda', duplicate_of_id: placed.id, status: 'duplicate' } });
    expect(asText(res)).not.toContain('12345678');
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

    const rows = parseCsv(body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.id))).toEqual([khmer.id, tricky.id, formula.id]);
    expect(rows[0]).toMatchObject({ original_text: 'មានគ្រាប់មីន នៅវាលស្រែ', lat: '13.5', lon: '-70.25', status: 'received' });
    expect(rows[1]).toMatchObject({ original_text: 'big one, "rusty"\nnear well', context_flags: 'water;children', lat: '', lon: '' });
    expect(rows[2]).toMatchObject({ original_text: `'=HYPERLINK("http://evil.example","click")`, assignee: "'@ops" });
    // Masked phones start with "+": guarded too, so a spreadsheet never evaluates them.
    expect(rows[0]!.reporter_phone).toMatch(/^'\+855\*{4}\d{4}$/);
    expect(Object.keys(rows[0]!)).toEqual([
      'id', 'status', 'priority', 'priority_reasons', 'device_class', 'casualties', 'context_flags', 'original_text',
      'reporter_phone', 'channel', 'lat', 'lon', 'accuracy_m', 'location_source', 'location_text', 'admin_pcode',
      'district_pcode', 'province_pcode', 'team_id', 'assignee', 'duplicate_of_id', 'created_at', 'acknowledged_at', 'closed_at',
    ]);
  });

  it('when the export is asked for, then it is audited with the format and filters', async () => {
    const team = await newTeam();
    const res = await rawExport({ format: 'csv', team: team.id, status: 'received' }).expect(200);
    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'report.export', requestId: res.headers['x-request-id'] } });
    expect(entry).toMatchObject({ actor: 'env:ADMIN_API_KEY', details: { format: 'csv', filters: { team: team.id, status: ['received'] } } });
    // No reports: just the BOM and the header line.
    expect(asText(res).split('\r\n')).toHaveLength(2);
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
    const count = await streamReports(ctx.prisma, { teamId: team.id }, FORMATS.geojson, s.sink, 2);
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
      expect(await streamReports(ctx.prisma, { teamId: team.id }, FORMATS.csv, s.sink, 2)).toBeNull();
      expect(findMany).toHaveBeenCalledTimes(1);
    } finally {
      findMany.mockRestore();
    }
  });
});
