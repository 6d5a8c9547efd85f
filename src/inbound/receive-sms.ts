// Every inbound SMS: persist first (a villager's message is never lost), then handle it once. Twilio retries
// webhooks, so the MessageSid is the idempotency key: a retry gets the stored reply and changes nothing.
import type { Prisma, Subscriber } from '../generated/prisma/client.js';
import type { AppContext } from '../context.js';
import { isUniqueViolation } from '../lib/errors.js';
import { cleanText } from '../lib/text.js';
import { normalizePhone } from '../subscribers/phone.js';
import { guessLocale, detectScript } from '../subscribers/language.js';
import { handleKeyword, join } from '../subscribers/handle-keyword.js';
import type { Locale } from '../config.js';

type Tx = Prisma.TransactionClient;

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

/** A pending JOIN is answered by a bare place name within this window. */
const PENDING_JOIN_MS = 24 * 3600_000;
const PENDING_JOIN_MAX_CHARS = 60;

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
      const outcome = await dispatch(ctx, tx, body, row.fromPhone);
      await tx.inboundMessage.update({
        where: { id: row.id },
        data: { handledAs: outcome.handledAs, replyText: outcome.reply, subscriberId: outcome.subscriberId },
      });
      return { reply: outcome.reply, handledAs: outcome.handledAs, duplicate: false };
    }));
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

interface Outcome {
  reply: string | null;
  handledAs: string;
  subscriberId: number | null;
}

async function dispatch(ctx: AppContext, tx: Tx, body: string, fromPhone: string): Promise<Outcome> {
  const isPhone = fromPhone.startsWith('+');
  const kw = ctx.keywords.parse(body);
  const sub = isPhone ? await findOrCreateSubscriber(ctx, tx, fromPhone, body, kw?.locale) : null;
  if (!sub) {
    return { reply: ctx.i18n.t(ctx.config.defaultLocale, 'safety.reply'), handledAs: 'text:unknown_sender', subscriberId: null };
  }

  if (kw) {
    const handled = await handleKeyword(ctx, tx, sub, kw);
    if (handled) return { ...handled, subscriberId: sub.id };
  }

  // The answer to "which district?" is often just the name.
  const recent = ctx.clock.now().getTime() - sub.updatedAt.getTime() < PENDING_JOIN_MS;
  if (!kw && sub.status === 'pending' && recent && body.length <= PENDING_JOIN_MAX_CHARS) {
    const answered = await join(ctx, tx, sub, body, 'keyword:join:answer');
    if (answered.handledAs === 'keyword:join:answer') return { ...answered, subscriberId: sub.id };
  }

  // Anything else may be a hazard report: it is stored (above) and always gets the safety advice, even from a
  // number that sent STOP, because it is the person's own new request and the advice can save a life.
  return { reply: ctx.i18n.t(sub.language, 'safety.reply'), handledAs: 'text', subscriberId: sub.id };
}

async function findOrCreateSubscriber(
  ctx: AppContext,
  tx: Tx,
  phone: string,
  body: string,
  keywordLocale: Locale | undefined,
): Promise<Subscriber> {
  const existing = await tx.subscriber.findUnique({ where: { phone } });
  const guessed = guessLocale({ text: body, phone, keywordLocale, defaultLocale: ctx.config.defaultLocale });
  if (!existing) {
    return tx.subscriber.create({ data: { phone, language: guessed, languageSource: 'guessed', source: 'sms' } });
  }
  // A guess is revised when the person writes in Khmer or Lao script; a chosen language never is.
  const script = detectScript(body);
  if (existing.languageSource === 'guessed' && (script === 'khmer' || script === 'lao') && existing.language !== guessed) {
    return tx.subscriber.update({ where: { id: existing.id }, data: { language: guessed } });
  }
  return existing;
}
