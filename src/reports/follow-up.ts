// "Thanks" or "it is next to the big tree" minutes after a report is about that report, not a new device.
// A short message with no place, device or casualty words, from the same number within
// REPORT_FOLLOWUP_MINUTES of an open report, is added to it as a note, and its team is not alerted again.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { parseReport } from './parse/parse-report.js';
import { addNote } from './lifecycle.js';
import { REPORT_COLUMNS } from '../lib/report-row.js';
import { isOpen } from '../lib/report-status.js';
import { reporterActor } from '../lib/actor.js';
import type { ReportMessage, IntakeOutcome } from './intake.js';

export async function findFollowUpTarget(ctx: AppContext, tx: Tx, phone: string, text: string): Promise<HazardReport | null> {
  const minutes = ctx.config.reports.followUpMinutes;
  if (minutes <= 0) return null;
  const [last] = await tx.$queryRawUnsafe<HazardReport[]>(
    `SELECT ${REPORT_COLUMNS} FROM hazard_reports WHERE reporter_phone = $1 AND created_at >= $2 ORDER BY id DESC LIMIT 1`,
    phone, new Date(ctx.clock.now().getTime() - minutes * 60_000),
  );
  if (!last || !isOpen(last)) return null;
  const parsed = parseReport(text, { vocabulary: ctx.vocabulary, matcher: await ctx.places.get(), mediaUrls: [] });
  const saysSomethingNew =
    parsed.location !== null || parsed.place !== null || parsed.device.source !== 'default' || parsed.casualties.value;
  return saysSomethingNew ? null : last;
}

export async function addFollowUp(ctx: AppContext, tx: Tx, report: HazardReport, msg: ReportMessage): Promise<IntakeOutcome> {
  await addNote(tx, report.id, reporterActor(msg.sub?.id ?? null), msg.text, ctx.clock.now(), 'reporter_note');
  if (msg.mediaUrls.length > 0) {
    await tx.hazardReport.update({
      where: { id: report.id },
      data: { mediaUrls: [...((report.mediaUrls as string[]) ?? []), ...msg.mediaUrls] },
    });
  }
  return {
    reply: ctx.i18n.t(msg.sub?.language ?? report.locale, 'reports:followUpAdded', { number: report.id }),
    handledAs: 'report:follow_up',
    reportId: report.id,
  };
}
