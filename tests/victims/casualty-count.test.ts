// How many people a report says were hurt, in the four languages, with the shipped vocabulary.
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../src/config.js';
import { loadResources } from '../../src/lib/i18n.js';
import { buildVocabulary, type ReportVocabulary } from '../../src/reports/parse/vocabulary.js';
import { countCasualties, MAX_COUNTED_CASUALTIES } from '../../src/reports/parse/casualty-count.js';

const resources = loadResources();
const vocabulary = buildVocabulary(Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, (resources[l]!.reports as { words: Partial<ReportVocabulary> }).words])));
const count = (text: string) => countCasualties(text, vocabulary).people;

describe('casualty count', () => {
  it.each([
    ['mine exploded, 2 people hurt', 2],
    ['mine exploded, two people hurt', 2],
    ['a boy was injured by a bomb', 1],
    ['1 killed and 2 injured near the road', 3],
    ['2 people hurt, bleeding', 2],
    ['three children injured at 13.1 102.5', 3],
    ['mina explotó, dos heridos', 2],
    ['3 heridos en la vereda', 3],
    ['មីនផ្ទុះ មនុស្ស ២ នាក់ របួស', 2],
    ['មីនផ្ទុះ របួសពីរនាក់', 2],
    ['ລະເບີດແຕກ ບາດເຈັບ 2 ຄົນ', 2],
    ['ລະເບີດແຕກ ມີຄົນບາດເຈັບສາມຄົນ', 3],
  ])('when the text is "%s", then %i people are counted', (text, n) => {
    expect(count(text)).toHaveLength(n);
  });

  it('when nobody is hurt, then nobody is counted', () => {
    expect(count('found a mine, nobody hurt')).toEqual([]);
    expect(count('bomb in the field near 12 houses')).toEqual([]);
  });

  it('when the words say killed or injured, then each person carries it', () => {
    expect(count('1 killed and 2 injured')).toEqual(['killed', 'injured', 'injured']);
    expect(count('someone stepped on a mine')).toEqual(['unknown']);
  });

  it('when the number is absurdly large, then at most the cap is counted', () => {
    expect(count('500 people hurt')).toHaveLength(MAX_COUNTED_CASUALTIES);
  });
});
