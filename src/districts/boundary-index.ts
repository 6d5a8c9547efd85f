// Which boundary polygon contains a point, answered in memory: the inbound worker's hot path runs no extra
// query for it. A static R-tree (flatbush) over each polygon part's bbox finds the few candidates; an exact
// point-in-polygon test (@turf/boolean-point-in-polygon: holes, MultiPolygons, points on an edge count as
// inside) decides. Cambodia's 197 district polygons (31k positions) load in tens of milliseconds.
//
// Loaded on first use and reloaded after an import. Another process (the CLI, another instance) may import
// too, so `refresh()` — called by the worker before each batch, outside any transaction — compares a cheap
// stamp of the table at most every REFRESH_CHECK_MS and reloads when it changed. A reload swaps the new index
// in only once it is built: a lookup inside a transaction never waits for a load (PGlite has one connection).
import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Db } from '../lib/db.js';

export interface BoundaryHit {
  pcode: string;
  level: 'district' | 'commune';
}

export interface BoundaryLookup {
  /** How many units have a polygon. */
  readonly size: number;
  /** The most specific unit whose polygon contains the point (a commune over its district), or null. */
  containing(point: { lat: number; lon: number }): BoundaryHit | null;
}

export interface BoundaryIndex {
  /** The current lookup; loads it on first use. */
  get(): Promise<BoundaryLookup>;
  /** Loads the table again and swaps the new lookup in (after an import). */
  reload(): Promise<BoundaryLookup>;
  /** Reloads if the table changed since the last load (checked at most every REFRESH_CHECK_MS). */
  refresh(): Promise<BoundaryLookup>;
}

export const REFRESH_CHECK_MS = 30_000;
const LEVEL_RANK = { commune: 0, district: 1 } as const;

interface Part {
  unit: BoundaryHit;
  polygon: Polygon;
  area: number;
}

/** Builds a lookup from polygons already in memory (the index below, tests, benchmarks). */
export function createBoundaryLookup(units: { pcode: string; level: string; geometry: Polygon | MultiPolygon }[]): BoundaryLookup {
  const parts: Part[] = [];
  for (const u of units) {
    if (u.level !== 'district' && u.level !== 'commune') continue;
    const unit: BoundaryHit = { pcode: u.pcode, level: u.level };
    const polygons = u.geometry.type === 'Polygon' ? [u.geometry.coordinates] : u.geometry.coordinates;
    for (const coordinates of polygons) parts.push({ unit, polygon: { type: 'Polygon', coordinates }, area: 0 });
  }
  if (parts.length === 0) return { size: 0, containing: () => null };
  const tree = new Flatbush(parts.length);
  for (const part of parts) {
    const [x0, y0, x1, y1] = ringBBox(part.polygon.coordinates[0]!);
    part.area = (x1 - x0) * (y1 - y0);
    tree.add(x0, y0, x1, y1);
  }
  tree.finish();
  const size = new Set(parts.map((p) => p.unit.pcode)).size;
  return {
    size,
    containing({ lat, lon }) {
      let best: Part | null = null;
      for (const i of tree.search(lon, lat, lon, lat)) {
        const part = parts[i]!;
        if (!booleanPointInPolygon([lon, lat], part.polygon)) continue;
        // Most specific level first; on a shared edge (or overlapping data) the smaller polygon, then the
        // P-code, so the answer never depends on load order.
        if (!best || isBetter(part, best)) best = part;
      }
      return best ? best.unit : null;
    },
  };
}

function isBetter(a: Part, b: Part): boolean {
  const byLevel = LEVEL_RANK[a.unit.level] - LEVEL_RANK[b.unit.level];
  if (byLevel !== 0) return byLevel < 0;
  if (a.area !== b.area) return a.area < b.area;
  return a.unit.pcode < b.unit.pcode;
}

function ringBBox(ring: Position[]): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring) {
    if (x! < x0) x0 = x!;
    if (y! < y0) y0 = y!;
    if (x! > x1) x1 = x!;
    if (y! > y1) y1 = y!;
  }
  return [x0, y0, x1, y1];
}

export function createBoundaryIndex(prisma: Db, opts: { refreshCheckMs?: number } = {}): BoundaryIndex {
  const checkMs = opts.refreshCheckMs ?? REFRESH_CHECK_MS;
  let current: { lookup: BoundaryLookup; stamp: string } | null = null;
  let loading: Promise<BoundaryLookup> | null = null;
  let checkedAt = 0;

  const stamp = async () => {
    const [row] = await prisma.$queryRaw<{ stamp: string }[]>`
      SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS stamp FROM admin_boundaries`;
    return row?.stamp ?? '';
  };
  const load = () => {
    // One load at a time; callers during a load share it.
    loading ??= (async () => {
      const before = await stamp();
      const rows = await prisma.$queryRaw<{ pcode: string; level: string; geometry: Polygon | MultiPolygon }[]>`
        SELECT pcode, level::text AS level, geometry FROM admin_boundaries`;
      const lookup = createBoundaryLookup(rows);
      current = { lookup, stamp: before };
      checkedAt = Date.now();
      return lookup;
    })().finally(() => {
      loading = null;
    });
    return loading;
  };

  return {
    get: async () => current?.lookup ?? load(),
    reload: load,
    async refresh() {
      if (!current) return load();
      if (Date.now() - checkedAt < checkMs) return current.lookup;
      checkedAt = Date.now();
      return (await stamp()) === current.stamp ? current.lookup : load();
    },
  };
}
