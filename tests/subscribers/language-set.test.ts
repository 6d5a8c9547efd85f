// The reply-language choice over the labelled set (npm run lang:eval prints the same numbers). The floors guard
// the costliest error, a safety reply in a language the reader cannot read: romanised Khmer and Lao, script and
// keyword-only messages must keep their language; English and Spanish may fall back to the country's language
// when the identifiers are unsure.
import { describe, expect, it } from 'vitest';
import { LANGUAGE_SET, PHONE_OF } from '../fixtures/language-set.js';
import { evaluateLanguage } from '../../src/subscribers/evaluate-language.js';
import { createKeywordTable } from '../../src/subscribers/keywords.js';
import { loadResources } from '../../src/lib/i18n.js';
import { identifyLanguage } from '../../src/subscribers/language.js';

const FLOORS: Record<string, number> = {
  en: 0.85, es: 0.95, km_roman: 1, lo_roman: 1, km_script: 1, lo_script: 1, mixed: 1, keyword: 1,
};

describe('reply language over the labelled set', () => {
  const scores = evaluateLanguage(createKeywordTable(loadResources()), LANGUAGE_SET.map((s) => ({ ...s, phone: PHONE_OF[s.from] })));

  it('when the set is measured, then it has at least 200 messages in every class', () => {
    expect(LANGUAGE_SET.length).toBeGreaterThanOrEqual(200);
    expect(scores.map((s) => s.class).sort()).toEqual(Object.keys(FLOORS).sort());
  });

  it.each(Object.entries(FLOORS))('when class %s is measured, then its accuracy is at least %s', (cls, floor) => {
    const score = scores.find((s) => s.class === cls)!;
    expect(score.accuracy, JSON.stringify(score.misses)).toBeGreaterThanOrEqual(floor);
  });

  it('when romanised Khmer or Lao is identified, then it is never called English or Spanish', () => {
    for (const s of LANGUAGE_SET.filter((x) => x.class === 'km_roman' || x.class === 'lo_roman')) {
      expect(identifyLanguage(s.text), s.text).toBeNull();
    }
  });
});
