// Boundary import: GeoJSON polygons into admin_boundaries, keyed by P-code. Idempotent: re-importing a unit
// replaces its polygon; units the file does not mention keep theirs (a file of one province never erases
// another's). A feature whose P-code is not in the gazetteer, or names a unit of another level, is a row error.
import type { Db } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { parseBoundaries, type BoundaryRowError, type ParsedBoundary } from './boundaries-geojson.js';

export interface BoundaryImportResult {
  features: number;
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  byLevel: Record<string, number>;
  errors: BoundaryRowError[];
}

// Polygons are large (a district is 100–2,000 positions): smaller chunks keep each statement's parameters modest.
const CHUNK = 200;

export async function importBoundaries(prisma: Db, input: string | Buffer, opts: { source?: string } = {}): Promise<BoundaryImportResult> {
  const parsed = parseBoundaries(input);
  const errors = [...parsed.errors];
  const known = new Map(
    (
      await prisma.adminUnit.findMany({
        where: { pcode: { in: parsed.boundaries.map((b) => b.pcode) } },
        select: { pcode: true, level: true },
      })
    ).map((u) => [u.pcode, u.level]),
  );
  const good: ParsedBoundary[] = [];
  for (const b of parsed.boundaries) {
    const level = known.get(b.pcode);
    if (!level) errors.push({ row: b.row, pcode: b.pcode, reason: `P-code ${b.pcode} is not in the gazetteer (import the gazetteer first)` });
    else if (level !== b.level) errors.push({ row: b.row, pcode: b.pcode, reason: `P-code ${b.pcode} is a ${level} in the gazetteer, not a ${b.level}` });
    else good.push(b);
  }
  errors.sort((a, b) => a.row - b.row);
  const features = parsed.boundaries.length + parsed.errors.length;
  if (good.length === 0) {
    throw new AppError('unprocessable', `None of the ${features} features could be imported`, errors.slice(0, 100));
  }

  let created = 0;
  let updated = 0;
  await prisma.$transaction(async (tx) => {
    for (let i = 0; i < good.length; i += CHUNK) {
      for (const r of await upsertChunk(tx as unknown as Db, good.slice(i, i + CHUNK), opts.source ?? null)) {
        if (r.inserted) created++;
        else updated++;
      }
    }
  }, { timeout: 120_000, maxWait: 30_000 });

  const byLevel: Record<string, number> = {};
  for (const b of good) byLevel[b.level] = (byLevel[b.level] ?? 0) + 1;
  return { features, imported: good.length, created, updated, unchanged: good.length - created - updated, byLevel, errors };
}

async function upsertChunk(tx: Db, chunk: ParsedBoundary[], source: string | null) {
  const bbox = (i: 0 | 1 | 2 | 3) => chunk.map((b) => b.bbox[i]);
  // Geometry travels as text and becomes jsonb in SQL: one array parameter per column, one statement per chunk.
  // `xmax = 0` marks a fresh insert; the WHERE leaves identical polygons alone, so they count as unchanged.
  return tx.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO admin_boundaries (pcode, level, geometry, min_lon, min_lat, max_lon, max_lat, source, updated_at)
    SELECT p, l::"AdminLevel", g::jsonb, x0, y0, x1, y1, ${source}, now()
    FROM unnest(
      ${chunk.map((b) => b.pcode)}::text[], ${chunk.map((b) => b.level)}::text[],
      ${chunk.map((b) => JSON.stringify(b.geometry))}::text[],
      ${bbox(0)}::float8[], ${bbox(1)}::float8[], ${bbox(2)}::float8[], ${bbox(3)}::float8[]
    ) AS t(p, l, g, x0, y0, x1, y1)
    ON CONFLICT (pcode) DO UPDATE SET
      level = EXCLUDED.level, geometry = EXCLUDED.geometry,
      min_lon = EXCLUDED.min_lon, min_lat = EXCLUDED.min_lat, max_lon = EXCLUDED.max_lon, max_lat = EXCLUDED.max_lat,
      source = COALESCE(EXCLUDED.source, admin_boundaries.source), updated_at = now()
    WHERE (admin_boundaries.level, admin_boundaries.geometry) IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.geometry)
    RETURNING (xmax = 0) AS inserted`;
}
