// What happened inside a call we placed, on its outbox row: who answered (answering-machine detection),
// whether the listener reached the key menu at the end, and the key that did something. The provider's
// status callbacks record the rest (ringing, completed, busy…).
import type { Db } from '../lib/db.js';
import type { AnsweredBy } from '../messaging/provider-status.js';

export interface CallRow {
  id: number;
  kind: string;
  recipient: string;
  locale: string | null;
  /** The message's own TwiML. */
  body: string;
  alertId: number | null;
  reportId: number | null;
  campaignId: number | null;
  subscriberId: number | null;
  callAttempt: number;
}

/**
 * The call row an answer or menu webhook is about: a voice row with this outbox id whose provider id, once
 * known, is this CallSid (a signed request for one call never acts on another call's row).
 */
export async function findCallRow(prisma: Db, outboxId: number, callSid: string): Promise<CallRow | null> {
  const row = await prisma.outboxMessage.findUnique({
    where: { id: outboxId },
    select: {
      id: true, kind: true, channel: true, recipient: true, locale: true, body: true, alertId: true, reportId: true, campaignId: true,
      subscriberId: true, callAttempt: true, providerId: true,
    },
  });
  if (!row || row.channel !== 'voice' || (row.providerId !== null && row.providerId !== callSid)) return null;
  const { channel: _c, providerId: _p, ...call } = row;
  return call;
}

/** Records who answered (a later, surer verdict replaces an earlier one; none keeps what we had). */
export async function recordAnswer(prisma: Db, id: number, answeredBy: AnsweredBy | null, now: Date): Promise<void> {
  if (!answeredBy) return;
  await prisma.outboxMessage.update({ where: { id }, data: { answeredBy, updatedAt: now } });
}

/** The listener reached the menu at the end (they heard the message through); `choice` the key that acted. */
export async function recordMenu(prisma: Db, id: number, choice: string | null, now: Date): Promise<void> {
  await prisma.$executeRaw`
    UPDATE outbox SET listened_at = COALESCE(listened_at, ${now}::timestamp(3)), menu_choice = COALESCE(${choice}, menu_choice),
      updated_at = ${now}::timestamp(3)
    WHERE id = ${id}::int`;
}
