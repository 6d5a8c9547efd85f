// Reading boundary polygons from an operator's GeoJSON (HDX COD-AB, geoBoundaries): one Feature per district
// (`ADM2_PCODE`) or commune (`ADM3_PCODE`), Polygon or MultiPolygon in WGS84. Every feature is checked on its
// own: a bad one becomes a row error naming why, and the good ones are kept. Only a file that is not GeoJSON
// at all is refused whole. Pure: the gazetteer check and the writes are in import-boundaries.ts.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { AppError } from '../lib/errors.js';

export type BoundaryLevel = 'district' | 'commune';
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface ParsedBoundary {
  /** 1-based index of the feature in the file. */
  row: number;
  pcode: string;
  level: BoundaryLevel;
  /** Normalised: only `type` and `coordinates`, positions cut to [lon, lat]. */
  geometry: Polygon | MultiPolygon;
  bbox: BBox;
}

export interface BoundaryRowError {
  row: number;
  pcode?: string;
  reason: string;
}

// The property that names the unit, most specific first: a commune file also carries its district's P-code.
const PCODE_PROPERTIES: readonly [string, BoundaryLevel][] = [['ADM3_PCODE', 'commune'], ['ADM2_PCODE', 'district']];
const PCODE_RE = /^[A-Za-z]{0,3}\d{1,12}$/;
export const MAX_FEATURES = 50_000;
// Beyond this a polygon is a survey-grade line, not an admin boundary; it would only slow every lookup.
const MAX_POSITIONS_PER_FEATURE = 500_000;

export function parseBoundaries(input: string | Buffer): { boundaries: ParsedBoundary[]; errors: BoundaryRowError[] } {
  const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON (expected a GeoJSON FeatureCollection)');
  }
  const features = featuresOf(doc);
  const boundaries: ParsedBoundary[] = [];
  const errors: BoundaryRowError[] = [];
  const seen = new Map<string, number>();
  features.forEach((feature, i) => {
    const row = i + 1;
    const result = parseFeature(feature, row);
    if ('reason' in result) return void errors.push(result);
    const first = seen.get(result.pcode);
    if (first !== undefined) {
      return void errors.push({ row, pcode: result.pcode, reason: `P-code ${result.pcode} appears again (first in feature ${first}); the first is kept` });
    }
    seen.set(result.pcode, row);
    boundaries.push(result);
  });
  return { boundaries, errors };
}

function featuresOf(doc: unknown): unknown[] {
  if (!isObject(doc)) throw notGeoJson('the top level is not an object');
  if (doc.type === 'Feature') return [doc];
  if (doc.type !== 'FeatureCollection') {
    throw notGeoJson(`the top level is ${typeof doc.type === 'string' ? `a ${doc.type.slice(0, 40)}` : 'not typed'}, not a FeatureCollection`);
  }
  if (!Array.isArray(doc.features)) throw notGeoJson('"features" is not an array');
  if (doc.features.length === 0) throw notGeoJson('"features" is empty');
  if (doc.features.length > MAX_FEATURES) throw notGeoJson(`more than ${MAX_FEATURES} features`);
  return doc.features;
}

function notGeoJson(why: string) {
  return new AppError('validation_failed', `Expected a GeoJSON FeatureCollection of boundary polygons: ${why}`, [
    { path: '', code: 'not_a_feature_collection', message: why },
  ]);
}

function parseFeature(f: unknown, row: number): ParsedBoundary | BoundaryRowError {
  if (!isObject(f) || f.type !== 'Feature') return { row, reason: 'not a GeoJSON Feature' };
  const props = isObject(f.properties) ? f.properties : {};
  const named = PCODE_PROPERTIES.find(([key]) => props[key] !== undefined && props[key] !== null && props[key] !== '');
  if (!named) return { row, reason: 'no ADM2_PCODE or ADM3_PCODE property' };
  const [key, level] = named;
  const raw = props[key];
  // A number would have lost its leading zero (0102 → 102): refuse rather than guess.
  if (typeof raw !== 'string') return { row, reason: `${key} must be a string (a P-code such as "0102"), not a ${typeof raw}` };
  const pcode = raw.trim().toUpperCase();
  if (!PCODE_RE.test(pcode)) return { row, reason: `${key} ${JSON.stringify(raw.slice(0, 30))} is not a P-code` };
  const geometry = checkGeometry(f.geometry);
  if (typeof geometry === 'string') return { row, pcode, reason: geometry };
  return { row, pcode, level, geometry: geometry.geometry, bbox: geometry.bbox };
}

/** The normalised geometry and its bbox, or why it cannot be used. */
function checkGeometry(g: unknown): { geometry: Polygon | MultiPolygon; bbox: BBox } | string {
  if (g === null || g === undefined) return 'no geometry';
  if (!isObject(g)) return 'geometry is not an object';
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return `geometry type ${typeof g.type === 'string' ? g.type.slice(0, 30) : '(none)'} is not Polygon or MultiPolygon`;
  }
  if (!Array.isArray(g.coordinates)) return 'geometry has no coordinates array';
  const polygons: unknown[] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (polygons.length === 0) return 'MultiPolygon has no polygons';
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const budget = { positions: 0 };
  const out: Position[][][] = [];
  for (const [p, poly] of polygons.entries()) {
    const where = g.type === 'MultiPolygon' ? `polygon ${p + 1}, ` : '';
    if (!Array.isArray(poly) || poly.length === 0) return `${where}no rings`;
    const rings: Position[][] = [];
    for (const [r, ring] of poly.entries()) {
      const checked = checkRing(ring, bbox, budget);
      if (typeof checked === 'string') return `${where}${r === 0 ? 'outer ring' : `hole ${r}`}: ${checked}`;
      rings.push(checked);
    }
    out.push(rings);
  }
  const geometry: Polygon | MultiPolygon =
    g.type === 'Polygon' ? { type: 'Polygon', coordinates: out[0]! } : { type: 'MultiPolygon', coordinates: out };
  return { geometry, bbox };
}

function checkRing(ring: unknown, bbox: BBox, budget: { positions: number }): Position[] | string {
  if (!Array.isArray(ring)) return 'not an array of positions';
  if (ring.length < 4) return `${ring.length} positions; a ring needs at least 4 (a triangle, closed)`;
  budget.positions += ring.length;
  if (budget.positions > MAX_POSITIONS_PER_FEATURE) return `more than ${MAX_POSITIONS_PER_FEATURE} positions in one feature`;
  const out: Position[] = [];
  for (const [i, pos] of ring.entries()) {
    if (!Array.isArray(pos) || pos.length < 2) return `position ${i + 1} is not [longitude, latitude]`;
    const [lon, lat] = pos as unknown[];
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      return `position ${i + 1} is not two numbers`;
    }
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      return `position ${i + 1} [${lon}, ${lat}] is outside WGS84 longitude/latitude (is it projected, or [lat, lon]?)`;
    }
    out.push([lon, lat]);
    if (lon < bbox[0]) bbox[0] = lon;
    if (lat < bbox[1]) bbox[1] = lat;
    if (lon > bbox[2]) bbox[2] = lon;
    if (lat > bbox[3]) bbox[3] = lat;
  }
  const [first, last] = [out[0]!, out[out.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) return 'not closed (the last position must repeat the first)';
  if (ringArea(out) === 0) return 'encloses no area';
  return out;
}

/** Twice the signed planar area (shoelace): zero for a ring whose points all lie on a line. */
function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return sum;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
