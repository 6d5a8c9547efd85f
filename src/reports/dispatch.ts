// Sending a report on its way once its place is settled: a duplicate of an open report goes to the team that
// holds the original as a note; anything else is routed to a team (alerts/) and becomes `dispatched` here,
// because the report's lifecycle belongs to reports and alerts never changes a report's status itself.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { SYSTEM } from '../lib/actor.js';
import { alertTeam, type RouteResult } from '../alerts/route-report.js';
import { noteDuplicate } from '../alerts/note-duplicate.js';
import { findDuplicate } from './dedupe.js';
import { changeStatus } from './lifecycle.js';
import { reportById } from '../lib/report-row.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log'>;

/** Alerts the covering team (or the fallback) and marks the report dispatched, stamped `now`. */
export async function routeReport(ctx: Ctx, tx: Tx, report: HazardReport, now = ctx.clock.now()): Promise<RouteResult> {
  const { note, ...result } = await alertTeam(ctx, tx, report, now);
  if (note !== null) await changeStatus(tx, report.id, { to: 'dispatched', actor: SYSTEM, at: now, note });
  return result;
}

/**
 * Once the place is known (or we stop asking): duplicate check, then routing to the team. `now` is the time
 * of the event that settled it: the reporter's message, or the escalation run that stopped waiting.
 */
export async function settle(ctx: Ctx, tx: Tx, report: HazardReport, adminLevel: string | null, now: Date): Promise<HazardReport> {
  const dup = await findDuplicate(tx, { ...report, adminLevel }, {
    meters: ctx.config.reports.dedupeMeters, days: ctx.config.reports.dedupeDays, now, excludeId: report.id,
  });
  if (dup) {
    await tx.hazardReport.update({ where: { id: report.id }, data: { duplicateOfId: dup.original.id } });
    const { after } = await changeStatus(tx, report.id, {
      to: 'duplicate', actor: SYSTEM, at: now,
      note: `duplicate of #${dup.original.id}${dup.meters !== null ? ` (${dup.meters} m)` : ' (same village)'}`,
    });
    await noteDuplicate(ctx, tx, dup.original, after, dup.meters);
    return after;
  }
  if (report.status === 'triaged') await routeReport(ctx, tx, report, now);
  return (await reportById(tx, report.id))!;
}
