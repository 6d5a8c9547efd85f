// The admin unit of a coordinate: the boundary polygon that contains it where boundaries are imported, else
// the district whose centre is nearest (within the sanity radius). Callers record which rule answered.
import type { DbOrTx } from '../lib/db.js';
import type { BoundaryLookup } from './boundary-index.js';
import { nearestDistrict } from './ancestry.js';

export type DistrictVia = 'boundary' | 'nearest_district_centre';

export interface PointUnit {
  pcode: string;
  level: 'district' | 'commune';
  via: DistrictVia;
}

/**
 * `boundaries` comes from the in-memory index (fetched by the caller outside any transaction). A point in no
 * polygon — none loaded there, a district created after the polygons were drawn, a GPS fix just over a border
 * or off the coast — falls back to the nearest district centre, as before boundaries existed.
 */
export async function unitOfPoint(tx: DbOrTx, boundaries: BoundaryLookup | null, point: { lat: number; lon: number }): Promise<PointUnit | null> {
  const hit = boundaries?.containing(point);
  if (hit) return { ...hit, via: 'boundary' };
  const near = await nearestDistrict(tx, point);
  return near ? { pcode: near.pcode, level: 'district', via: 'nearest_district_centre' } : null;
}
