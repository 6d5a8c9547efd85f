// Words and clauses for the safety check. Khmer and Lao write no spaces between words (a space ends a
// phrase), so words come from Intl.Segmenter's dictionary word boundaries (Node's full ICU); the same code
// serves English and Spanish. Lexicon phrases are tokenised the same way, so "ចូលជិត" matches whatever split
// ICU makes of it, as long as it starts and ends on a word boundary ("ប៉ះ" is not found inside "ប៉ះពាល់").

export interface Token {
  /** Normalised for matching: lower case; for Spanish also without accents ("recójala" → "recojala"). */
  norm: string;
  /** As written. */
  text: string;
  /** Offset in the text. */
  index: number;
  /** What stands between this word and the previous one (spaces, commas): a space ends a Khmer/Lao phrase. */
  gap: string;
}

export interface Clause {
  tokens: Token[];
  /** The whole sentence this clause belongs to, as written (for messages). */
  sentence: string;
  /** Sentence ends with "?": a question states no instruction ("Digging a well?"). */
  question: boolean;
}

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) segmenters.set(locale, (s = new Intl.Segmenter(locale, { granularity: 'word' })));
  return s;
}

/** Normalised form used for both text and lexicon. */
export function normalise(word: string, locale: string): string {
  const lower = word.toLocaleLowerCase(locale).replace(/[\u2018\u2019]/g, "'");
  // Spanish SMS texts drop accents to stay GSM-7, so the lexicon must match both spellings. Khmer and Lao
  // combining marks carry meaning and are kept.
  return locale === 'es' ? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC') : lower.normalize('NFC');
}

/** Word tokens of a text (punctuation and spaces dropped). */
export function words(text: string, locale: string): Token[] {
  const out: Token[] = [];
  let gap = '';
  for (const s of segmenter(locale).segment(text)) {
    if (!s.isWordLike) {
      gap += s.segment;
      continue;
    }
    out.push({ text: s.segment, norm: normalise(s.segment, locale), index: s.index, gap });
    gap = '';
  }
  return out;
}

// Clause ends inside a sentence: semicolon, colon (Khmer "៖"), dashes, brackets, and commas where the
// lexicon says so.
const CLAUSE_END = /[;:៖—–()¿¡]/u;
const CLAUSE_END_WITH_COMMA = /[,;:៖—–()¿¡]/u;

/**
 * Sentences split into clauses at punctuation. A clause is the reach of a negation: "do not panic, then pick
 * it up" is two clauses. Spanish lists ("nunca la toque, la patee ni la mueva") keep their commas: whether a
 * comma ends a clause is the lexicon's `commaEndsClause`.
 */
export function clauses(text: string, locale: string, commaEndsClause: boolean): Clause[] {
  const out: Clause[] = [];
  // Keep each sentence's own terminator so a question can be told from a statement.
  for (const m of text.matchAll(/[^.!?។៕\n]+[.!?។៕]*/gu)) {
    const sentence = m[0].trim();
    if (!sentence) continue;
    const question = /\?\s*$/.test(sentence);
    for (const part of sentence.split(commaEndsClause ? CLAUSE_END_WITH_COMMA : CLAUSE_END)) {
      const tokens = words(part, locale);
      if (tokens.length) out.push({ tokens, sentence, question });
    }
  }
  return out;
}

/**
 * How many tokens from `tokens[i]` spell `phrase` exactly, or 0. In Khmer and Lao (joiner '') spaces are
 * ignored; in languages that write spaces between words (joiner ' '), words are joined by one space, so
 * "recoja la" is not the single word "recójala". Matching the concatenated
 * words, not a token list, makes a phrase independent of how ICU happens to split it, while still starting
 * and ending on word boundaries.
 */
export function matchAt(tokens: Token[], i: number, phrase: string, joiner = ''): number {
  let acc = '';
  for (let j = i; j < tokens.length; j++) {
    acc += (j > i ? joiner : '') + tokens[j]!.norm;
    if (acc === phrase) return j - i + 1;
    if (acc.length >= phrase.length || !phrase.startsWith(acc)) return 0;
  }
  return 0;
}
