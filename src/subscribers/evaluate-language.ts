// Measures the reply-language choice over a labelled set of messages (npm run lang:eval and its test): the
// same keyword table and guess the inbound worker uses, accuracy per class.
import type { Locale } from '../config.js';
import type { KeywordTable } from './keywords.js';
import { guessLocale } from './language.js';

export interface LabelledMessage {
  text: string;
  phone: string;
  expect: Locale;
  class: string;
}

export interface ClassScore {
  class: string;
  correct: number;
  total: number;
  accuracy: number;
  /** Wrong answers, with what was chosen. */
  misses: { text: string; expected: Locale; got: Locale }[];
}

export function languageFor(keywords: KeywordTable, text: string, phone: string, defaultLocale: Locale): Locale {
  const kw = keywords.parse(text);
  return guessLocale({ text, phone, keywordLocale: kw?.locale, isCommand: Boolean(kw && kw.command !== 'report'), defaultLocale });
}

export function evaluateLanguage(keywords: KeywordTable, set: LabelledMessage[], defaultLocale: Locale = 'en'): ClassScore[] {
  const byClass = new Map<string, ClassScore>();
  for (const m of set) {
    const got = languageFor(keywords, m.text, m.phone, defaultLocale);
    const score = byClass.get(m.class) ?? { class: m.class, correct: 0, total: 0, accuracy: 0, misses: [] };
    byClass.set(m.class, score);
    score.total++;
    if (got === m.expect) score.correct++;
    else score.misses.push({ text: m.text, expected: m.expect, got });
  }
  return [...byClass.values()].map((s) => ({ ...s, accuracy: s.correct / s.total }));
}
