// What a phone sent and was sent, in order: inbound rows from the number and outbox rows to it (replies,
// questions, alerts, updates, referrals, campaign messages and calls). Read straight from the tables the real
// path writes. The cursor is one id per table ("<inbound id>.<outbox id>"): ids only grow, so a poll with it
// never skips a row, whatever the clocks of the instances that wrote them.
import type { Db } from '../lib/db.js';
import { callTranscript } from '../messaging/read-twiml.js';

export const PAGE = 200;

export interface ConversationItem {
  id: string;
  at: string;
  direction: 'in' | 'out';
  channel: 'sms' | 'voice';
  kind: string;
  body: string;
  status: string;
  reportId: number | null;
}

export async function readConversation(prisma: Db, q: { phone: string; after?: string | undefined }) {
  const [afterIn, afterOut] = (q.after ?? '0.0').split('.').map(Number) as [number, number];
  const [inbound, outbox] = await Promise.all([
    prisma.inboundMessage.findMany({
      where: { fromPhone: q.phone, id: { gt: afterIn } },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: { id: true, receivedAt: true, channel: true, handledAs: true, body: true, state: true, reportId: true },
    }),
    prisma.outboxMessage.findMany({
      where: { recipient: q.phone, id: { gt: afterOut } },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: { id: true, createdAt: true, channel: true, kind: true, body: true, status: true, reportId: true },
    }),
  ]);
  const items: (ConversationItem & { t: number })[] = [
    ...inbound.map((m) => ({
      id: `in:${m.id}`,
      t: m.receivedAt.getTime(),
      at: m.receivedAt.toISOString(),
      direction: 'in' as const,
      channel: m.channel === 'voice' ? ('voice' as const) : ('sms' as const),
      kind: m.handledAs ?? 'sms',
      body: m.body,
      status: m.state,
      reportId: m.reportId,
    })),
    ...outbox.map((m) => ({
      id: `out:${m.id}`,
      t: m.createdAt.getTime(),
      at: m.createdAt.toISOString(),
      direction: 'out' as const,
      channel: m.channel === 'voice' ? ('voice' as const) : ('sms' as const),
      kind: m.kind,
      // A call's row holds TwiML (or a URL serving it): show what the listener hears.
      body: m.channel === 'voice' ? (callTranscript(m.body) ?? '(call)') : m.body,
      status: m.status,
      reportId: m.reportId,
    })),
  ];
  // Same instant: what came in first, then what it caused.
  items.sort((a, b) => a.t - b.t || (a.direction === b.direction ? 0 : a.direction === 'in' ? -1 : 1));
  const nextCursor = `${inbound.at(-1)?.id ?? afterIn}.${outbox.at(-1)?.id ?? afterOut}`;
  return { data: items.map(({ t: _t, ...item }) => item), nextCursor };
}
