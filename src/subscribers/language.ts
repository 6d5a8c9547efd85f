// Guessing a new number's language: the script of its text decides first (Khmer and Lao are unambiguous);
// Latin text is Spanish when it looks Spanish, otherwise the language of the number's country, because
// villagers often type Latin letters on phones without a Khmer or Lao keyboard but read their own language.
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

const SPANISH_MARKERS = /[ñ¿¡]|\b(hay|una?|cerca|mina|minas|bomba|artefacto|escuela|niñ[oa]s?|herid[oa]s?|muert[oa]s?|vereda|finca|camino|donde|aqu[ií])\b/i;

export function looksSpanish(text: string): boolean {
  return SPANISH_MARKERS.test(text);
}

export function guessLocale(opts: {
  text: string;
  phone: string | null;
  keywordLocale?: Locale | undefined;
  defaultLocale: Locale;
}): Locale {
  const script = detectScript(opts.text);
  if (script === 'khmer') return 'km';
  if (script === 'lao') return 'lo';
  if (opts.keywordLocale === 'es' || (script === 'latin' && looksSpanish(opts.text))) return 'es';
  return localeOfCountry(opts.phone ? countryOfPhone(opts.phone) : undefined) ?? opts.keywordLocale ?? opts.defaultLocale;
}
