// Duplicates: villagers who see the same device often report it separately. A new report within
// DEDUPE_METERS of an open report (or in the same village), of a similar device, within DEDUPE_DAYS, is linked
// to the earliest such report; the team hears "another report of #n" instead of a second alert.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { DeviceClass } from '../generated/prisma/enums.js';
import { haversineMeters } from '../lib/geo.js';
import { CLOSED } from '../lib/report-status.js';
import { REPORT_COLUMNS } from '../lib/report-row.js';

export interface DedupeCandidate {
  lat: number | null;
  lon: number | null;
  adminPcode: string | null;
  adminLevel: string | null;
  districtPcode: string | null;
  deviceClass: DeviceClass;
}

export interface DuplicateMatch {
  original: HazardReport;
  meters: number | null;
  reason: 'distance' | 'same_village';
}

const similarDevice = (a: DeviceClass, b: DeviceClass) => a === b || a === 'unknown' || b === 'unknown';

export async function findDuplicate(
  tx: Tx,
  report: DedupeCandidate,
  opts: { meters: number; days: number; now: Date; excludeId?: number },
): Promise<DuplicateMatch | null> {
  if (opts.days <= 0) return null;
  const hasPoint = report.lat !== null && report.lon !== null;
  const village = report.adminLevel === 'village' ? report.adminPcode : null;
  if (!hasPoint && !village) return null;
  // 0.01° ≈ 1.1 km: a box comfortably larger than any sensible DEDUPE_METERS, refined by haversine below.
  const box = Math.max(0.01, (opts.meters / 111_000) * 2);
  // Raw SQL: once per report on the inbound worker's hot path (see lib/report-row.ts).
  const params: unknown[] = [[...CLOSED], new Date(opts.now.getTime() - opts.days * 86_400_000), opts.excludeId ?? null];
  const near: string[] = [];
  if (hasPoint) {
    params.push(report.lat! - box, report.lat! + box, report.lon! - box, report.lon! + box);
    near.push(`(lat BETWEEN $${params.length - 3} AND $${params.length - 2} AND lon BETWEEN $${params.length - 1} AND $${params.length})`);
  }
  if (village) {
    params.push(village);
    near.push(`admin_pcode = $${params.length}`);
  }
  const candidates = await tx.$queryRawUnsafe<HazardReport[]>(
    `SELECT ${REPORT_COLUMNS} FROM hazard_reports
     WHERE status::text <> ALL($1::text[]) AND created_at >= $2 AND ($3::int IS NULL OR id <> $3) AND (${near.join(' OR ')})
     ORDER BY created_at ASC LIMIT 200`,
    ...params,
  );
  for (const c of candidates) {
    if (!similarDevice(c.deviceClass, report.deviceClass)) continue;
    if (hasPoint && c.lat !== null && c.lon !== null) {
      const meters = haversineMeters({ lat: report.lat!, lon: report.lon! }, { lat: c.lat, lon: c.lon });
      if (meters <= opts.meters) return { original: c, meters: Math.round(meters), reason: 'distance' };
    }
    if (village && c.adminPcode === village) return { original: c, meters: null, reason: 'same_village' };
  }
  return null;
}
