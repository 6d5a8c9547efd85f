// The report lifecycle (IMSMA's EOD spot task): which status may follow which, and the one function that
// changes a status, stamps who and when in the history, and tells the reporter where that matters.
import type { HazardReport, Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import { AppError } from '../lib/errors.js';
import { clip } from '../lib/text.js';
import type { Actor } from '../lib/actor.js';
import { insertReportEvent, reportById, REPORT_COLUMNS } from '../lib/report-row.js';
import { CLOSED } from '../lib/report-status.js';

const NEXT: Record<ReportStatus, readonly ReportStatus[]> = {
  received: ['triaged', 'dispatched', 'acknowledged', 'duplicate', 'false_alarm'],
  triaged: ['dispatched', 'acknowledged', 'duplicate', 'false_alarm'],
  // A team may report the outcome without a separate ACK; the outcome implies it.
  dispatched: ['acknowledged', 'verified', 'tasked', 'cleared', 'false_alarm', 'not_found', 'duplicate'],
  acknowledged: ['verified', 'tasked', 'cleared', 'false_alarm', 'not_found', 'duplicate'],
  verified: ['tasked', 'cleared', 'false_alarm'],
  tasked: ['cleared'],
  cleared: [],
  false_alarm: ['triaged'],
  duplicate: ['triaged'],
  // Seen again after the team could not find it: back into the queue.
  not_found: ['triaged', 'dispatched'],
};

export function canTransition(from: ReportStatus, to: ReportStatus): boolean {
  return NEXT[from].includes(to);
}

export function allowedNext(from: ReportStatus): readonly ReportStatus[] {
  return NEXT[from];
}

/** Statuses the reporter hears about, with the text key in reports.json. */
export const REPORTER_UPDATES: Partial<Record<ReportStatus, string>> = {
  acknowledged: 'acknowledged',
  cleared: 'cleared',
  false_alarm: 'falseAlarm',
  not_found: 'notFound',
};

export interface StatusChange {
  to: ReportStatus;
  actor: Actor;
  note?: string | null;
  at: Date;
  details?: Prisma.InputJsonValue;
}

/**
 * Moves a report to `to` if the lifecycle allows it, under a row lock so two teams answering at once cannot
 * both win. Throws AppError('unprocessable') otherwise. Returns the report before and after.
 */
export async function changeStatus(tx: Tx, reportId: number, change: StatusChange) {
  // Raw SQL: this runs twice per report on the inbound worker's hot path (see lib/report-row.ts).
  const before = await reportById(tx, reportId, { forUpdate: true });
  if (!before) throw new AppError('not_found', `Report ${reportId} does not exist`);
  const from = before.status;
  if (from === change.to) return { before, after: before, changed: false };
  if (!canTransition(from, change.to)) {
    throw new AppError('unprocessable', `Report ${reportId} is ${from} and cannot become ${change.to}`, {
      from,
      to: change.to,
      allowed: NEXT[from],
    });
  }
  const closed = CLOSED.includes(change.to);
  const [after] = await tx.$queryRawUnsafe<HazardReport[]>(
    `UPDATE hazard_reports SET status = $2::"ReportStatus",
       acknowledged_at = CASE WHEN $3 AND acknowledged_at IS NULL THEN $4 ELSE acknowledged_at END,
       closed_at = CASE WHEN $5 THEN $4 ELSE NULL END,
       dialogue_state = CASE WHEN $5 THEN NULL ELSE dialogue_state END,
       updated_at = $6
     WHERE id = $1
     RETURNING ${REPORT_COLUMNS}`,
    reportId, change.to, change.to === 'acknowledged', change.at, closed, new Date(),
  );
  await insertReportEvent(tx, {
    reportId, kind: 'status', fromStatus: from, toStatus: change.to, actor: change.actor.id, actorType: change.actor.type,
    note: change.note ?? null, details: change.details ?? null, at: change.at,
  });
  return { before, after: after!, changed: true };
}

export async function addNote(tx: Tx, reportId: number, actor: Actor, note: string, at: Date, kind = 'note') {
  await insertReportEvent(tx, { reportId, kind, actor: actor.id, actorType: actor.type, note: clip(note, 1600), at });
}
