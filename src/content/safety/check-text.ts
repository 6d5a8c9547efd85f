// One entry point for "is this text safe to send in this language": the clause rules with the locale's
// lexicon for km, lo, es (and any language given a lexicon), the object-aware English word list for en.
// Used by npm run content:check, campaign creation and preview, and team/coordinator text sent to villagers.
import { findBannedAdvice } from '../check-content.js';
import { checkClauses, type SafetyHit } from './clause-rules.js';
import { loadLexicon } from './lexicon.js';

export interface TextSafety {
  errors: SafetyHit[];
  warnings: SafetyHit[];
  /** No lexicon for this locale: nothing could be checked, which callers must treat as a failure. */
  unchecked: boolean;
}

export function checkTextSafety(text: string, locale: string, lexiconDir?: string): TextSafety {
  // {{variables}} are not words of the language; a district name could hold anything.
  const plain = text.replace(/\{\{[^}]*\}\}/g, ' ');
  if (locale === 'en') {
    const errors = findBannedAdvice(plain).map((h) => ({ rule: 'unnegated' as const, phrase: h.phrase, meaning: h.phrase, sentence: h.sentence }));
    return { errors, warnings: [], unchecked: false };
  }
  const lex = loadLexicon(locale, lexiconDir);
  if (!lex) return { errors: [], warnings: [], unchecked: true };
  const hits = checkClauses(plain, lex);
  return {
    errors: hits.filter((h) => h.rule === 'unnegated'),
    warnings: hits.filter((h) => h.rule !== 'unnegated'),
    unchecked: false,
  };
}

/** 'advises "ប៉ះ" (touch) without a negation in: "…"' — how a hit is named in findings and 422 details. */
export function describeHit(h: SafetyHit, locale: string): string {
  const what = locale === 'en' ? `"${h.phrase}"` : `"${h.phrase}" (${h.meaning})`;
  return h.rule === 'unnegated'
    ? `advises ${what} without a negation in: "${h.sentence}"`
    : `has ${what} after a negated verb without its own negation, so it can be read as advice, in: "${h.sentence}"`;
}
