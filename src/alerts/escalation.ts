// Escalation: an alert nobody acknowledges within ackMinutes (ALERT_ACK_MINUTES; critical ALERT_ACK_MINUTES_CRITICAL)
// walks one step per interval: SMS to the team's next contact → a voice call to the first contact → SMS to the
// fallback coordinator → nothing more (the alert stays open, so a late ACK still counts). An ACK settles the
// alert (settle-alerts.ts, called by reports/team-commands.ts) and this job then never picks it up again.
//
// The cron job that runs this (reports/escalation-job.ts) first routes reports whose reporter never answered.
import type { Alert, HazardReport, TeamContact } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import type { AppContext } from '../context.js';
import { enqueue } from '../outbox/enqueue.js';
import { sayTwiml, voiceFor } from '../messaging/twiml.js';
import { VOICE_PATHS } from '../messaging/voice-urls.js';
import { isOpen } from '../lib/report-status.js';
import { SYSTEM } from '../lib/actor.js';
import { formatAlert } from './format-alert.js';
import { countryFacts } from '../districts/countries.js';
import type { SendFailure } from '../outbox/send-failures.js';
import { ackMinutes, findFallbackTeam, placeName } from './route-report.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log'>;

export const ALERT_BATCH = 100;
/** A team has the report in hand: nobody needs waking. (acknowledgedAt survives a re-dispatch, status does not.) */
const TAKEN: readonly ReportStatus[] = ['acknowledged', 'verified', 'tasked'];
/** Steps: 0 alert sent → 1 next contact texted → 2 first contact called → 3 fallback texted (last). */
export const LAST_STEP = 3;

export interface EscalationResult {
  /** Alerts moved on by a step. */
  escalated: number;
  /** Alerts of reports closed or taken on meanwhile (not by an SMS ACK), settled without sending. */
  closed: number;
}

/**
 * Runs `fn` for each item inside a savepoint: one bad alert or report is rolled back and logged, and the rest
 * of the batch still goes out. Without this, one failure would hold every later escalation back for good.
 */
export async function eachIsolated<T>(ctx: Pick<AppContext, 'log'>, tx: Tx, items: readonly T[], what: (item: T) => object, fn: (item: T) => Promise<void>) {
  for (const item of items) {
    await tx.$executeRawUnsafe('SAVEPOINT escalation_item');
    try {
      await fn(item);
      await tx.$executeRawUnsafe('RELEASE SAVEPOINT escalation_item');
    } catch (err) {
      await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT escalation_item');
      ctx.log.error({ err, ...what(item) }, 'escalation step failed; it is retried on the next run');
    }
  }
}

export async function escalateDueAlerts(ctx: Ctx, now: Date): Promise<EscalationResult> {
  return ctx.prisma.$transaction(
    async (tx) => {
      // SKIP LOCKED: a second instance (or an overlapping run) takes other alerts or none, never the same one;
      // an alert an ACK is updating right now is skipped and, once acknowledged, is no longer due.
      const due = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM alerts
        WHERE state = 'open' AND next_escalation_at <= ${now}
        ORDER BY next_escalation_at, id
        LIMIT ${ALERT_BATCH}
        FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return { escalated: 0, closed: 0 };
      const alerts = await loadAlerts(tx, due.map((d) => d.id));
      const counts = { escalated: 0, closed: 0, idle: 0 };
      await eachIsolated(ctx, tx, alerts, (a) => ({ alertId: a.id, reportId: a.reportId }), async (alert) => {
        counts[await advance(ctx, tx, alert, now)]++;
      });
      return { escalated: counts.escalated, closed: counts.closed };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

type DueAlert = Alert & {
  report: HazardReport;
  /** The contact the alert went to (even if deactivated since). */
  contact: TeamContact | null;
  /** The team's active contacts in on-call order. */
  contacts: TeamContact[];
};

// Flat queries, one after another: nested includes make Prisma issue parallel queries on the transaction's
// one connection, which pg deprecates.
async function loadAlerts(tx: Tx, ids: number[]): Promise<DueAlert[]> {
  const alerts = await tx.alert.findMany({ where: { id: { in: ids } }, orderBy: [{ nextEscalationAt: 'asc' }, { id: 'asc' }] });
  const reports = await tx.hazardReport.findMany({ where: { id: { in: alerts.map((a) => a.reportId) } } });
  const teamIds = alerts.flatMap((a) => (a.teamId === null ? [] : [a.teamId]));
  const contactIds = alerts.flatMap((a) => (a.contactId === null ? [] : [a.contactId]));
  const contacts = await tx.teamContact.findMany({
    where: { OR: [{ teamId: { in: teamIds }, active: true }, { id: { in: contactIds } }] },
    orderBy: [{ position: 'asc' }, { id: 'asc' }],
  });
  const reportById = new Map(reports.map((r) => [r.id, r]));
  return alerts.map((a) => ({
    ...a,
    report: reportById.get(a.reportId)!,
    contact: contacts.find((c) => c.id === a.contactId) ?? null,
    contacts: contacts.filter((c) => c.teamId === a.teamId && c.active),
  }));
}

interface Sent {
  channel: 'sms' | 'voice';
  to: Recipient;
}

interface Recipient {
  phone: string;
  locale: string;
  /** For the history: a contact id or "fallback coordinator", never a phone number. */
  who: string;
  contactId: number | null;
}

/** `why` names what moved the alert on in its history; by default it is the missing ACK. */
async function advance(ctx: Ctx, tx: Tx, alert: DueAlert, now: Date, why?: string): Promise<'escalated' | 'closed' | 'idle'> {
  const report = alert.report;
  if (alert.step >= LAST_STEP) {
    await tx.alert.update({ where: { id: alert.id }, data: { nextEscalationAt: null } });
    return 'idle';
  }
  if (!isOpen(report) || TAKEN.includes(report.status)) {
    // Closed or taken on without an ACK by SMS (the API, another alert): stop quietly, send nothing.
    await tx.alert.update({
      where: { id: alert.id },
      data: isOpen(report)
        ? { state: 'acknowledged', acknowledgedAt: report.acknowledgedAt ?? now, nextEscalationAt: null }
        : { state: 'closed', nextEscalationAt: null },
    });
    return 'closed';
  }

  const contacts = alert.contacts;
  const minutes = Math.max(1, Math.round((now.getTime() - alert.createdAt.getTime()) / 60_000));
  const place = await placeName(tx, report);
  const timeZone = countryFacts(ctx.config, await countryOf(tx, report)).timeZone;
  const smsText = (locale: string) =>
    ctx.i18n.t(locale, 'teams:escalation', { minutes }) +
    formatAlert({ report, locale, t: ctx.i18n.t, mapLinkTemplate: ctx.config.reports.mapLinkTemplate, timeZone, placeName: place });

  const steps: Record<number, () => Promise<Sent | null>> = {
    // The team's next contact in on-call order.
    1: async () => {
      const next = nextContact(contacts, alert.contact);
      if (!next) return null;
      const to = contactRecipient(next);
      await send(ctx, tx, alert, 1, { kind: 'escalation', to, body: smsText(to.locale) });
      return { channel: 'sms', to };
    },
    // A call wakes the first contact where an SMS did not.
    2: async () => {
      const first = contacts[0];
      if (!first) return null;
      const to = contactRecipient(first);
      const { locale } = voiceFor(first.language);
      const t = (key: string, vars?: Record<string, unknown>) => ctx.i18n.t(locale, key, vars);
      const text = t('teams:callScript', {
        number: report.id,
        priority: t(`teams:priority.${report.priority}`),
        device: t(`reports:device.${report.deviceClass}`),
        location: spokenPlace(place, report) ?? t('teams:unknownPlace'),
        minutes,
      });
      // Served by the answer route once answering-machine detection has spoken: the alert, then "press 1 to
      // acknowledge" for a person; the alert and "reply ACK by SMS" for a machine, which also escalates at once.
      await send(ctx, tx, alert, 2, {
        kind: 'call', to: { ...to, locale }, body: sayTwiml(text, first.language), callUrl: VOICE_PATHS.answer, machineDetection: 'DetectMessageEnd',
      });
      return { channel: 'voice', to };
    },
    // Whoever coordinates when a team does not answer.
    3: async () => {
      const to = await fallbackRecipient(ctx, tx, alert);
      if (!to) return null;
      await send(ctx, tx, alert, 3, { kind: 'escalation', to, body: smsText(to.locale) });
      return { channel: 'sms', to };
    },
  };

  // A step with nobody to reach (no second contact, no fallback) is passed over at once, not after a wait.
  let step = alert.step;
  let sent: Sent | null = null;
  while (step < LAST_STEP && !sent) {
    step++;
    sent = (await steps[step]?.()) ?? null;
  }

  await tx.alert.update({
    where: { id: alert.id },
    data: { step, nextEscalationAt: step >= LAST_STEP ? null : new Date(now.getTime() + ackMinutes(ctx, report) * 60_000) },
  });
  await tx.reportEvent.create({
    data: {
      reportId: report.id,
      kind: 'escalation',
      actor: SYSTEM.id,
      actorType: SYSTEM.type,
      note: sent
        ? `${why ?? `no ACK after ${minutes} min`}: step ${step}, ${sent.channel === 'voice' ? 'call to' : 'SMS to'} ${sent.to.who}`
        : `${why ?? `no ACK after ${minutes} min`}: nobody left to escalate to`,
      details: { alertId: alert.id, step, channel: sent?.channel ?? null, contactId: sent?.to.contactId ?? null, fallback: sent !== null && step === LAST_STEP },
      at: now,
    },
  });
  if (!sent) ctx.log.warn({ alertId: alert.id, reportId: report.id }, 'alert unacknowledged and no one left to escalate to');
  return 'escalated';
}

/** The alert's own sends: the first SMS and the escalation SMS and calls (not the team's webhook). */
const REACHING_KINDS = ['alert', 'escalation', 'call'];

/**
 * An alert SMS or call the provider reports undelivered or failed (30003 unreachable, 30008 unknown error, no
 * answer) reached nobody, so waiting for an ACK is pointless: the alert takes its next step now, exactly as the
 * job would after the ACK timeout. Only the alert's latest send counts (a late failure of a step already passed
 * changes nothing), and the row lock with SKIP LOCKED leaves an alert an ACK or the job holds to them. Called
 * through the outbox's send-failure hook (bootstrap.ts). Never throws: if the step fails, the alert is made due
 * now so the next job run takes it.
 */
export async function escalateAfterFailedSend(ctx: Ctx & Pick<AppContext, 'outbox'>, failure: SendFailure): Promise<boolean> {
  const alertId = failure.alertId;
  if (alertId === null || !REACHING_KINDS.includes(failure.kind)) return false;
  const now = failure.at;
  const why = `${failure.kind === 'call' ? 'call' : 'SMS'} ${failure.status}${failure.errorCode ? ` (${failure.errorCode})` : ''}`;
  try {
    const escalated = await ctx.prisma.$transaction(
      async (tx) => {
        const [open] = await tx.$queryRaw<{ id: number }[]>`
          SELECT id FROM alerts WHERE id = ${alertId} AND state = 'open' AND next_escalation_at IS NOT NULL
          FOR UPDATE SKIP LOCKED`;
        if (!open) return false;
        const [latest] = await tx.$queryRaw<{ id: number }[]>`
          SELECT id FROM outbox WHERE alert_id = ${alertId} AND kind::text IN ('alert', 'escalation', 'call')
          ORDER BY id DESC LIMIT 1`;
        if (latest?.id !== failure.outboxId) return false;
        const [alert] = await loadAlerts(tx, [alertId]);
        return (await advance(ctx, tx, alert!, now, why)) === 'escalated';
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
    if (escalated) {
      ctx.log.info({ alertId, outboxId: failure.outboxId, errorCode: failure.errorCode }, 'alert send failed: escalated at once');
      ctx.outbox.notify();
    }
    return escalated;
  } catch (err) {
    ctx.log.error({ err, alertId, outboxId: failure.outboxId }, 'escalating after a failed alert send failed; the next job run takes it');
    await ctx.prisma.alert
      .updateMany({ where: { id: alertId, state: 'open', nextEscalationAt: { gt: now } }, data: { nextEscalationAt: now } })
      .catch(() => undefined);
    return false;
  }
}

async function send(
  ctx: Ctx,
  tx: Tx,
  alert: DueAlert,
  step: number,
  msg: { kind: 'escalation' | 'call'; to: Recipient; body: string; callUrl?: string; machineDetection?: 'DetectMessageEnd' },
) {
  await enqueue(tx, {
    kind: msg.kind,
    callUrl: msg.callUrl ?? null,
    machineDetection: msg.machineDetection ?? null,
    to: msg.to.phone,
    body: msg.body,
    locale: msg.to.locale,
    reportId: alert.reportId,
    alertId: alert.id,
    // A run repeated (two instances, a crash and a re-run) queues each step once.
    dedupeKey: `escalation:${alert.id}:${step}`,
  });
}

function contactRecipient(c: { id: number; phone: string; language: string }): Recipient {
  return { phone: c.phone, locale: c.language, who: `contact ${c.id}`, contactId: c.id };
}

/** The active contact after the one alerted, by position (the alerted one may have been deactivated since). */
function nextContact(contacts: readonly TeamContact[], alerted: TeamContact | null): TeamContact | undefined {
  if (!alerted) return undefined;
  return contacts.find((c) => c.id !== alerted.id && (c.position > alerted.position || (c.position === alerted.position && c.id > alerted.id)));
}

async function fallbackRecipient(ctx: Ctx, tx: Tx, alert: DueAlert): Promise<Recipient | null> {
  const phone = ctx.config.reports.fallbackCoordinatorPhone;
  if (phone) return { phone, locale: ctx.config.defaultLocale, who: 'fallback coordinator', contactId: null };
  const team = await findFallbackTeam(tx);
  const first = team && team.id !== alert.teamId ? team.contacts[0] : undefined;
  return first ? { ...contactRecipient(first), who: `fallback team ${team!.id} contact ${first.id}` } : null;
}

async function countryOf(tx: Tx, report: HazardReport): Promise<string | undefined> {
  const pcode = report.adminPcode ?? report.districtPcode;
  if (!pcode) return undefined;
  return (await tx.adminUnit.findUnique({ where: { pcode }, select: { country: true } }))?.country;
}

/** A place a Latin-script voice can read: gazetteer names are English; free text in Khmer or Lao is not. */
function spokenPlace(place: string | null, report: HazardReport): string | null {
  const text = place ?? report.locationText;
  return text && /^[\p{Script=Latin}\p{N}\p{P}\p{Zs}]+$/u.test(text) ? text : null;
}
