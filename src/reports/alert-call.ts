// The escalation call, once someone picks up: the alert, then "press 1 to acknowledge". Pressing 1 is `ACK n`
// by SMS exactly (the same team command, the same history, the reporter told, escalation stopped); the contact
// is the one the outbox row called, never whoever the caller ID says. An answering machine gets the alert and
// "reply ACK by SMS", and the alert moves on to its next step at once: nobody has it yet.
import type { AppContext } from '../context.js';
import type { AnsweredBy } from '../messaging/provider-status.js';
import { messageWithMenuTwiml, promptsTwiml, voicemailTwiml, type KeyMenu } from '../messaging/call-twiml.js';
import { recordMenu, type CallRow } from '../outbox/call-progress.js';
import { escalateAfterFailedSend } from '../alerts/escalation.js';
import { voicePrompt } from '../campaigns/voice-prompts.js';
import { MENU_REPEATS, type MenuUrl } from '../campaigns/voice-call.js';
import { findTeamContact, handleTeamCommand, type TeamContactWithTeam } from './team-commands.js';
import type { Tx } from '../lib/db.js';

type Ctx = Pick<AppContext, 'prisma' | 'i18n' | 'config' | 'clock' | 'log' | 'outbox'>;

function ackMenu(ctx: Ctx, row: CallRow, action: string): KeyMenu {
  const number = row.reportId ?? 0;
  return { action, prompt: voicePrompt(ctx, row.locale, 'ackMenu', { number }), goodbye: voicePrompt(ctx, row.locale, 'ackBySms', { number }) };
}

export async function answerAlertCall(ctx: Ctx, row: CallRow, answeredBy: AnsweredBy | null, url: MenuUrl): Promise<string> {
  if (answeredBy !== 'machine' && answeredBy !== 'fax') return messageWithMenuTwiml(row.body, ackMenu(ctx, row, url({ tries: 0, replays: 0 })));
  await escalateAfterFailedSend(ctx, {
    outboxId: row.id, kind: row.kind, alertId: row.alertId, reportId: row.reportId, status: 'undelivered', errorCode: null,
    providerStatus: `answered by ${answeredBy}`, at: ctx.clock.now(),
  });
  if (answeredBy === 'fax') return promptsTwiml([]);
  return voicemailTwiml(row.body, voicePrompt(ctx, row.locale, 'ackBySms', { number: row.reportId ?? 0 }));
}

export async function alertMenuChoice(ctx: Ctx, row: CallRow, digits: string, progress: { tries: number }, url: MenuUrl): Promise<string> {
  const number = row.reportId ?? 0;
  if (digits === '1') {
    await recordMenu(ctx.prisma, row.id, '1', ctx.clock.now());
    const acked = await acknowledgeFromCall(ctx, row);
    return promptsTwiml([voicePrompt(ctx, row.locale, acked ? 'ackConfirmed' : 'ackFailed', { number })]);
  }
  await recordMenu(ctx.prisma, row.id, null, ctx.clock.now());
  if (progress.tries >= MENU_REPEATS) return promptsTwiml([voicePrompt(ctx, row.locale, 'ackBySms', { number })]);
  const lead = digits === '' ? [] : [voicePrompt(ctx, row.locale, 'wrongKey')];
  return messageWithMenuTwiml(null, ackMenu(ctx, row, url({ tries: progress.tries + 1, replays: 0 })), lead);
}

/** ACK of the call's report by the contact the call went to. False when that is not possible (see the log). */
async function acknowledgeFromCall(ctx: Ctx, row: CallRow): Promise<boolean> {
  if (row.reportId === null || row.alertId === null) return false;
  const reportId = row.reportId;
  const outcome = await ctx.prisma.$transaction(async (tx) => {
    const contact = await calledContact(tx, row.alertId!, row.recipient);
    if (!contact) return null;
    return handleTeamCommand(ctx, tx, contact, { kind: 'ack', reportId, note: null }, 'voice');
  });
  if (outcome?.handledAs !== 'team:ack') {
    ctx.log.warn({ outboxId: row.id, reportId, handledAs: outcome?.handledAs ?? 'no_contact' }, 'a key press in an alert call did not acknowledge');
    return false;
  }
  ctx.outbox.notify();
  return true;
}

/** The team contact this alert call rang: the alert's team's contact with that number, else any contact with it. */
async function calledContact(tx: Tx, alertId: number, phone: string): Promise<TeamContactWithTeam | null> {
  const alert = await tx.alert.findUnique({ where: { id: alertId }, select: { teamId: true } });
  if (alert?.teamId != null) {
    const own = await tx.teamContact.findFirst({
      where: { teamId: alert.teamId, phone, active: true, team: { active: true } },
      include: { team: true },
      orderBy: { id: 'asc' },
    });
    if (own) return own;
  }
  return findTeamContact(tx, phone);
}
