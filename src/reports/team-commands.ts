// Commands a clearance team texts back from a plain phone: ACK n, DONE n, FALSE n, NOTFOUND n, DUP n m and
// NOTE n text, with the keywords of any locale and Khmer or Lao digits. Each one changes the report through
// the lifecycle (who and when in its history), stops escalation where it settles the report, tells the
// reporter through the outbox, and answers the contact in their own language.
import type { ClearanceTeam, HazardReport, TeamContact } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import type { AppContext } from '../context.js';
import type { KeywordMatch } from '../subscribers/keywords.js';
import { AppError } from '../lib/errors.js';
import { teamContactActor } from '../lib/actor.js';
import { settleAlerts } from '../alerts/settle-alerts.js';
import { addNote, changeStatus } from './lifecycle.js';
import { notifyReporter } from './notify.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log'>;

export type TeamContactWithTeam = TeamContact & { team: ClearanceTeam };

/** Commands that settle a report, and the status each one sets. */
const OUTCOME = { done: 'cleared', false: 'false_alarm', notfound: 'not_found' } as const satisfies Record<string, ReportStatus>;

export type TeamCommand =
  | { kind: 'ack'; reportId: number; note: string | null }
  | { kind: keyof typeof OUTCOME; reportId: number; note: string | null }
  | { kind: 'dup'; reportId: number; originalId: number }
  | { kind: 'note'; reportId: number; text: string };

export interface TeamCommandOutcome {
  reply: string;
  handledAs: string;
  reportId: number | null;
}

/** Report ids are Postgres int4; a longer number cannot be a report and must not reach a query. */
const MAX_REPORT_ID = 2_147_483_647;

// Khmer ០-៩, Lao ໐-໙ and Thai ๐-๙ (Lao phones often carry a Thai keyboard) to ASCII.
const DIGIT_BLOCKS = [0x17e0, 0x0ed0, 0x0e50];
export function asciiDigits(s: string): string {
  return s.replace(/[\u17e0-\u17e9\u0ed0-\u0ed9\u0e50-\u0e59]/g, (d) => {
    const cp = d.codePointAt(0)!;
    const base = DIGIT_BLOCKS.find((b) => cp >= b && cp <= b + 9)!;
    return String(cp - base);
  });
}

// "12", "#12", "№12", "n° 12", "#១២"; the number may run straight into Khmer or Lao text ("១២មានមីន").
const NUMBER_RE = /^(?:#|№|n[º°]\.?)?\s*(\d{1,12})(?!\d)\s*/iu;
// Between the two numbers of DUP: separators and at most one short word ("12 of 34", "12 de 34", "12 → 34").
const BETWEEN_RE = /^[\s,;:/=>→-]*(?:[\p{L}]{1,6}[\s,;:/=>→-]+)?/u;

function takeNumber(s: string): { n: number; rest: string } | null {
  const m = NUMBER_RE.exec(s);
  if (!m) return null;
  return { n: Number(m[1]), rest: s.slice(m[0].length).trim() };
}

/** Reads the arguments of a team command; `{ error: 'usage' }` when they are not what the command needs. */
export function parseTeamCommand(kw: KeywordMatch): TeamCommand | { error: 'usage' } {
  const first = takeNumber(asciiDigits(kw.rest).trim());
  if (!first) return { error: 'usage' };
  const { n: reportId, rest } = first;
  switch (kw.command) {
    case 'ack':
    case 'done':
    case 'false':
    case 'notfound':
      return { kind: kw.command, reportId, note: rest || null };
    case 'dup': {
      const second = takeNumber(rest.replace(BETWEEN_RE, ''));
      return second ? { kind: 'dup', reportId, originalId: second.n } : { error: 'usage' };
    }
    case 'note':
      return rest ? { kind: 'note', reportId, text: rest } : { error: 'usage' };
    default:
      return { error: 'usage' };
  }
}

/** The active contact (with team) for a phone; a contact of a regular team before one of the fallback team. */
export async function findTeamContact(tx: Tx, phone: string): Promise<TeamContactWithTeam | null> {
  const contacts = await tx.teamContact.findMany({
    where: { phone, active: true, team: { active: true } },
    include: { team: true },
    orderBy: { id: 'asc' },
  });
  return contacts.find((c) => !c.team.isFallback) ?? contacts[0] ?? null;
}

export async function handleTeamCommand(
  ctx: Ctx,
  tx: Tx,
  contact: TeamContactWithTeam,
  cmd: TeamCommand,
  /** How the command came: an SMS, or a key pressed in an alert call. */
  via: 'sms' | 'voice' = 'sms',
): Promise<TeamCommandOutcome> {
  const locale = contact.language;
  const t = (key: string, vars?: Record<string, unknown>) => ctx.i18n.t(locale, key, vars);
  const statusName = (s: ReportStatus) => t(`teams:status.${s}`);
  const unknown = (number: number): TeamCommandOutcome => ({ reply: t('teams:unknownReport', { number }), handledAs: 'team:unknown_report', reportId: null });

  const report = cmd.reportId <= MAX_REPORT_ID ? await tx.hazardReport.findUnique({ where: { id: cmd.reportId } }) : null;
  if (!report) return unknown(cmd.reportId);

  const acting = await actingContact(tx, contact, report);
  if (!acting) {
    const other = await tx.clearanceTeam.findUnique({ where: { id: report.teamId! }, select: { name: true } });
    return { reply: t('teams:otherTeam', { number: report.id, team: other?.name ?? '' }), handledAs: 'team:other_team', reportId: report.id };
  }
  const actor = teamContactActor(acting.teamId, acting.id);
  const now = ctx.clock.now();

  /** The lifecycle's "no" (and only that) becomes a reply naming the current and the wanted status. */
  const change = async (reportId: number, to: ReportStatus, note: string | null) => {
    try {
      return await changeStatus(tx, reportId, { to, actor, at: now, note, details: { via, command: cmd.kind } });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'unprocessable') throw err;
      const from = (err.details as { from?: ReportStatus } | undefined)?.from ?? report.status;
      return { refused: { reply: t('teams:notAllowed', { number: reportId, status: statusName(from), to: statusName(to) }), handledAs: 'team:not_allowed', reportId } };
    }
  };

  switch (cmd.kind) {
    case 'ack': {
      const result = await change(report.id, 'acknowledged', cmd.note);
      if ('refused' in result) return result.refused;
      // A report nobody was routed to belongs to whoever takes it.
      if (report.teamId === null) await tx.hazardReport.update({ where: { id: report.id }, data: { teamId: acting.teamId } });
      await settleAlerts(tx, report.id, { state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor.id });
      if (result.changed) await notifyReporter(ctx, tx, result.after, 'acknowledged');
      return { reply: t('teams:ackConfirmed', { number: report.id }), handledAs: 'team:ack', reportId: report.id };
    }
    case 'done':
    case 'false':
    case 'notfound': {
      const to = OUTCOME[cmd.kind];
      const result = await change(report.id, to, cmd.note);
      if ('refused' in result) return result.refused;
      await settleAlerts(tx, report.id, { state: 'closed' });
      if (result.changed) await notifyReporter(ctx, tx, result.after, to);
      return { reply: t('teams:statusChanged', { number: report.id, status: statusName(to) }), handledAs: `team:${cmd.kind}`, reportId: report.id };
    }
    case 'dup': {
      const invalid = await checkOriginal(tx, report, cmd.originalId);
      if (invalid === 'missing') return { ...unknown(cmd.originalId), reportId: report.id };
      if (invalid) {
        // "DUP 15 15", or an original that is itself a duplicate: name the report to use where we can.
        const reply = invalid === 'self'
          ? optionalText(ctx, locale, 'teams:dupSelf', { number: report.id })
          : optionalText(ctx, locale, 'teams:dupOfDuplicate', { number: report.id, original: cmd.originalId, root: invalid.rootId });
        return { reply: reply ?? t('teams:usage'), handledAs: 'team:dup_invalid', reportId: report.id };
      }
      const result = await change(report.id, 'duplicate', `duplicate of #${cmd.originalId}`);
      if ('refused' in result) return result.refused;
      await tx.hazardReport.update({ where: { id: report.id }, data: { duplicateOfId: cmd.originalId } });
      await settleAlerts(tx, report.id, { state: 'closed' });
      return { reply: t('teams:statusChanged', { number: report.id, status: statusName('duplicate') }), handledAs: 'team:dup', reportId: report.id };
    }
    case 'note': {
      await addNote(tx, report.id, actor, cmd.text, now);
      return { reply: t('teams:noteAdded', { number: report.id }), handledAs: 'team:note', reportId: report.id };
    }
  }
}

/**
 * Who acts on this report: the texting contact when the report is theirs, unrouted, or they are the fallback
 * coordinator; else the same phone's contact in the report's own team or the fallback team (one person may
 * sit in several teams, and the history should name the team they acted for). Null: another team's report.
 */
async function actingContact(tx: Tx, contact: TeamContactWithTeam, report: HazardReport): Promise<TeamContactWithTeam | null> {
  if (report.teamId === null || report.teamId === contact.teamId) return contact;
  const others = await tx.teamContact.findMany({
    where: { phone: contact.phone, active: true, team: { active: true }, OR: [{ teamId: report.teamId }, { team: { isFallback: true } }] },
    include: { team: true },
    orderBy: { id: 'asc' },
  });
  return others.find((c) => c.teamId === report.teamId) ?? (contact.team.isFallback ? contact : others[0]) ?? null;
}

/** Why report `originalId` cannot be the original of `report`, or null when it can. */
async function checkOriginal(tx: Tx, report: HazardReport, originalId: number) {
  if (originalId === report.id) return 'self' as const;
  const original = originalId <= MAX_REPORT_ID ? await tx.hazardReport.findUnique({ where: { id: originalId } }) : null;
  if (!original) return 'missing' as const;
  if (original.status !== 'duplicate') return null;
  // Follow the chain (bounded) to the report that is not itself a duplicate.
  let root = original;
  for (let i = 0; i < 10 && root.status === 'duplicate' && root.duplicateOfId !== null; i++) {
    const next = await tx.hazardReport.findUnique({ where: { id: root.duplicateOfId } });
    if (!next) break;
    root = next;
  }
  return { rootId: root.id };
}

/** A text that may not be in every locale file yet; null when the key is missing everywhere. */
function optionalText(ctx: Ctx, locale: string, key: string, vars: Record<string, unknown>): string | null {
  return ctx.i18n.instance.exists(key, { lng: locale }) ? ctx.i18n.t(locale, key, vars) : null;
}
