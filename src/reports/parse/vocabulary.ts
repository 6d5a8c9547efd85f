// The words a hazard report is read for (device types, casualties, children, places nearby, negations), merged
// over every locale: a villager may mix Khmer and English in one message. Latin entries match as whole words or
// phrases, ignoring case and accents. Khmer and Lao are written without spaces between words: their entries match
// where a word ends, as ICU's dictionary word breaker (Intl.Segmenter) finds words. Compounds put the head first,
// so an entry that begins a longer word is the head of a different word (ទឹក "water" in ទឹកដី "land") and does
// not count, while one that ends it is a modifier that keeps its meaning (របួស "hurt" in អ្នករបួស "injured person").
// Everything is compiled once; a message is prepared (folded) once and then searched per list.
import { foldLatin, matchableText } from '../../lib/text.js';

export const VOCABULARY_LISTS = [
  'ap_mine', 'at_mine', 'cluster_submunition', 'uxo', 'ied', 'mine', 'bomb', 'generic_device',
  'casualty', 'children', 'school', 'road', 'field', 'house', 'water', 'negation',
] as const;
export type VocabularyList = (typeof VOCABULARY_LISTS)[number];
export type ReportVocabulary = Record<VocabularyList, string[]>;

/** A message cleaned and folded once, for searching every list. Indices in hits refer to `text`. */
export interface PreparedText {
  /** The message as matchableText leaves it (NFC, no control or zero-width characters, single spaces). */
  readonly text: string;
  /** Lower case, Latin accents removed; `foldedAt[i]` is the index in `text` folded[i] came from. */
  readonly folded: string;
  readonly foldedAt: readonly number[];
  /** `text` without whitespace, for Khmer/Lao substrings (empty when the text has none of those scripts). */
  readonly squeezed: string;
  readonly squeezedAt: readonly number[];
  /** Indices in `text` where a Khmer or Lao word ends (ICU word breaks; empty when the text has none). */
  readonly wordEnds: ReadonlySet<number>;
}

export interface VocabularyHit {
  list: VocabularyList;
  /** The vocabulary entry that matched, as listed (lower case). */
  entry: string;
  /** The text as written that matched. */
  text: string;
  start: number;
  end: number;
  /** A Khmer/Lao (substring) entry rather than a Latin (whole-word) one. */
  local: boolean;
}

export interface CompiledVocabulary {
  /** The entries of `list` found in the text, each once, in order of appearance. */
  find(list: VocabularyList, text: string | PreparedText): string[];
  /** Every occurrence, in order of position. */
  hits(list: VocabularyList, text: string | PreparedText): VocabularyHit[];
  prepare(text: string): PreparedText;
  /** The merged entries of a list. */
  words(list: VocabularyList): string[];
}

const NON_LATIN_LETTER_RE = /[^\P{L}\p{Script=Latin}]/u;
const WHITESPACE_RE = /\s/;
const COENG = '\u17d2';
const MARK_RE = /^\p{M}/u;
const LOCAL_SCRIPT_RE = /[\u0e80-\u0eff\u1780-\u17ff\u19e0-\u19ff]/u;
// ICU picks the dictionary by script, so one segmenter serves Khmer and Lao alike.
const WORDS = new Intl.Segmenter('km', { granularity: 'word' });
const REGEX_SPECIAL_RE = /[.*+?^${}()|[\]\\]/g;
const SEPARATOR_RE = /[\s-]+/g;

/** Lower case and Latin accents removed, one input character at a time so positions can be mapped back. */
function foldChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c;
  // Latin-1, Latin Extended A/B, IPA, combining marks, Latin Extended Additional: the rest has no Latin accents.
  if (code < 0x0370 || (code >= 0x1e00 && code <= 0x1eff)) return foldLatin(c.toLowerCase());
  return c;
}

const foldString = (s: string): string => [...s].map(foldChar).join('');
/** The key a Latin entry and a matched text share: folded, any run of spaces and hyphens as one space. */
const latinKey = (s: string): string => foldString(s).replace(SEPARATOR_RE, ' ').trim();
const squeeze = (s: string): string => [...s].filter((c) => !WHITESPACE_RE.test(c)).join('');

export function prepareText(raw: string): PreparedText {
  const text = matchableText(raw);
  let folded = '';
  const foldedAt: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const out = foldChar(text[i]!);
    folded += out;
    for (let k = 0; k < out.length; k++) foldedAt.push(i);
  }
  let squeezed = '';
  const squeezedAt: number[] = [];
  const wordEnds = new Set<number>();
  if (NON_LATIN_LETTER_RE.test(text)) {
    for (const { segment, index } of WORDS.segment(text)) {
      if (LOCAL_SCRIPT_RE.test(segment)) wordEnds.add(index + segment.length);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (WHITESPACE_RE.test(c)) continue;
      squeezed += c;
      squeezedAt.push(i);
    }
  }
  return { text, folded, foldedAt, squeezed, squeezedAt, wordEnds };
}

interface CompiledList {
  words: string[];
  /** One alternation of every Latin entry, longest first, between non-letters. */
  latin: RegExp | null;
  latinEntries: Map<string, string>;
  /** Khmer/Lao entries without spaces, longest first, and the entry each came from. */
  local: { key: string; entry: string }[];
}

function compileList(entries: Iterable<string>): CompiledList {
  const words: string[] = [];
  const latinEntries = new Map<string, string>();
  const local = new Map<string, string>();
  for (const raw of entries) {
    const entry = matchableText(raw).toLowerCase();
    if (!entry || words.includes(entry)) continue;
    if (NON_LATIN_LETTER_RE.test(entry)) {
      const key = squeeze(entry);
      if (key && !local.has(key)) local.set(key, entry);
    } else {
      const key = latinKey(entry);
      if (!key || latinEntries.has(key)) continue;
      latinEntries.set(key, entry);
    }
    words.push(entry);
  }
  const keys = [...latinEntries.keys()].sort((a, b) => b.length - a.length);
  const alternation = keys.map((k) => k.replace(REGEX_SPECIAL_RE, '\\$&').replace(/ /g, '[\\s\\-]+')).join('|');
  // \b knows no accented letters; these lookarounds know every Latin letter (the text is folded anyway), and let
  // a Latin word touch Khmer or Lao script ("mineនៅ").
  const latin = keys.length
    ? new RegExp(`(?<![\\p{Script=Latin}\\p{N}])(?:${alternation})(?![\\p{Script=Latin}\\p{N}])`, 'gu')
    : null;
  return {
    words,
    latin,
    latinEntries,
    local: [...local].map(([key, entry]) => ({ key, entry })).sort((a, b) => b.key.length - a.key.length),
  };
}

function scan(list: VocabularyList, compiled: CompiledList, p: PreparedText): VocabularyHit[] {
  const hits: VocabularyHit[] = [];
  if (compiled.latin) {
    const re = compiled.latin;
    re.lastIndex = 0;
    for (let m = re.exec(p.folded); m; m = re.exec(p.folded)) {
      const start = p.foldedAt[m.index]!;
      const end = p.foldedAt[m.index + m[0].length - 1]! + 1;
      const entry = compiled.latinEntries.get(latinKey(m[0])) ?? m[0];
      hits.push({ list, entry, text: p.text.slice(start, end), start, end, local: false });
    }
  }
  if (p.squeezed) {
    const taken: [number, number][] = []; // a longer entry's span hides the shorter entries inside it
    for (const { key, entry } of compiled.local) {
      for (let pos = p.squeezed.indexOf(key); pos >= 0; pos = p.squeezed.indexOf(key, pos + 1)) {
        const after = pos + key.length;
        // A word starts and ends on a syllable boundary: not after a COENG (inside a consonant cluster), not
        // before a dependent vowel, sign or COENG (the syllable goes on).
        if (p.squeezed[pos - 1] === COENG || MARK_RE.test(p.squeezed[after] ?? '')) continue;
        if (taken.some(([s, e]) => pos >= s && after <= e)) continue;
        const start = p.squeezedAt[pos]!;
        const end = p.squeezedAt[after - 1]! + 1;
        if (!p.wordEnds.has(end)) continue; // the head of a longer word: ទឹក in ទឹកដី
        taken.push([pos, after]);
        hits.push({ list, entry, text: p.text.slice(start, end), start, end, local: true });
      }
    }
  }
  return hits.sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Merges the per-locale lists (duplicates dropped, entries that are not strings ignored) and compiles them. */
export function buildVocabulary(perLocale: Record<string, Partial<ReportVocabulary> | undefined>): CompiledVocabulary {
  const lists = new Map<VocabularyList, CompiledList>();
  for (const list of VOCABULARY_LISTS) {
    const entries = Object.values(perLocale).flatMap((vocab) => {
      const words: unknown = vocab?.[list];
      return Array.isArray(words) ? words.filter((w): w is string => typeof w === 'string') : [];
    });
    lists.set(list, compileList(entries));
  }
  const asPrepared = (text: string | PreparedText): PreparedText => (typeof text === 'string' ? prepareText(text) : text);
  const hits = (list: VocabularyList, text: string | PreparedText): VocabularyHit[] => {
    const compiled = lists.get(list);
    return compiled ? scan(list, compiled, asPrepared(text)) : [];
  };
  return {
    prepare: prepareText,
    hits,
    find: (list, text) => [...new Set(hits(list, text).map((h) => h.entry))],
    words: (list) => [...(lists.get(list)?.words ?? [])],
  };
}
