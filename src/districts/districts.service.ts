// Reading the gazetteer with active-subscriber counts. Subscribers belong to districts; a province's count is
// the sum of its districts'.
import type { Db } from '../lib/db.js';
import type { AdminLevel } from '../generated/prisma/enums.js';

export interface UnitView {
  pcode: string;
  level: AdminLevel;
  parentPcode: string | null;
  nameEn: string;
  nameLocal: string | null;
  unitType: string | null;
  lat: number | null;
  lon: number | null;
  subscribers: number;
  children?: UnitView[];
}

async function activeCounts(prisma: Db): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<{ pcode: string; n: number }[]>`
    SELECT d.pcode, count(*)::int AS n FROM subscribers s JOIN admin_units d ON d.pcode = s.district_pcode
    WHERE s.status = 'active' GROUP BY d.pcode
    UNION ALL
    SELECT d.parent_pcode, count(*)::int FROM subscribers s JOIN admin_units d ON d.pcode = s.district_pcode
    WHERE s.status = 'active' AND d.parent_pcode IS NOT NULL GROUP BY d.parent_pcode`;
  return new Map(rows.map((r) => [r.pcode, Number(r.n)]));
}

const select = {
  pcode: true, level: true, parentPcode: true, nameEn: true, nameLocal: true, unitType: true, lat: true, lon: true,
} as const;

export async function listUnits(prisma: Db, q: { level?: AdminLevel | undefined; parent?: string | undefined }) {
  const [units, counts] = await Promise.all([
    prisma.adminUnit.findMany({
      where: { ...(q.level ? { level: q.level } : {}), ...(q.parent ? { parentPcode: q.parent } : {}) },
      select,
      orderBy: { pcode: 'asc' },
      take: 20_000,
    }),
    activeCounts(prisma),
  ]);
  return units.map((u) => ({ ...u, subscribers: counts.get(u.pcode) ?? 0 }));
}

const LEVEL_ORDER: AdminLevel[] = ['province', 'district', 'commune', 'village'];

/** Provinces with their children down to `depth` levels (2 = provinces and districts). */
export async function unitTree(prisma: Db, depth: number): Promise<UnitView[]> {
  const [units, counts] = await Promise.all([
    prisma.adminUnit.findMany({ where: { level: { in: LEVEL_ORDER.slice(0, depth) } }, select, orderBy: { pcode: 'asc' } }),
    activeCounts(prisma),
  ]);
  const byPcode = new Map<string, UnitView>(units.map((u) => [u.pcode, { ...u, subscribers: counts.get(u.pcode) ?? 0 }]));
  const roots: UnitView[] = [];
  for (const node of byPcode.values()) {
    const parent = node.parentPcode ? byPcode.get(node.parentPcode) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
