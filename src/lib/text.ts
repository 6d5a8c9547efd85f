// Text from outside is untrusted: any script, emoji, control bytes, broken surrogates. cleanText is the one
// function every outside string goes through (webhook form fields at the edge, CSV cells), so that what we
// store, log and echo in TwiML is valid: Postgres text cannot hold NUL or lone surrogates, XML 1.0 forbids
// most control characters and U+FFFE/U+FFFF, and a reply that echoes one of them would fail on every retry.

// Code-point classes (u flag): C0 controls but tab, newline and CR, DEL, C1 controls, unpaired surrogates (in
// u mode a surrogate range matches only a lone half, never half of a pair), and the 66 noncharacters
// (U+FDD0–U+FDEF and the last two code points of each of the 17 planes).
const NONCHARACTERS = Array.from({ length: 17 }, (_, plane) => `\\u{${(plane * 0x10000 + 0xfffe).toString(16)}}-\\u{${(plane * 0x10000 + 0xffff).toString(16)}}`).join('');
const UNSAFE_CLASS = `[\\u{0}-\\u{8}\\u{B}\\u{C}\\u{E}-\\u{1F}\\u{7F}-\\u{9F}\\u{D800}-\\u{DFFF}\\u{FDD0}-\\u{FDEF}${NONCHARACTERS}]`;
const UNSAFE_RE = new RegExp(UNSAFE_CLASS, 'gu');
const HAS_UNSAFE_RE = new RegExp(UNSAFE_CLASS, 'u');
const CR_RE = /\r\n?/g;
// Zero-width and bidi controls that phones insert and that break keyword matching.
const INVISIBLE_RE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/**
 * For storage and display: control characters (but tab and newline; CR and CRLF become a newline),
 * noncharacters and lone surrogates removed, NFC, and at most `maxChars` code points, cut where a character
 * (grapheme) ends. Never throws, never rejects: a villager's message is cleaned, not lost.
 */
export function cleanText(raw: string, maxChars?: number): string {
  let s = raw;
  if (s.includes('\r')) s = s.replace(CR_RE, '\n');
  if (HAS_UNSAFE_RE.test(s)) s = s.replace(UNSAFE_RE, '');
  s = s.normalize('NFC');
  return maxChars === undefined ? s : clip(s, maxChars);
}

/**
 * Why a string from a staff member's JSON cannot be stored, or null when it can: unlike a villager's SMS it is
 * refused (400 naming the field), so the person sees the mistake instead of a silently changed value.
 */
export function unsafeTextReason(s: string): string | null {
  const m = HAS_UNSAFE_RE.exec(s);
  if (!m) return null;
  const cp = m[0].codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp === 0) return 'contains a NUL character (U+0000)';
  if (cp >= 0xd800 && cp <= 0xdfff) return `contains a broken character (lone surrogate ${hex})`;
  if (cp < 0xa0) return `contains a control character (${hex})`;
  return `contains a noncharacter (${hex})`;
}

/** For matching keywords and names: also strips invisible marks and folds whitespace. */
export function matchableText(raw: string): string {
  return cleanText(raw).replace(INVISIBLE_RE, '').replace(/\s+/g, ' ').trim();
}

/** Removes Latin diacritics (á → a) for tolerant comparison; other scripts are left as they are. */
export function foldLatin(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

let graphemes: Intl.Segmenter | undefined;

/**
 * The first at most `max` code points of `s`, cut where a grapheme ends: a surrogate pair, an emoji sequence or
 * a Khmer consonant with its subscript and vowel is kept whole or left out whole, never split.
 */
export function clip(s: string, max: number): string {
  // Code points never outnumber UTF-16 units: a string this short fits whatever it holds.
  if (s.length <= max) return s;
  if (max <= 0) return '';
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let end = 0;
  let count = 0;
  for (const { segment, index } of graphemes.segment(s)) {
    let n = 0;
    for (const _ of segment) n++;
    if (count + n > max) break;
    count += n;
    end = index + segment.length;
  }
  return s.slice(0, end);
}

/** Shortens text for echoing back to a person, where a character ends, marking the cut with "…". */
export function truncate(s: string, max: number): string {
  if (s.length <= max || clip(s, max).length === s.length) return s;
  return `${clip(s, max - 1)}…`;
}
