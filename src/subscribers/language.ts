// Choosing a number's reply language from what it wrote. Khmer and Lao script decide at once. Latin text is
// English or Spanish only when two independent language identifiers agree on it (franc-min's trigram model and
// tinyld's): romanised Khmer and Lao ("min nov chit sala") look like no language to either, or like a different
// one to each, and then the language of the number's country holds, because villagers often type Latin letters on
// phones without a Khmer or Lao keyboard but read their own language best. A wrong language on a safety reply is
// the costliest error here, so disagreement means "unsure" and the country rule wins
// (tests/fixtures/language-set.ts and `npm run lang:eval` measure it per class).
import { francAll } from 'franc-min';
import { detectAll } from 'tinyld/light';
import type { Locale } from '../config.js';
import { countryOfPhone } from './phone.js';
import { localeOfCountry } from '../districts/countries.js';

export type Script = 'khmer' | 'lao' | 'latin' | 'other' | 'none';

export function detectScript(text: string): Script {
  let khmer = 0;
  let lao = 0;
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x1780 && cp <= 0x17ff) || (cp >= 0x19e0 && cp <= 0x19ff)) khmer++;
    else if (cp >= 0x0e80 && cp <= 0x0eff) lao++;
    else if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f)) latin++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  if (khmer + lao + latin + other === 0) return 'none';
  // Any Khmer or Lao letters win over Latin ones: "JOIN មង្គលបូរី" is a Khmer speaker.
  if (khmer > 0 || lao > 0) return khmer >= lao ? 'khmer' : 'lao';
  return latin >= other ? 'latin' : 'other';
}

const FRANC_LOCALES: Record<string, Locale> = { eng: 'en', spa: 'es' };
/** Shorter texts are mostly keywords and names: no identifier can tell their language. */
const MIN_LETTERS = 10;

/**
 * 'en' or 'es' when the Latin text is confidently that language, else null (romanised Khmer/Lao, names,
 * keywords, anything the two identifiers do not agree on).
 */
export function identifyLanguage(text: string): Locale | null {
  if (detectScript(text) !== 'latin') return null;
  if ((text.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return null;
  const franc = francAll(text, { minLength: MIN_LETTERS })[0]?.[0];
  const locale = franc ? FRANC_LOCALES[franc] : undefined;
  if (!locale) return null;
  return detectAll(text)[0]?.lang === locale ? locale : null;
}

export interface GuessOptions {
  text: string;
  phone: string | null;
  /** The locale whose keyword the message starts with, if any. */
  keywordLocale?: Locale | undefined;
  /** Whether the text is a keyword command (JOIN, STOP…): its words are names and commands, not a language. */
  isCommand?: boolean | undefined;
  defaultLocale: Locale;
  /** The configured language of a country (config/countries.json); the built-in one when not given. */
  localeOf?: ((country: string | undefined) => Locale | undefined) | undefined;
}

/** What the text alone says for sure: the script, or a confident English/Spanish identification. */
export function confidentLocale(text: string, isCommand = false): Locale | null {
  const script = detectScript(text);
  if (script === 'khmer') return 'km';
  if (script === 'lao') return 'lo';
  return isCommand ? null : identifyLanguage(text);
}

export function guessLocale(opts: GuessOptions): Locale {
  const sure = confidentLocale(opts.text, opts.isCommand);
  if (sure) return sure;
  if (opts.keywordLocale === 'es') return 'es';
  const localeOf = opts.localeOf ?? localeOfCountry;
  return localeOf(opts.phone ? countryOfPhone(opts.phone) : undefined) ?? opts.keywordLocale ?? opts.defaultLocale;
}
