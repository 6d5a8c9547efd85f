// Duplicates: villagers who see the same device often report it separately. A new report within
// DEDUPE_METERS of an open report (or in the same village), of a similar device, within DEDUPE_DAYS, is linked
// to the earliest such report; the team hears "another report of #n" instead of a second alert.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { DeviceClass } from '../generated/prisma/enums.js';
import { haversineMeters } from '../lib/geo.js';
import { CLOSED } from '../lib/report-status.js';

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
  const candidates = await tx.hazardReport.findMany({
    where: {
      status: { notIn: [...CLOSED] },
      createdAt: { gte: new Date(opts.now.getTime() - opts.days * 86_400_000) },
      ...(opts.excludeId ? { id: { not: opts.excludeId } } : {}),
      OR: [
        ...(hasPoint
          ? [{ lat: { gte: report.lat! - box, lte: report.lat! + box }, lon: { gte: report.lon! - box, lte: report.lon! + box } }]
          : []),
        ...(village ? [{ adminPcode: village }] : []),
      ],
    },
    orderBy: { createdAt: 'asc' },
    take: 200,
  });
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
