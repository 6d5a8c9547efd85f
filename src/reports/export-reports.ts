// GET /api/reports/export: every matching report as GeoJSON (GIS, IMSMA import) or CSV (spreadsheets), streamed
// page by page (keyset on id) so memory stays flat however many reports there are, and paced by the client:
// a page is only read from the database once the socket has taken the previous one.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { HazardReport, Prisma } from '../generated/prisma/client.js';
import type { Db } from '../lib/db.js';
import { maskPhone } from '../lib/logger.js';
import { reportPayload } from '../alerts/report-payload.js';

export const EXPORT_PAGE_SIZE = 500;

/** Flat, snake_case fields (shapefiles and IMSMA mappings take no nesting), built from the machine payload. */
export function exportRecord(r: HazardReport) {
  const p = reportPayload(r).report;
  return {
    id: p.id,
    status: p.status,
    priority: p.priority,
    priority_reasons: p.priorityReasons.join(';'),
    device_class: p.deviceClass,
    casualties: p.casualties,
    context_flags: p.contextFlags.join(';'),
    original_text: p.originalText,
    reporter_phone: maskPhone(p.reporterPhone),
    channel: p.channel,
    lat: p.location.lat,
    lon: p.location.lon,
    accuracy_m: p.location.accuracyM,
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

export function geoJsonFeature(r: HazardReport) {
  const { lat, lon, ...properties } = exportRecord(r);
  return {
    type: 'Feature' as const,
    id: r.id,
    // RFC 7946: [longitude, latitude]; a report placed only by name has no point, and null geometry is valid.
    geometry: lat !== null && lon !== null ? { type: 'Point' as const, coordinates: [lon, lat] } : null,
    properties,
  };
}

const CSV_COLUMNS = [
  'id', 'status', 'priority', 'priority_reasons', 'device_class', 'casualties', 'context_flags', 'original_text',
  'reporter_phone', 'channel', 'lat', 'lon', 'accuracy_m', 'location_source', 'location_text', 'admin_pcode',
  'district_pcode', 'province_pcode', 'team_id', 'assignee', 'duplicate_of_id', 'created_at', 'acknowledged_at', 'closed_at',
] as const satisfies readonly (keyof ExportRecord)[];
// Fails to compile when exportRecord gains a field the CSV header does not list.
const csvHasEveryField: Exclude<keyof ExportRecord, (typeof CSV_COLUMNS)[number]> extends never ? true : never = true;
void csvHasEveryField;

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
  row(r: HazardReport, index: number): string;
  tail: string;
}

export const FORMATS: Record<'geojson' | 'csv', ExportFormat> = {
  geojson: {
    contentType: 'application/geo+json; charset=utf-8',
    extension: 'geojson',
    head: '{"type":"FeatureCollection","features":[\n',
    row: (r, i) => `${i === 0 ? '' : ',\n'}${JSON.stringify(geoJsonFeature(r))}`,
    tail: '\n]}\n',
  },
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    // The BOM tells Excel the file is UTF-8; without it Khmer and Lao text opens as mojibake.
    head: `\uFEFF${csvLine(CSV_COLUMNS)}`,
    row: (r) => {
      const rec = exportRecord(r);
      return csvLine(CSV_COLUMNS.map((c) => rec[c]));
    },
    tail: '',
  },
};

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
    const chunk = page.map((r, i) => format.row(r, written + i)).join('');
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
