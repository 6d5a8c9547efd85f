// The report lifecycle (IMSMA's EOD spot task): which status may follow which, and the one function that
// changes a status, stamps who and when in the history, and tells the reporter where that matters.
import type { Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import { AppError } from '../lib/errors.js';
import { clip } from '../lib/text.js';
import type { Actor } from '../lib/actor.js';
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
  const [locked] = await tx.$queryRaw<{ status: ReportStatus }[]>`
    SELECT status::text AS status FROM hazard_reports WHERE id = ${reportId} FOR UPDATE`;
  if (!locked) throw new AppError('not_found', `Report ${reportId} does not exist`);
  const from = locked.status;
  if (from === change.to) {
    const same = await tx.hazardReport.findUniqueOrThrow({ where: { id: reportId } });
    return { before: same, after: same, changed: false };
  }
  if (!canTransition(from, change.to)) {
    throw new AppError('unprocessable', `Report ${reportId} is ${from} and cannot become ${change.to}`, {
      from,
      to: change.to,
      allowed: NEXT[from],
    });
  }
  const before = await tx.hazardReport.findUniqueOrThrow({ where: { id: reportId } });
  const after = await tx.hazardReport.update({
    where: { id: reportId },
    data: {
      status: change.to,
      ...(change.to === 'acknowledged' && !before.acknowledgedAt ? { acknowledgedAt: change.at } : {}),
      ...(CLOSED.includes(change.to) ? { closedAt: change.at, dialogueState: null } : { closedAt: null }),
    },
  });
  await tx.reportEvent.create({
    data: {
      reportId,
      kind: 'status',
      fromStatus: from,
      toStatus: change.to,
      actor: change.actor.id,
      actorType: change.actor.type,
      note: change.note ?? null,
      details: change.details ?? undefined,
      at: change.at,
    },
  });
  return { before, after, changed: true };
}

export async function addNote(tx: Tx, reportId: number, actor: Actor, note: string, at: Date, kind = 'note') {
  await tx.reportEvent.create({
    data: { reportId, kind, actor: actor.id, actorType: actor.type, note: clip(note, 1600), at },
  });
}
