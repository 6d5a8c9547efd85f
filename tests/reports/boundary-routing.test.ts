// A GPS report near a district line goes to the team of the district whose boundary contains it, not the
// district whose centre happens to be nearest. The point is found in the shipped demo polygons themselves.
import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOUNDARIES, DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { parseCodCsv } from '../../src/districts/cod-csv.js';
import { haversineMeters, type LatLon } from '../../src/lib/geo.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';

const MONGKOL_BOREI = '0102';

/** Metres from `p` to the segment a–b, on a local flat projection (exact enough over a few km). */
function metresToSegment(p: LatLon, a: Position, b: Position): number {
  const kx = 111_320 * Math.cos((p.lat * Math.PI) / 180);
  const ky = 110_574;
  const [ax, ay, bx, by] = [(a[0]! - p.lon) * kx, (a[1]! - p.lat) * ky, (b[0]! - p.lon) * kx, (b[1]! - p.lat) * ky];
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

function metresToBoundary(p: LatLon, geometry: Polygon | MultiPolygon): number {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  let best = Infinity;
  for (const ring of rings) for (let i = 0; i < ring.length - 1; i++) best = Math.min(best, metresToSegment(p, ring[i]!, ring[i + 1]!));
  return best;
}

/**
 * A point at least 2 km inside Mongkol Borei whose nearest district centre is another district's: scanned on
 * a ~500 m grid over the district's bbox; the one where the other centre is nearest by the widest margin.
 */
function findTestPoint() {
  const polygons = JSON.parse(readFileSync(DEMO_BOUNDARIES, 'utf8')) as { features: { properties: { ADM2_PCODE: string }; geometry: Polygon | MultiPolygon }[] };
  const geometry = polygons.features.find((f) => f.properties.ADM2_PCODE === MONGKOL_BOREI)!.geometry;
  const centres = parseCodCsv(readFileSync(DEMO_GAZETTEER), { country: 'KH' }).units.filter((u) => u.level === 'district' && u.lat !== null);
  const ownCentre = centres.find((c) => c.pcode === MONGKOL_BOREI)!;
  const coords = (geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat()).flat();
  const [lons, lats] = [coords.map((c) => c[0]!), coords.map((c) => c[1]!)];
  let best: { point: LatLon; nearest: string; margin: number } | null = null;
  for (let lat = Math.min(...lats); lat <= Math.max(...lats); lat += 0.005) {
    for (let lon = Math.min(...lons); lon <= Math.max(...lons); lon += 0.005) {
      const point = { lat: Number(lat.toFixed(5)), lon: Number(lon.toFixed(5)) };
      if (!booleanPointInPolygon([point.lon, point.lat], geometry)) continue;
      if (metresToBoundary(point, geometry) < 2000) continue;
      const ranked = centres.map((c) => ({ pcode: c.pcode, m: haversineMeters(point, { lat: c.lat!, lon: c.lon! }) })).sort((a, b) => a.m - b.m);
      const margin = haversineMeters(point, { lat: ownCentre.lat!, lon: ownCentre.lon! }) - ranked[0]!.m;
      if (ranked[0]!.pcode !== MONGKOL_BOREI && ranked[0]!.m < 60_000 && (!best || margin > best.margin)) {
        best = { point, nearest: ranked[0]!.pcode, margin };
      }
    }
  }
  if (!best) throw new Error('the demo polygons have no such point: the test data changed');
  return best;
}

describe('routing a GPS report by district boundary', () => {
  let t: TestApp;
  let teams: { own: number; neighbour: number };
  const target = findTestPoint();
  const text = `mine in the rice field at ${target.point.lat.toFixed(5)}, ${target.point.lon.toFixed(5)}`;

  beforeAll(async () => {
    t = await createTestApp();
    await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
    const team = (name: string, pcode: string, phone: string) =>
      t.ctx.prisma.clearanceTeam.create({
        data: { name, coverages: { create: [{ pcode }] }, contacts: { create: [{ name: `${name} leader`, phone, language: 'en', position: 0 }] } },
      });
    teams = {
      own: (await team('Mongkol Borei team', MONGKOL_BOREI, '+85512000301')).id,
      neighbour: (await team('Neighbour team', target.nearest, '+85512000302')).id,
    };
  });
  afterAll(() => t.close());

  const reportOf = async (phone: string) => {
    const { inbound } = await t.sms(phone, text);
    return t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: inbound.reportId! }, include: { alerts: true } });
  };

  it('when no boundaries are loaded, then the nearest district centre decides (the neighbour) and the report says so', async () => {
    expect(target.margin).toBeGreaterThan(0);
    const r = await reportOf(randomKhPhone());
    expect(r).toMatchObject({ districtPcode: target.nearest, teamId: teams.neighbour });
    expect((r.parse as { districtVia: string }).districtVia).toBe('nearest_district_centre');
    // Closed, so the next report of the same spot is not linked to it as a duplicate.
    await t.ctx.prisma.hazardReport.update({ where: { id: r.id }, data: { status: 'false_alarm' } });
  });

  it("when boundaries are imported, then a point 2 km inside Mongkol Borei goes to Mongkol Borei's team", async () => {
    await t.api('post', '/api/districts/boundaries').set('Content-Type', 'application/geo+json').send(readFileSync(DEMO_BOUNDARIES, 'utf8')).expect(200);

    const r = await reportOf(randomKhPhone());
    expect(r).toMatchObject({ adminPcode: MONGKOL_BOREI, districtPcode: MONGKOL_BOREI, provincePcode: '01', teamId: teams.own, status: 'dispatched' });
    expect((r.parse as { districtVia: string }).districtVia).toBe('boundary');
    expect(r.alerts.map((a) => a.teamId)).toEqual([teams.own]);
    const alertSms = await t.ctx.prisma.outboxMessage.findMany({ where: { reportId: r.id, kind: 'alert' } });
    expect(alertSms.map((m) => m.recipient)).toEqual(['+85512000301']);
  });

  it('when a coordinator moves an unplaced report onto a point, then the boundary places it too', async () => {
    const { inbound } = await t.sms(randomKhPhone(), 'I saw a bomb');
    const res = await t
      .api('patch', `/api/reports/${inbound.reportId}`)
      .set('Content-Type', 'application/json')
      .send({ location: { lat: target.point.lat, lon: target.point.lon } })
      .expect(200);
    expect(res.body.location).toMatchObject({ districtPcode: MONGKOL_BOREI, provincePcode: '01' });
  });
});
