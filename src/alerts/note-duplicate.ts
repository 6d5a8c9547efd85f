// Notes to the team already holding a report: another villager reported the same device, or the place of a
// report routed early (casualties) is now known. One note each, never a second alert.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { enqueue } from '../outbox/enqueue.js';
import { truncate } from '../lib/text.js';
import { mapLink } from './format-alert.js';
import { placeName } from './route-report.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log'>;

/** Who holds the report now: the contact on its latest alert, else its team's first contact, else the fallback. */
async function holder(ctx: Ctx, tx: Tx, reportId: number) {
  const alert = await tx.alert.findFirst({
    where: { reportId },
    orderBy: { id: 'desc' },
    include: { contact: true, team: { include: { contacts: { where: { active: true }, orderBy: { position: 'asc' } } } } },
  });
  const contact = alert?.contact ?? alert?.team?.contacts[0] ?? null;
  const phone = contact?.phone ?? ctx.config.reports.fallbackCoordinatorPhone;
  return phone ? { phone, locale: contact?.language ?? ctx.config.defaultLocale, alertId: alert?.id ?? null } : null;
}

export async function noteDuplicate(ctx: Ctx, tx: Tx, original: HazardReport, duplicate: HazardReport, meters: number | null) {
  const to = await holder(ctx, tx, original.id);
  if (!to) return;
  const distance = meters !== null ? `${meters} m` : ((await placeName(tx, duplicate)) ?? '');
  await enqueue(tx, {
    kind: 'alert_note',
    to: to.phone,
    locale: to.locale,
    body: ctx.i18n.t(to.locale, 'teams:duplicateNote', {
      duplicate: duplicate.id,
      number: original.id,
      distance,
      text: truncate(duplicate.originalText.replace(/\s+/g, ' ').trim(), 300),
    }),
    reportId: original.id,
    alertId: to.alertId,
    dedupeKey: `dupnote:${duplicate.id}`,
  });
}

export async function noteToTeam(ctx: Ctx, tx: Tx, report: HazardReport, what: 'location') {
  const to = await holder(ctx, tx, report.id);
  if (!to) return;
  const coords = report.lat !== null && report.lon !== null
    ? ` (${report.lat.toFixed(5)}, ${report.lon.toFixed(5)}) ${mapLink(ctx.config.reports.mapLinkTemplate, report.lat, report.lon)}`
    : '';
  await enqueue(tx, {
    kind: 'alert_note',
    to: to.phone,
    locale: to.locale,
    body: ctx.i18n.t(to.locale, 'teams:locationUpdate', {
      number: report.id,
      location: (await placeName(tx, report)) ?? ctx.i18n.t(to.locale, 'teams:unknownPlace'),
      coords,
    }),
    reportId: report.id,
    alertId: to.alertId,
    dedupeKey: `${what}:${report.id}:${report.updatedAt.getTime()}`,
  });
}
