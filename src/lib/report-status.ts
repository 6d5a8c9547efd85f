// Which report statuses are final. Kept below the features because reports (the lifecycle, dedupe) and
// alerts (escalation stops for a closed report) both ask, and alerts must not import reports.
import type { HazardReport } from '../generated/prisma/client.js';
import type { ReportStatus } from '../generated/prisma/enums.js';

export const CLOSED: readonly ReportStatus[] = ['cleared', 'false_alarm', 'duplicate', 'not_found'];

export function isOpen(report: Pick<HazardReport, 'status'>): boolean {
  return !CLOSED.includes(report.status);
}
