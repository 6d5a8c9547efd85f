// The subscriber record behind a phone number: created on a number's first message, with its language
// guessed from the text and the number's country.
import type { Subscriber } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { detectScript, guessLocale } from './language.js';

export async function findOrCreateSubscriber(
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
