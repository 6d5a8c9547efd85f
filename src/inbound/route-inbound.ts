// What an inbound SMS is: a subscriber keyword, a clearance team's command, the answer to a question we
// asked, a follow-up to a report just made, or a new hazard report. The order matters: keywords work even
// mid-dialogue, and anything we cannot place is treated as a report, because a missed report can cost a life.
import type { Tx } from '../lib/db.js';
import type { HazardReport } from '../generated/prisma/client.js';
import { REPORT_COLUMNS } from '../lib/report-row.js';
import type { AppContext } from '../context.js';
import { handleKeyword, join, PENDING_JOIN_MS } from '../subscribers/handle-keyword.js';
import { findOrCreateSubscriber } from '../subscribers/find-or-create.js';
import { findTeamContact, handleTeamCommand, parseTeamCommand } from '../reports/team-commands.js';
import { answerDialogue, createReport } from '../reports/intake.js';
import { findFollowUpTarget, addFollowUp } from '../reports/follow-up.js';
import { handleVictimsSms } from '../victims/sms-replies.js';

export interface InboundOutcome {
  reply: string | null;
  handledAs: string;
  subscriberId: number | null;
  reportId: number | null;
  /** The language the reply is written in (for the outbox row). */
  locale: string | null;
}

const PENDING_JOIN_MAX_CHARS = 60;
const TEAM_COMMANDS = new Set(['ack', 'done', 'false', 'notfound', 'dup', 'note']);

export async function routeInbound(
  ctx: AppContext,
  tx: Tx,
  msg: { body: string; fromPhone: string; mediaUrls: string[] },
): Promise<InboundOutcome> {
  const { body, fromPhone } = msg;
  const now = ctx.clock.now();
  // A provider's `REF 12 ACCEPT` or a survivor's "1/2/3" to a check-in: before keywords ("1" is also YES) and
  // before a subscriber is made, so answering a check-in does not sign a survivor's family up for anything.
  const va = await handleVictimsSms(ctx, tx, { body, fromPhone });
  if (va) return { reply: va.reply, handledAs: va.handledAs, subscriberId: null, reportId: null, locale: va.locale };
  const kw = ctx.keywords.parse(body);
  const sub = fromPhone.startsWith('+') ? await findOrCreateSubscriber(ctx, tx, fromPhone, body, kw) : null;
  const locale = sub?.language ?? ctx.config.defaultLocale;
  const done = (o: { reply: string | null; handledAs: string; reportId?: number | null }): InboundOutcome => ({
    reply: o.reply, handledAs: o.handledAs, subscriberId: sub?.id ?? null, reportId: o.reportId ?? null, locale: sub?.language ?? null,
  });

  if (kw && sub) {
    const handled = await handleKeyword(ctx, tx, sub, kw);
    if (handled) return done(handled);
  }

  if (kw && TEAM_COMMANDS.has(kw.command)) {
    const cmd = parseTeamCommand(kw);
    const contact = await findTeamContact(tx, fromPhone);
    if (contact) {
      if ('error' in cmd) return done({ reply: ctx.i18n.t(contact.language, 'teams:usage'), handledAs: 'team:usage' });
      return done(await handleTeamCommand(ctx, tx, contact, cmd));
    }
    // "ACK 12" from a stranger is a command attempt; "Note: there is a mine…" is a report.
    if (!('error' in cmd)) return done({ reply: ctx.i18n.t(locale, 'teams:notTeam'), handledAs: 'team:stranger' });
  }

  // The original text is always kept whole; a leading REPORT/MINE/UXO keyword is only kept out of place matching.
  const text = body;
  const reportMsg = { sub, phone: fromPhone, text, mediaUrls: msg.mediaUrls, keyword: kw?.command === 'report' ? kw.keyword : undefined };

  const [open] = await tx.$queryRawUnsafe<HazardReport[]>(
    `SELECT ${REPORT_COLUMNS} FROM hazard_reports
     WHERE reporter_phone = $1 AND dialogue_state = 'awaiting_location' AND dialogue_until > $2 ORDER BY id DESC LIMIT 1`,
    fromPhone, now,
  );
  if (open && text.trim()) return done(await answerDialogue(ctx, tx, open, reportMsg));

  // The answer to "which district?" is often just the name (within PENDING_JOIN_MS).
  if (sub && !kw && sub.status === 'pending' && now.getTime() - sub.updatedAt.getTime() < PENDING_JOIN_MS && body.length <= PENDING_JOIN_MAX_CHARS) {
    const answered = await join(ctx, tx, sub, body, 'keyword:join:answer');
    if (answered.handledAs === 'keyword:join:answer') return done(answered);
  }

  if (!text.trim() && msg.mediaUrls.length === 0) {
    return done({ reply: ctx.i18n.t(locale, 'reports:empty'), handledAs: 'report:empty' });
  }

  const target = await findFollowUpTarget(ctx, tx, fromPhone, text);
  if (target) return done(await addFollowUp(ctx, tx, target, reportMsg));

  return done(await createReport(ctx, tx, reportMsg));
}
