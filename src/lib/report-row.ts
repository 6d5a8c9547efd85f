// Hazard reports read and written with raw SQL on the inbound worker's hot path. A Prisma model query costs
// about 1 ms of CPU in its query compiler, a raw one about 0.3 ms, and intake runs a dozen of them per report.
// Every column is aliased to its Prisma field name, so a raw row is exactly a HazardReport.
import type { HazardReport } from '../generated/prisma/client.js';
import type { DbOrTx, Tx } from './db.js';

export const REPORT_COLUMNS = `id, status::text AS status, priority::text AS priority, priority_reasons AS "priorityReasons",
  device_class::text AS "deviceClass", original_text AS "originalText", reporter_phone AS "reporterPhone",
  reporter_id AS "reporterId", locale, channel, lat, lon, accuracy_m AS "accuracyM", location_text AS "locationText",
  location_source AS "locationSource", location_confidence AS "locationConfidence", admin_pcode AS "adminPcode",
  district_pcode AS "districtPcode", province_pcode AS "provincePcode", casualties, context_flags AS "contextFlags",
  media_urls AS "mediaUrls", recording_url AS "recordingUrl", recording_link AS "recordingLink", parse, dialogue_state AS "dialogueState", questions_asked AS "questionsAsked",
  dialogue_until AS "dialogueUntil", duplicate_of_id AS "duplicateOfId", team_id AS "teamId", assignee,
  acknowledged_at AS "acknowledgedAt", closed_at AS "closedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function reportById(db: DbOrTx, id: number, opts: { forUpdate?: boolean } = {}): Promise<HazardReport | null> {
  const rows = await db.$queryRawUnsafe<HazardReport[]>(
    `SELECT ${REPORT_COLUMNS} FROM hazard_reports WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    id,
  );
  return rows[0] ?? null;
}

export interface ReportEventInput {
  reportId: number;
  kind: string;
  actor: string;
  actorType: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string | null;
  details?: unknown;
  at: Date;
}

/** One history line. */
export async function insertReportEvent(tx: Tx, e: ReportEventInput): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO report_events (report_id, kind, from_status, to_status, actor, actor_type, note, details, at)
     VALUES ($1, $2, $3::"ReportStatus", $4::"ReportStatus", $5, $6, $7, $8::jsonb, $9)`,
    e.reportId, e.kind, e.fromStatus ?? null, e.toStatus ?? null, e.actor, e.actorType, e.note ?? null,
    e.details === undefined || e.details === null ? null : JSON.stringify(e.details), e.at,
  );
}
