// The subscriber record behind a phone number: created on a number's first message, with its language
// guessed from the text and the number's country.
import type { Subscriber } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { confidentLocale, guessLocale } from './language.js';
import { countryFacts } from '../districts/countries.js';
import type { Command } from './keywords.js';

export async function findOrCreateSubscriber(
  ctx: AppContext,
  tx: Tx,
  phone: string,
  body: string,
  kw: { command: Command; locale?: Locale | undefined } | null | undefined,
): Promise<Subscriber> {
  const existing = await tx.subscriber.findUnique({ where: { phone } });
  // A keyword command's words are commands and names; a REPORT keyword starts an ordinary sentence.
  const isCommand = Boolean(kw && kw.command !== 'report');
  if (!existing) {
    const guessed = guessLocale({
      text: body, phone, keywordLocale: kw?.locale, isCommand, defaultLocale: ctx.config.defaultLocale,
      localeOf: (country) => countryFacts(ctx.config, country).locale,
    });
    return tx.subscriber.create({ data: { phone, language: guessed, languageSource: 'guessed', source: 'sms' } });
  }
  // A guess is revised only by what the text says for sure (Khmer or Lao script, confident English or Spanish);
  // a chosen language (LANG) never is.
  const sure = existing.languageSource === 'guessed' ? confidentLocale(body, isCommand) : null;
  if (sure && existing.language !== sure) {
    return tx.subscriber.update({ where: { id: existing.id }, data: { language: sure } });
  }
  return existing;
}
