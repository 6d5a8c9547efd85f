// Messages about a report to people other than its team: the reporter's updates (in their language, through
// the outbox) and the victim-assistance referral for casualties.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import type { AppContext } from '../context.js';
import { enqueue } from '../outbox/enqueue.js';
import { clip } from '../lib/text.js';
import { REPORTER_UPDATES } from './lifecycle.js';
import { localTime } from '../alerts/format-alert.js';
import { countryFacts } from '../districts/countries.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock'>;

/** Tells the reporter their report was acknowledged, cleared, a false alarm or not found; once per status. */
export async function notifyReporter(ctx: Ctx, tx: Tx, report: HazardReport, status: ReportStatus): Promise<boolean> {
  const key = REPORTER_UPDATES[status];
  if (!key || report.channel !== 'sms' || !report.reporterPhone.startsWith('+')) return false;
  const reporter = report.reporterId ? await tx.subscriber.findUnique({ where: { id: report.reporterId } }) : null;
  // STOP means no messages we start; the carrier would refuse them anyway (21610).
  if (reporter?.status === 'opted_out' || reporter?.numberInvalidAt) return false;
  const locale = reporter?.language ?? report.locale;
  await enqueue(tx, {
    kind: 'report_update',
    to: report.reporterPhone,
    body: ctx.i18n.t(locale, `reports:${key}`, { number: report.id }),
    locale,
    reportId: report.id,
    subscriberId: reporter?.id ?? null,
    dedupeKey: `update:${report.id}:${status}`,
  });
  return true;
}

// Most specific first: the province's (VICTIM_ASSISTANCE_CONTACTS, REHAB_SERVICES), the country's
// (config/countries.json), then the one default (VICTIM_ASSISTANCE_PHONE, REHAB_SERVICE).
export function victimAssistancePhone(ctx: Ctx, provincePcode: string | null, country?: string): string | undefined {
  const r = ctx.config.reports;
  return (provincePcode ? r.victimAssistanceContacts[provincePcode] : undefined) ??
    countryFacts(ctx.config, country).victimAssistancePhone ?? r.victimAssistancePhone;
}

export function rehabService(ctx: Ctx, provincePcode: string | null, country?: string): string | undefined {
  const r = ctx.config.reports;
  return (provincePcode ? r.rehabServices[provincePcode] : undefined) ?? countryFacts(ctx.config, country).rehabService ?? r.rehabService;
}

/** Casualties: the province's victim-assistance contact hears at once, independently of the clearance team. */
export async function referVictimAssistance(ctx: Ctx, tx: Tx, report: HazardReport, place: string | null, country?: string): Promise<boolean> {
  const phone = victimAssistancePhone(ctx, report.provincePcode, country);
  if (!phone) return false;
  const locale = ctx.config.defaultLocale;
  await enqueue(tx, {
    kind: 'referral',
    to: phone,
    body: ctx.i18n.t(locale, 'teams:victimReferral', {
      number: report.id,
      location: place ?? report.locationText ?? ctx.i18n.t(locale, 'teams:unknownPlace'),
      text: clip(report.originalText.replace(/\s+/g, ' ').trim(), 300),
      reporter: report.reporterPhone,
      time: localTime(report.createdAt, countryFacts(ctx.config, country ?? ctx.config.defaultCountry).timeZone),
    }),
    locale,
    reportId: report.id,
    dedupeKey: `referral:${report.id}`,
  });
  return true;
}
