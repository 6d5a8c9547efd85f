// Walking the gazetteer: a unit's ancestors (village → commune → district → province), and the district
// nearest a point. Without boundary polygons, "the containing district" of a coordinate is the district
// whose centre is nearest, within a sanity radius; the parse record says so.
import type { DbOrTx } from '../lib/db.js';
import { haversineMeters } from '../lib/geo.js';

export interface UnitRef {
  pcode: string;
  level: 'province' | 'district' | 'commune' | 'village';
  nameEn: string;
  nameLocal: string | null;
  country: string;
}

/** The unit and its ancestors, most specific first. */
export async function ancestry(tx: DbOrTx, pcode: string): Promise<UnitRef[]> {
  return tx.$queryRaw<UnitRef[]>`
    WITH RECURSIVE up(pcode, level, parent_pcode, name_en, name_local, country, depth) AS (
      SELECT pcode, level::text, parent_pcode, name_en, name_local, country, 0 FROM admin_units WHERE pcode = ${pcode}
      UNION ALL
      SELECT a.pcode, a.level::text, a.parent_pcode, a.name_en, a.name_local, a.country, up.depth + 1
      FROM admin_units a JOIN up ON a.pcode = up.parent_pcode WHERE up.depth < 6
    )
    SELECT pcode, level, name_en AS "nameEn", name_local AS "nameLocal", country FROM up ORDER BY depth`;
}

/** The district whose centre is nearest, if within `maxMeters` (default 60 km: a large Cambodian district). */
export async function nearestDistrict(tx: DbOrTx, point: { lat: number; lon: number }, maxMeters = 60_000) {
  // A coarse box first (1° ≈ 111 km) keeps this to a handful of rows.
  const rows = await tx.adminUnit.findMany({
    where: {
      level: 'district',
      lat: { gte: point.lat - 1, lte: point.lat + 1 },
      lon: { gte: point.lon - 1, lte: point.lon + 1 },
    },
    select: { pcode: true, lat: true, lon: true },
  });
  let best: { pcode: string; meters: number } | null = null;
  for (const r of rows) {
    if (r.lat === null || r.lon === null) continue;
    const meters = haversineMeters(point, { lat: r.lat, lon: r.lon });
    if (meters <= maxMeters && (!best || meters < best.meters)) best = { pcode: r.pcode, meters };
  }
  return best;
}
