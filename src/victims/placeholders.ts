// A report with casualties creates one placeholder casualty per person it counts, in the report's own
// transaction (reports call down into victims): the focal point then completes each one. No name or phone is
// copied from the report: the reporter is often a neighbour, not the person hurt.
import type { DbOrTx } from '../lib/db.js';
import type { DeviceClass } from '../generated/prisma/enums.js';
import { DEVICE_OF_REPORT } from './vocab.js';

export interface PlaceholderReport {
  id: number;
  deviceClass: DeviceClass;
  createdAt: Date;
  adminPcode: string | null;
  districtPcode: string | null;
  provincePcode: string | null;
  lat: number | null;
  lon: number | null;
  locale: string;
}

export async function createCasualtyPlaceholders(tx: DbOrTx, report: PlaceholderReport, outcomes: ('killed' | 'injured' | 'unknown')[]): Promise<number> {
  if (outcomes.length === 0) return 0;
  const result = await tx.casualty.createMany({
    data: outcomes.map((outcome) => ({
      status: 'placeholder' as const,
      reportId: report.id,
      outcome,
      deviceCategory: DEVICE_OF_REPORT[report.deviceClass],
      accidentDate: report.createdAt,
      accidentYear: report.createdAt.getUTCFullYear(),
      adminPcode: report.adminPcode,
      districtPcode: report.districtPcode,
      provincePcode: report.provincePcode,
      lat: report.lat,
      lon: report.lon,
      language: report.locale,
      createdBy: `report:${report.id}`,
      createdAt: report.createdAt,
    })),
  });
  return result.count;
}

/** The reporter answered "where?" after the report: placeholders not yet completed learn the place too. */
export async function placePlaceholders(tx: DbOrTx, report: PlaceholderReport): Promise<void> {
  await tx.casualty.updateMany({
    where: { reportId: report.id, status: 'placeholder' },
    data: {
      adminPcode: report.adminPcode, districtPcode: report.districtPcode, provincePcode: report.provincePcode,
      lat: report.lat, lon: report.lon, deviceCategory: DEVICE_OF_REPORT[report.deviceClass],
    },
  });
}
