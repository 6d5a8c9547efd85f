// Reads a hazard report SMS for what a clearance team needs first: where (coordinates, or a place name from the
// gazetteer), what (device class, IMAS 04.10), whether anyone is hurt, whether children are involved, and what is
// nearby. Every field says how it was found, so an operator can see why the system believed it. Runs on every
// inbound report: nothing here compiles a regex or builds a table per call.
import type { DeviceClass } from '../../generated/prisma/enums.js';
import type { Level, PlaceMatcher } from '../../districts/place-matcher.js';
import { parseCoordinates } from './location.js';
import type { CompiledVocabulary, PreparedText, VocabularyHit, VocabularyList } from './vocabulary.js';

export type FoundSource = 'decimal' | 'dms' | 'mgrs' | 'gazetteer' | 'words' | 'default' | 'mms';

export interface Found<T> {
  value: T;
  source: FoundSource;
  /** The text that produced the value. */
  match?: string;
  confidence?: number;
}

export const CONTEXT_FLAGS = ['school', 'road', 'field', 'house', 'water'] as const;
export type ContextFlag = (typeof CONTEXT_FLAGS)[number];

export interface ParsedReport {
  /** The input, unchanged. */
  original: string;
  location: Found<{ lat: number; lon: number; accuracyM: number }> | null;
  /** The gazetteer unit named in the text (kept alongside coordinates: where the item was seen). */
  place: Found<{ pcode: string; level: Level; name: string }> | null;
  /**
   * 'unknown' from 'default' when no device word matched, from 'words' when only a generic one ("explosive") did.
   * An everyday word gives its usual class with confidence EVERYDAY_WORD_CONFIDENCE: "mine" an AP mine, "bomb",
   * "shell", "grenade" UXO; a named type ("anti-tank mine", "bombie") has confidence 1.
   */
  device: Found<DeviceClass>;
  /** True when a casualty word is not negated; false from 'words' when every one is ("nobody hurt"). */
  casualties: Found<boolean>;
  children: boolean;
  /** A subset of CONTEXT_FLAGS, in that order. */
  contextFlags: Found<ContextFlag[]>;
  mediaUrls: string[];
}

export interface ParseReportOptions {
  vocabulary: CompiledVocabulary;
  matcher?: PlaceMatcher | null;
  mediaUrls?: string[];
  /** The leading keyword the caller recognised ("REPORT", "UXO"…): left out of place matching only. */
  keyword?: string;
}

/** Matches below this are guesses an operator would not want filled in. */
export const MIN_PLACE_CONFIDENCE = 0.5;

/** How sure a class is that comes from an everyday word ("mine", "bomb") rather than a named type. */
export const EVERYDAY_WORD_CONFIDENCE = 0.6;
// Most specific first: an "anti-tank mine" is also a "mine", a "cluster bomb" also a "bomb". The everyday words
// come after every named type: most mines villagers meet are anti-personnel mines (AT mines are named as such or
// found by vehicles), and a "bomb", "shell" or "grenade" found lying about is unexploded ordnance. The team sees
// the word that decided and corrects the class when it sees the item.
const DEVICE_PRECEDENCE: [VocabularyList, DeviceClass, number][] = [
  ['cluster_submunition', 'cluster_submunition', 1],
  ['at_mine', 'at_mine', 1],
  ['ap_mine', 'ap_mine', 1],
  ['ied', 'ied', 1],
  ['uxo', 'uxo', 1],
  ['mine', 'ap_mine', EVERYDAY_WORD_CONFIDENCE],
  ['bomb', 'uxo', EVERYDAY_WORD_CONFIDENCE],
  ['generic_device', 'unknown', 1],
];
// A negation reaches a casualty word across at most this many words ("nobody was hurt") or, in Khmer/Lao,
// this many letters that start a syllable part ("គ្មាន|អ្នក|របួស").
const NEGATION_MAX_WORDS = 2;
const NEGATION_MAX_LOCAL_LETTERS = 4;
// Sentence and clause breaks stop a negation: "No. One child hurt", "nothing found, boy injured".
const CLAUSE_BREAK_RE = /[.,!?;:។៕\n]/;
const WORD_RE = /[\p{L}\p{N}]+/gu;
const LOCAL_BASE_LETTER_RE = /(?<!\u17d2)\p{L}/gu;
const HAS_LETTER_RE = /\p{L}/u;
const LATIN_WORD_RE = /^[\p{Script=Latin}\p{N}\s]+$/u;

const count = (re: RegExp, s: string): number => {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s)) n++;
  return n;
};

/** The negation that governs a casualty word, if any. */
export function negationOf(hit: VocabularyHit, negations: VocabularyHit[], text: string): VocabularyHit | null {
  for (const neg of negations) {
    // A phrase entry such as "nobody hurt" contains the casualty word itself.
    if (neg.start <= hit.start && neg.end >= hit.end) return neg;
    if (neg.end > hit.start) continue;
    const gap = text.slice(neg.end, hit.start);
    if (CLAUSE_BREAK_RE.test(gap)) continue;
    const near = neg.local && hit.local
      ? count(LOCAL_BASE_LETTER_RE, gap) <= NEGATION_MAX_LOCAL_LETTERS
      : count(WORD_RE, gap) <= NEGATION_MAX_WORDS;
    if (near) return neg;
  }
  return null;
}

function findCasualties(hits: VocabularyHit[], negations: VocabularyHit[], text: string): Found<boolean> {
  let negated: string | null = null;
  for (const hit of hits) {
    const neg = negationOf(hit, negations, text);
    if (!neg) return { value: true, source: 'words', match: hit.text };
    negated ??= text.slice(Math.min(neg.start, hit.start), Math.max(neg.end, hit.end));
  }
  return negated === null ? { value: false, source: 'default' } : { value: false, source: 'words', match: negated };
}

function findDevice(vocabulary: CompiledVocabulary, prepared: PreparedText): Found<DeviceClass> {
  for (const [list, device, confidence] of DEVICE_PRECEDENCE) {
    const hit = vocabulary.hits(list, prepared)[0];
    if (hit) return { value: device, source: 'words', match: hit.text, ...(confidence < 1 ? { confidence } : {}) };
  }
  return { value: 'unknown', source: 'default' };
}

function findPlace(text: string, coordinates: { index: number; matchedText: string } | null, opts: ParseReportOptions):
  ParsedReport['place'] {
  if (!opts.matcher) return null;
  let rest = coordinates
    ? `${text.slice(0, coordinates.index)} ${text.slice(coordinates.index + coordinates.matchedText.length)}`
    : text;
  const keyword = opts.keyword?.trim().toLowerCase();
  const head = rest.trimStart();
  // A Latin keyword ends at a word break ("REPORT" is not the start of "reporter"); Khmer and Lao have none.
  const wordEnds = (k: string): boolean => !LATIN_WORD_RE.test(k) || !HAS_LETTER_RE.test(head.charAt(k.length));
  if (keyword && head.toLowerCase().startsWith(keyword) && wordEnds(keyword)) {
    rest = head.slice(keyword.length);
  }
  if (!HAS_LETTER_RE.test(rest)) return null;
  const m = opts.matcher.match(rest);
  if (!m || m.confidence < MIN_PLACE_CONFIDENCE) return null;
  return { value: { pcode: m.pcode, level: m.level, name: m.name }, source: 'gazetteer', match: m.matchedText,
    confidence: m.confidence };
}

export function parseReport(text: string, opts: ParseReportOptions): ParsedReport {
  const { vocabulary } = opts;
  const prepared = vocabulary.prepare(text);
  const clean = prepared.text;

  const coordinates = parseCoordinates(clean);
  const location: ParsedReport['location'] = coordinates
    ? { value: { lat: coordinates.lat, lon: coordinates.lon, accuracyM: coordinates.accuracyM },
        source: coordinates.source, match: coordinates.matchedText }
    : null;

  const flagHits = CONTEXT_FLAGS.flatMap((flag) => {
    const hit = vocabulary.hits(flag, prepared)[0];
    return hit ? [{ flag, hit }] : [];
  });
  const contextFlags: Found<ContextFlag[]> = flagHits.length
    ? { value: flagHits.map((f) => f.flag), source: 'words',
        match: [...flagHits].sort((a, b) => a.hit.start - b.hit.start).map((f) => f.hit.text).join(', ') }
    : { value: [], source: 'default' };

  return {
    original: text,
    location,
    place: findPlace(clean, coordinates, opts),
    device: findDevice(vocabulary, prepared),
    casualties: findCasualties(vocabulary.hits('casualty', prepared), vocabulary.hits('negation', prepared), clean),
    children: vocabulary.hits('children', prepared).length > 0,
    contextFlags,
    mediaUrls: [...(opts.mediaUrls ?? [])],
  };
}

export interface ParseDetail {
  value: unknown;
  source: FoundSource;
  match?: string;
  confidence?: number;
}

/** What goes into HazardReport.parse: how every field was found ({ field: { value, source, match } }). */
export function parseDetails(report: ParsedReport): Record<string, ParseDetail> {
  const details: Record<string, ParseDetail> = {
    device: report.device,
    casualties: report.casualties,
    children: { value: report.children, source: report.children ? 'words' : 'default' },
    contextFlags: report.contextFlags,
  };
  if (report.location) details.location = report.location;
  if (report.place) details.place = report.place;
  if (report.mediaUrls.length) details.mediaUrls = { value: report.mediaUrls, source: 'mms' };
  return details;
}
