// Every inbound SMS: persist first (a villager's message is never lost), then handle it once. Twilio retries
// webhooks, so the MessageSid is the idempotency key: a retry gets the stored reply and changes nothing.
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../lib/errors.js';
import { cleanText } from '../lib/text.js';
import { normalizePhone } from '../subscribers/phone.js';
import { guessLocale } from '../subscribers/language.js';
import { routeInbound } from './route-inbound.js';

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
}

export interface InboundResult {
  reply: string | null;
  handledAs: string;
  duplicate: boolean;
  inboundId: number;
}


export async function receiveSms(ctx: AppContext, msg: InboundSms): Promise<InboundResult> {
  const body = cleanText(msg.body);
  const row = await persist(ctx, msg, body);
  if (row.handledAs) return { reply: row.replyText, handledAs: row.handledAs, duplicate: true, inboundId: row.id };

  // Warm the place index outside the transaction: PGlite has one connection, and a query on the plain
  // client from inside an interactive transaction would wait for that transaction to end.
  await ctx.places.get();
  let result: Omit<InboundResult, 'inboundId'>;
  try {
    result = await withRetryOnConflict(() => ctx.prisma.$transaction(async (tx) => {
      // Lock the row: a concurrent retry of the same Sid waits here and then sees it handled.
      const [locked] = await tx.$queryRaw<{ handled_as: string | null; reply_text: string | null }[]>`
        SELECT handled_as, reply_text FROM inbound_messages WHERE id = ${row.id} FOR UPDATE`;
      if (locked?.handled_as) return { reply: locked.reply_text, handledAs: locked.handled_as, duplicate: true };
      const outcome = await routeInbound(ctx, tx, { body, fromPhone: row.fromPhone, mediaUrls: msg.mediaUrls });
      await tx.inboundMessage.update({
        where: { id: row.id },
        data: { handledAs: outcome.handledAs, replyText: outcome.reply, subscriberId: outcome.subscriberId, reportId: outcome.reportId },
      });
      return { reply: outcome.reply, handledAs: outcome.handledAs, duplicate: false };
    }, { timeout: 15_000, maxWait: 10_000 }));
    // An alert or question may have been queued: wake the dispatcher rather than wait for its next poll.
    if (!result.duplicate) ctx.outbox.notify();
  } catch (err) {
    // The message is stored but not handled; the row stays unhandled so a retry handles it. The person still
    // gets the safety advice now, in the best language we can guess without the database.
    ctx.log.error({ err, inboundId: row.id }, 'inbound SMS stored but handling failed');
    const locale = guessLocale({ text: body, phone: row.fromPhone, defaultLocale: ctx.config.defaultLocale });
    result = { reply: ctx.i18n.t(locale, 'safety.reply'), handledAs: 'error', duplicate: false };
  }
  ctx.metrics.inbound.inc({ kind: result.duplicate ? 'duplicate' : result.handledAs.split(':').slice(0, 2).join(':') });
  return { ...result, inboundId: row.id };
}

// Two first messages from one new number race to create its subscriber; the loser simply runs again.
async function withRetryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return fn();
  }
}

async function persist(ctx: AppContext, msg: InboundSms, body: string) {
  const phone = normalizePhone(msg.from, ctx.config.defaultCountry);
  const data = {
    messageSid: msg.messageSid,
    // Keep the sender as given when it is not a phone number we understand (short codes, alphanumeric).
    fromPhone: phone ?? cleanText(msg.from),
    toPhone: cleanText(msg.to),
    body,
    numMedia: msg.mediaUrls.length,
    mediaUrls: msg.mediaUrls,
    receivedAt: ctx.clock.now(),
  };
  try {
    return await ctx.prisma.inboundMessage.create({ data });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await ctx.prisma.inboundMessage.findUnique({ where: { messageSid: msg.messageSid } });
    if (!existing) throw err;
    return existing;
  }
}
