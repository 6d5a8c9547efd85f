// Processing one stored inbound message, in one transaction: what it is (routeInbound), the reply queued in
// the outbox at the highest priority, and the row marked handled. Either all of it commits or none does, so a
// message is handled exactly once however often it is claimed (crash, lease expiry, Twilio retry).
import type { AppContext } from '../context.js';
import type { Tx } from '../lib/db.js';
import type { Locale } from '../config.js';
import { enqueue } from '../outbox/enqueue.js';
import { findOrCreateSubscriber } from '../subscribers/find-or-create.js';
import { handleKeyword } from '../subscribers/handle-keyword.js';
import { guessLocale } from '../subscribers/language.js';
import { routeInbound, type InboundOutcome } from './route-inbound.js';
import { holdsClaim, type ClaimedInbound } from './claim-inbound.js';

/** Twilio can only send to phone numbers: short codes and alphanumeric senders get no reply. */
const canReply = (phone: string) => phone.startsWith('+');

export async function processInbound(
  ctx: AppContext,
  tx: Tx,
  row: ClaimedInbound,
  instanceId: string,
): Promise<InboundOutcome | null> {
  // Our lease expired and another worker has it (or has finished it): leave it alone.
  if (!(await holdsClaim(tx, row.id, instanceId))) return null;

  const mediaUrls = Array.isArray(row.mediaUrls) ? (row.mediaUrls as unknown[]).filter((u): u is string => typeof u === 'string') : [];
  const outcome = row.optOutType
    ? await recordProviderOptOut(ctx, tx, row)
    : await routeInbound(ctx, tx, { body: row.body, fromPhone: row.fromPhone, mediaUrls });
  await finishInbound(tx, row, outcome, ctx.clock.now());
  return outcome;
}

/** Queues the reply (once: the dedupe key is the message) and marks the row handled. */
export async function finishInbound(tx: Tx, row: ClaimedInbound, outcome: InboundOutcome, now: Date, state: 'handled' | 'failed' = 'handled') {
  if (outcome.reply && canReply(row.fromPhone)) {
    await enqueue(tx, {
      kind: 'reply',
      to: row.fromPhone,
      body: outcome.reply,
      locale: outcome.locale,
      subscriberId: outcome.subscriberId,
      reportId: outcome.reportId,
      dedupeKey: `inbound:${row.id}:reply`,
    });
  }
  // Raw: once per message on the worker's hot path (see lib/report-row.ts for why).
  await tx.$executeRaw`
    UPDATE inbound_messages SET state = ${state}::"InboundState", handled_as = ${outcome.handledAs}, reply_text = ${outcome.reply},
      subscriber_id = ${outcome.subscriberId}, report_id = ${outcome.reportId}, handled_at = ${now}, claimed_at = NULL, claimed_by = NULL
    WHERE id = ${row.id}`;
}

/**
 * Twilio's Advanced Opt-Out has already answered STOP/START/HELP and will block or unblock the number itself;
 * we record the change (so campaigns skip the number) and send nothing: a second reply would be noise.
 */
async function recordProviderOptOut(ctx: AppContext, tx: Tx, row: ClaimedInbound): Promise<InboundOutcome> {
  const type = row.optOutType!.toLowerCase();
  const sub = canReply(row.fromPhone) ? await findOrCreateSubscriber(ctx, tx, row.fromPhone, row.body, { command: 'help' } /* an opt-out keyword: no language in it */) : null;
  if (sub && (type === 'stop' || type === 'start')) {
    const kw = ctx.keywords.parse(row.body) ?? { command: type, locale: sub.language as Locale, keyword: type, rest: '' };
    const handled = await handleKeyword(ctx, tx, sub, { ...kw, command: type });
    return { reply: null, handledAs: `optout:${type}:${handled?.handledAs ?? 'none'}`, subscriberId: sub.id, reportId: null, locale: sub.language };
  }
  return { reply: null, handledAs: `optout:${type}`, subscriberId: sub?.id ?? null, reportId: null, locale: sub?.language ?? null };
}

/** The safety advice for a message we could not process: the person's known language, else our best guess. */
export async function safetyFallback(ctx: AppContext, tx: Tx, row: ClaimedInbound): Promise<InboundOutcome> {
  const sub = canReply(row.fromPhone) ? await tx.subscriber.findUnique({ where: { phone: row.fromPhone } }) : null;
  const locale = (sub?.language as Locale | undefined) ?? guessLocale({ text: row.body, phone: row.fromPhone, isCommand: Boolean(ctx.keywords.parse(row.body)), defaultLocale: ctx.config.defaultLocale });
  return { reply: ctx.i18n.t(locale, 'safety.reply'), handledAs: 'error', subscriberId: sub?.id ?? null, reportId: null, locale };
}
