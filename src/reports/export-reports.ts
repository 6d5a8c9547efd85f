// GET /api/reports/export: every matching report as GeoJSON (GIS, IMSMA import) or CSV (spreadsheets), streamed
// page by page (keyset on id) so memory stays flat however many reports there are, and paced by the client:
// a page is only read from the database once the socket has taken the previous one.
//
// A report placed only by a name exports the point of its place from the gazetteer (the village's, else its
// commune's or district's centre), and `location_precision` (gps | village | commune | district) tells a GIS
// which points are fixes and which are centres. The CSV's second row is HXL hashtags (humanitarian tools read
// columns by tag, not by header text). The reporter's number is in full only for roles that call back.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { HazardReport, Prisma } from '../generated/prisma/client.js';
import type { Db } from '../lib/db.js';
import { maskPhone } from '../lib/logger.js';
import { reportPayload } from '../alerts/report-payload.js';

export const EXPORT_PAGE_SIZE = 500;

export type LocationPrecision = 'gps' | 'village' | 'commune' | 'district';

/** The gazetteer point standing in for a report that has no coordinates. */
export interface PlacePoint {
  lat: number;
  lon: number;
  precision: Exclude<LocationPrecision, 'gps'>;
}

export interface ExportOptions {
  /** Full reporter numbers (coordinators and admins); masked otherwise. */
  revealPhone: boolean;
}

/** Flat, snake_case fields (shapefiles and IMSMA mappings take no nesting), built from the machine payload. */
export function exportRecord(r: HazardReport, opts: ExportOptions, place: PlacePoint | null = null) {
  const p = reportPayload(r).report;
  const fix = p.location.lat !== null && p.location.lon !== null;
  const point = fix ? null : place;
  return {
    id: p.id,
    status: p.status,
    priority: p.priority,
    priority_reasons: p.priorityReasons.join(';'),
    device_class: p.deviceClass,
    casualties: p.casualties,
    context_flags: p.contextFlags.join(';'),
    original_text: p.originalText,
    reporter_phone: opts.revealPhone ? p.reporterPhone : maskPhone(p.reporterPhone),
    channel: p.channel,
    lat: point ? point.lat : p.location.lat,
    lon: point ? point.lon : p.location.lon,
    accuracy_m: p.location.accuracyM,
    location_precision: (fix ? 'gps' : (point?.precision ?? null)) as LocationPrecision | null,
    location_source: p.location.source,
    location_text: p.location.text,
    admin_pcode: p.location.adminPcode,
    district_pcode: p.location.districtPcode,
    province_pcode: p.location.provincePcode,
    team_id: p.teamId,
    assignee: r.assignee,
    duplicate_of_id: p.duplicateOfId,
    created_at: p.createdAt,
    acknowledged_at: p.acknowledgedAt,
    closed_at: p.closedAt,
  };
}
type ExportRecord = ReturnType<typeof exportRecord>;
type Cell = ExportRecord[keyof ExportRecord];

export function geoJsonFeature(r: HazardReport, opts: ExportOptions, place: PlacePoint | null = null) {
  const { lat, lon, ...properties } = exportRecord(r, opts, place);
  return {
    type: 'Feature' as const,
    id: r.id,
    // RFC 7946: [longitude, latitude]. A report placed only by name gets its place's point (location_precision
    // says so); one placed nowhere, or only in a province, has null geometry, which is valid.
    geometry: lat !== null && lon !== null ? { type: 'Point' as const, coordinates: [lon, lat] } : null,
    properties,
  };
}

const CSV_COLUMNS = [
  'id', 'status', 'priority', 'priority_reasons', 'device_class', 'casualties', 'context_flags', 'original_text',
  'reporter_phone', 'channel', 'lat', 'lon', 'accuracy_m', 'location_precision', 'location_source', 'location_text',
  'admin_pcode', 'district_pcode', 'province_pcode', 'team_id', 'assignee', 'duplicate_of_id', 'created_at',
  'acknowledged_at', 'closed_at',
] as const satisfies readonly (keyof ExportRecord)[];
// Fails to compile when exportRecord gains a field the CSV header does not list.
const csvHasEveryField: Exclude<keyof ExportRecord, (typeof CSV_COLUMNS)[number]> extends never ? true : never = true;
void csvHasEveryField;

/**
 * HXL hashtags (hxlstandard.org), one per column, in the CSV's second row. Core hashtags where one fits
 * (#event, #date, #geo, #adm1/#adm2, #loc, #status, #severity, #item, #description, #contact, #org); the
 * attributes after `+` say which of several. `casualties` is a yes/no flag, not a count, so it is not tagged
 * #affected (tools sum #affected columns); killed/injured counts are not recorded yet.
 */
export const HXL_TAGS: Record<(typeof CSV_COLUMNS)[number], string> = {
  id: '#event+id',
  status: '#status',
  priority: '#severity',
  priority_reasons: '#severity+reasons',
  device_class: '#item+type+ordnance',
  casualties: '#impact+casualties+bool',
  context_flags: '#loc+type+nearby',
  original_text: '#description+original',
  reporter_phone: '#contact+phone+reporter',
  channel: '#meta+channel',
  lat: '#geo+lat',
  lon: '#geo+lon',
  accuracy_m: '#geo+accuracy+m',
  location_precision: '#geo+precision',
  location_source: '#geo+source',
  location_text: '#loc+name',
  admin_pcode: '#loc+code',
  district_pcode: '#adm2+code',
  province_pcode: '#adm1+code',
  team_id: '#org+id+team',
  assignee: '#contact+name+assignee',
  duplicate_of_id: '#event+id+duplicate_of',
  created_at: '#date+reported',
  acknowledged_at: '#date+acknowledged',
  closed_at: '#date+closed',
};

/** RFC 4180 quoting, with the OWASP guard against spreadsheet formulas in text a villager wrote. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

export interface ExportFormat {
  contentType: string;
  extension: string;
  head: string;
  row(r: HazardReport, index: number, place: PlacePoint | null): string;
  tail: string;
}

export type ExportFormatName = 'geojson' | 'csv';

export function exportFormat(name: ExportFormatName, opts: ExportOptions & { hxl: boolean }): ExportFormat {
  if (name === 'geojson') {
    return {
      contentType: 'application/geo+json; charset=utf-8',
      extension: 'geojson',
      head: '{"type":"FeatureCollection","features":[\n',
      row: (r, i, place) => `${i === 0 ? '' : ',\n'}${JSON.stringify(geoJsonFeature(r, opts, place))}`,
      tail: '\n]}\n',
    };
  }
  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    // The BOM tells Excel the file is UTF-8; without it Khmer and Lao text opens as mojibake.
    head: `\uFEFF${csvLine(CSV_COLUMNS)}${opts.hxl ? csvLine(CSV_COLUMNS.map((c) => HXL_TAGS[c])) : ''}`,
    row: (r, _i, place) => {
      const rec = exportRecord(r, opts, place);
      return csvLine(CSV_COLUMNS.map((c) => rec[c]));
    },
    tail: '',
  };
}

/**
 * The gazetteer point of each report in `page` that has a place but no coordinates: the place's own lat/lon,
 * else the nearest ancestor's up to the district (Cambodia's gazetteer has district centres only). One query.
 */
export async function placePoints(prisma: Db, page: HazardReport[]): Promise<Map<string, PlacePoint>> {
  const pcodes = [...new Set(page.filter((r) => (r.lat === null || r.lon === null) && r.adminPcode).map((r) => r.adminPcode!))];
  if (pcodes.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ start: string; level: PlacePoint['precision']; lat: number; lon: number }[]>`
    WITH RECURSIVE up(start, pcode, level, parent_pcode, lat, lon, depth) AS (
      SELECT pcode, pcode, level::text, parent_pcode, lat, lon, 0 FROM admin_units WHERE pcode = ANY(${pcodes}::text[])
      UNION ALL
      SELECT up.start, a.pcode, a.level::text, a.parent_pcode, a.lat, a.lon, up.depth + 1
      FROM admin_units a JOIN up ON a.pcode = up.parent_pcode
      WHERE (up.lat IS NULL OR up.lon IS NULL) AND up.level <> 'district' AND up.depth < 4
    )
    SELECT DISTINCT ON (start) start, level, lat, lon FROM up
    WHERE lat IS NOT NULL AND lon IS NOT NULL AND level IN ('village', 'commune', 'district')
    ORDER BY start, depth`;
  return new Map(rows.map((r) => [r.start, { lat: r.lat, lon: r.lon, precision: r.level }]));
}

/**
 * Writes the whole export to `out`, one page at a time, waiting for 'drain' whenever the socket is full.
 * Returns the number of reports written, or null when the client went away before the end.
 */
export async function streamReports(
  prisma: Db,
  where: Prisma.HazardReportWhereInput,
  format: ExportFormat,
  out: Writable,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<number | null> {
  let written = 0;
  let afterId = 0;
  if (!(await write(out, format.head))) return null;
  for (;;) {
    const page = await prisma.hazardReport.findMany({
      where: { AND: [where, { id: { gt: afterId } }] },
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) break;
    const places = await placePoints(prisma, page);
    const chunk = page.map((r, i) => format.row(r, written + i, r.adminPcode ? (places.get(r.adminPcode) ?? null) : null)).join('');
    written += page.length;
    afterId = page[page.length - 1]!.id;
    if (!(await write(out, chunk))) return null;
    if (page.length < pageSize) break;
  }
  if (format.tail && !(await write(out, format.tail))) return null;
  return written;
}

/** Resolves true once `out` can take more, false if it closed first (client disconnected). */
async function write(out: Writable, chunk: string): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return false;
  if (out.write(chunk)) return true;
  const ac = new AbortController();
  try {
    const winner = await Promise.race([
      once(out, 'drain', { signal: ac.signal }).then(() => true),
      once(out, 'close', { signal: ac.signal }).then(() => false),
    ]);
    return winner && !out.destroyed;
  } finally {
    ac.abort();
  }
}
