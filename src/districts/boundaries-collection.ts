// The stored boundary polygons as one GeoJSON FeatureCollection: the console's base map, which must work with
// no internet. Province outlines are not imported (COD-AB district files are what operators have), so a
// province is drawn as its districts' polygons together in one MultiPolygon, inner lines included.
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../lib/db.js';

export type BoundaryCollectionLevel = 'province' | 'district' | 'commune';

interface Row {
  pcode: string;
  level: string;
  name_en: string;
  name_local: string | null;
  geometry: Polygon | MultiPolygon;
}

interface Properties {
  pcode: string;
  name: string;
  nameLocal: string | null;
  level: BoundaryCollectionLevel;
}

export async function boundaryCollection(
  prisma: Db,
  q: { level: BoundaryCollectionLevel; parent?: string | undefined },
): Promise<FeatureCollection<Polygon | MultiPolygon, Properties>> {
  const parent = q.parent ?? null;
  const rows =
    q.level === 'province'
      ? await prisma.$queryRaw<Row[]>`
          SELECT p.pcode, 'province' AS level, p.name_en, p.name_local, b.geometry
          FROM admin_boundaries b
          JOIN admin_units d ON d.pcode = b.pcode
          JOIN admin_units p ON p.pcode = d.parent_pcode AND p.level = 'province'
          WHERE b.level = 'district' AND (${parent}::text IS NULL OR p.parent_pcode = ${parent} OR p.pcode = ${parent})
          ORDER BY p.pcode, b.pcode`
      : await prisma.$queryRaw<Row[]>`
          SELECT u.pcode, u.level::text AS level, u.name_en, u.name_local, b.geometry
          FROM admin_boundaries b JOIN admin_units u ON u.pcode = b.pcode
          WHERE b.level = ${q.level}::"AdminLevel" AND (${parent}::text IS NULL OR u.parent_pcode = ${parent})
          ORDER BY u.pcode`;

  const features: Feature<Polygon | MultiPolygon, Properties>[] = [];
  const byPcode = new Map<string, Feature<MultiPolygon, Properties>>();
  for (const r of rows) {
    const properties: Properties = { pcode: r.pcode, name: r.name_en, nameLocal: r.name_local, level: q.level };
    if (q.level !== 'province') {
      features.push({ type: 'Feature', id: r.pcode, properties, geometry: r.geometry });
      continue;
    }
    let f = byPcode.get(r.pcode);
    if (!f) {
      f = { type: 'Feature', id: r.pcode, properties, geometry: { type: 'MultiPolygon', coordinates: [] } };
      byPcode.set(r.pcode, f);
      features.push(f);
    }
    const parts = r.geometry.type === 'Polygon' ? [r.geometry.coordinates] : r.geometry.coordinates;
    f.geometry.coordinates.push(...parts);
  }
  return { type: 'FeatureCollection', features };
}
