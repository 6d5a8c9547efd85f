// Casualty statistics as the Landmine Monitor reports them: by year, province and device category, counting
// killed/injured, civilian/military, sex and child/adult. One set-based query; the figures are de-identified by
// construction. Outside the victim-assistance role, counts from 1 to 4 are shown as "<5" (small cells can
// point at a person in a village).
import type { AppContext } from '../context.js';
import type { StatsQuery } from './victims.schemas.js';

export const SUPPRESS_BELOW = 5;
export const SUPPRESSED = '<5';

export const MEASURES = [
  'total', 'killed', 'injured', 'outcomeUnknown', 'civilians', 'military', 'deminers', 'female', 'male', 'sexUnknown',
  'children', 'adults', 'ageUnknown', 'killedChildren', 'injuredChildren',
] as const;
export type Measure = (typeof MEASURES)[number];

export interface StatsRow extends Record<Measure, number | typeof SUPPRESSED> {
  year: number | null;
  provincePcode: string | null;
  provinceName: string | null;
  deviceCategory: string;
}

interface RawRow extends Record<Measure, bigint | number> {
  year: number | null;
  province_pcode: string | null;
  province_name: string | null;
  device_category: string;
}

export async function casualtyStats(ctx: Pick<AppContext, 'prisma'>, q: StatsQuery, opts: { suppress: boolean }) {
  const rows = await ctx.prisma.$queryRaw<RawRow[]>`
    SELECT c.accident_year AS year, c.province_pcode, u.name_en AS province_name, c.device_category,
      count(*) AS "total",
      count(*) FILTER (WHERE outcome = 'killed') AS "killed",
      count(*) FILTER (WHERE outcome = 'injured') AS "injured",
      count(*) FILTER (WHERE outcome = 'unknown') AS "outcomeUnknown",
      count(*) FILTER (WHERE category IN ('civilian', 'unknown')) AS "civilians",
      count(*) FILTER (WHERE category IN ('security', 'deminer')) AS "military",
      count(*) FILTER (WHERE category = 'deminer') AS "deminers",
      count(*) FILTER (WHERE sex = 'female') AS "female",
      count(*) FILTER (WHERE sex = 'male') AS "male",
      count(*) FILTER (WHERE sex = 'unknown') AS "sexUnknown",
      count(*) FILTER (WHERE age_group = 'child') AS "children",
      count(*) FILTER (WHERE age_group = 'adult') AS "adults",
      count(*) FILTER (WHERE age_group = 'unknown') AS "ageUnknown",
      count(*) FILTER (WHERE outcome = 'killed' AND age_group = 'child') AS "killedChildren",
      count(*) FILTER (WHERE outcome = 'injured' AND age_group = 'child') AS "injuredChildren"
    FROM casualties c LEFT JOIN admin_units u ON u.pcode = c.province_pcode
    WHERE (${q.from ?? null}::int IS NULL OR c.accident_year >= ${q.from ?? null}::int)
      AND (${q.to ?? null}::int IS NULL OR c.accident_year <= ${q.to ?? null}::int)
      AND (${q.province ?? null}::text IS NULL OR c.province_pcode = ${q.province ?? null}::text)
    GROUP BY c.accident_year, c.province_pcode, u.name_en, c.device_category
    ORDER BY c.accident_year NULLS LAST, c.province_pcode NULLS LAST, c.device_category`;
  const cell = (n: number) => (opts.suppress && n > 0 && n < SUPPRESS_BELOW ? SUPPRESSED : n);
  const totals = Object.fromEntries(MEASURES.map((m) => [m, 0])) as Record<Measure, number>;
  const data: StatsRow[] = rows.map((r) => {
    const out = { year: r.year, provincePcode: r.province_pcode, provinceName: r.province_name, deviceCategory: r.device_category } as StatsRow;
    for (const m of MEASURES) {
      const n = Number(r[m]);
      totals[m] += n;
      out[m] = cell(n);
    }
    return out;
  });
  return {
    data,
    totals: Object.fromEntries(MEASURES.map((m) => [m, cell(totals[m])])) as Record<Measure, number | typeof SUPPRESSED>,
    suppressed: opts.suppress,
    note: 'Casualties recorded in Hazardline, including placeholders from SMS reports not yet completed; military = security forces and deminers.',
  };
}

// HXL: one tag per column, so humanitarian tools read the export without a mapping.
const COLUMNS: [string, string, (r: StatsRow) => unknown][] = [
  ['year', '#date+year', (r) => r.year ?? ''],
  ['province_pcode', '#adm1+code', (r) => r.provincePcode ?? ''],
  ['province_name', '#adm1+name', (r) => r.provinceName ?? ''],
  ['device_category', '#cause+type', (r) => r.deviceCategory],
  ['casualties', '#affected+total', (r) => r.total],
  ['killed', '#affected+killed', (r) => r.killed],
  ['injured', '#affected+injured', (r) => r.injured],
  ['outcome_unknown', '#affected+unknown', (r) => r.outcomeUnknown],
  ['civilians', '#affected+civilians', (r) => r.civilians],
  ['military', '#affected+military', (r) => r.military],
  ['deminers', '#affected+deminers', (r) => r.deminers],
  ['female', '#affected+f', (r) => r.female],
  ['male', '#affected+m', (r) => r.male],
  ['sex_unknown', '#affected+sex_unknown', (r) => r.sexUnknown],
  ['children', '#affected+children', (r) => r.children],
  ['adults', '#affected+adults', (r) => r.adults],
  ['age_unknown', '#affected+age_unknown', (r) => r.ageUnknown],
  ['killed_children', '#affected+killed+children', (r) => r.killedChildren],
  ['injured_children', '#affected+injured+children', (r) => r.injuredChildren],
];

export function csvCell(v: unknown): string {
  const s = v == null ? '' : String(v);
  // A leading = + - @ would run as a formula in a spreadsheet; quote and prefix it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function statsCsv(rows: StatsRow[]): string {
  const lines = [COLUMNS.map((c) => c[0]).join(','), COLUMNS.map((c) => c[1]).join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(c[2](r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
