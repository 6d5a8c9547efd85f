// Routing: the team whose coverage holds the report's place (the most specific coverage wins: a team for the
// district before a team for the whole province) gets an alert through the outbox, at alert priority.
// No covering team → the fallback team or FALLBACK_COORDINATOR_PHONE. A team webhook gets the report as JSON.
// The report's own status (dispatched) is changed by reports/dispatch.ts, which calls this.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { enqueue } from '../outbox/enqueue.js';
import { ancestry } from '../districts/ancestry.js';
import { districtDisplayName } from '../districts/resolve-district.js';
import type { Locale } from '../config.js';
import { formatAlert } from './format-alert.js';
import { countryFacts } from '../districts/countries.js';
import { reportPayload } from './report-payload.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log'>;

export interface RouteResult {
  alertId: number | null;
  teamId: number | null;
  viaFallback: boolean;
}

export interface AlertedTeam extends RouteResult {
  /** Who was alerted, for the report's history; null when nobody could be (the report is not dispatched). */
  note: string | null;
}

export async function findCoveringTeam(tx: Tx, pcodes: string[]) {
  if (pcodes.length === 0) return null;
  const coverages = await tx.teamCoverage.findMany({
    where: { pcode: { in: pcodes }, team: { active: true } },
    include: { team: { include: { contacts: { where: { active: true }, orderBy: { position: 'asc' } } } } },
  });
  // pcodes run from the most specific unit up, so the lowest index is the closest coverage.
  coverages.sort((a, b) => pcodes.indexOf(a.pcode) - pcodes.indexOf(b.pcode) || a.teamId - b.teamId);
  return coverages[0]?.team ?? null;
}

export async function findFallbackTeam(tx: Tx) {
  return tx.clearanceTeam.findFirst({
    where: { isFallback: true, active: true },
    include: { contacts: { where: { active: true }, orderBy: { position: 'asc' } } },
    orderBy: { id: 'asc' },
  });
}

export function ackMinutes(ctx: Ctx, report: Pick<HazardReport, 'priority'>): number {
  return report.priority === 'critical' ? ctx.config.reports.ackMinutesCritical : ctx.config.reports.ackMinutes;
}

/** A readable place: the matched unit and its parents up to the district ("Ou Thum, Banteay Neang, Mongkol Borey"). */
/** The report's place up to its district: Latin names for teams, or the reader's script when `locale` is given. */
export async function placeName(tx: Tx, report: Pick<HazardReport, 'adminPcode' | 'locationText'>, locale?: Locale): Promise<string | null> {
  if (!report.adminPcode) return report.locationText;
  const chain = await ancestry(tx, report.adminPcode);
  const upToDistrict = chain.slice(0, chain.findIndex((u) => u.level === 'district') + 1 || chain.length);
  return upToDistrict.map((u) => (locale ? districtDisplayName(u, locale) : u.nameEn)).join(', ') || report.locationText;
}

export async function alertTeam(ctx: Ctx, tx: Tx, report: HazardReport, now: Date): Promise<AlertedTeam> {
  const chain = report.adminPcode ? await ancestry(tx, report.adminPcode) : [];
  const covering = await findCoveringTeam(tx, chain.map((u) => u.pcode));
  const team = covering ?? (await findFallbackTeam(tx));
  const contact = team?.contacts[0] ?? null;
  const fallbackPhone = ctx.config.reports.fallbackCoordinatorPhone;
  const recipient = contact?.phone ?? fallbackPhone;
  if (!recipient) {
    ctx.log.error({ reportId: report.id }, 'no team covers this report and no fallback is configured: it waits in the API');
    return { alertId: null, teamId: null, viaFallback: true, note: null };
  }

  const locale = contact?.language ?? ctx.config.defaultLocale;
  const country = chain[0]?.country ?? ctx.config.defaultCountry;
  const place = await placeName(tx, report);
  const text =
    (covering ? '' : ctx.i18n.t(locale, 'teams:fallbackNote')) +
    formatAlert({ report, locale, t: ctx.i18n.t, mapLinkTemplate: ctx.config.reports.mapLinkTemplate, timeZone: countryFacts(ctx.config, country).timeZone, placeName: place });

  // Raw SQL: once per report on the inbound worker's hot path (see lib/report-row.ts).
  const [alert] = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO alerts (report_id, team_id, contact_id, step, next_escalation_at, created_at, updated_at)
    VALUES (${report.id}, ${team?.id ?? null}, ${contact?.id ?? null}, 0,
      ${new Date(now.getTime() + ackMinutes(ctx, report) * 60_000)}, ${now}, ${new Date()})
    RETURNING id`;
  await enqueue(tx, { kind: 'alert', to: recipient, body: text, locale, reportId: report.id, alertId: alert!.id, dedupeKey: `alert:${alert!.id}:0` });
  if (team?.webhookUrl) {
    await enqueue(tx, {
      kind: 'webhook',
      channel: 'webhook',
      to: team.webhookUrl,
      body: JSON.stringify(reportPayload(report, { place, chain, event: 'report.dispatched' })),
      reportId: report.id,
      alertId: alert!.id,
      dedupeKey: `webhook:${alert!.id}`,
    });
  }
  await tx.$executeRaw`UPDATE hazard_reports SET team_id = ${team?.id ?? null}, updated_at = ${new Date()} WHERE id = ${report.id}`;
  return {
    alertId: alert!.id,
    teamId: team?.id ?? null,
    viaFallback: !covering,
    note: team ? `alert to ${team.name}${covering ? '' : ' (fallback)'}` : 'alert to the fallback coordinator',
  };
}
