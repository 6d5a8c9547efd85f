// Near-keywords: "stopp", "STOP pls", "សូមឈប់" are meant as STOP and must not become hazard reports that
// leave the person subscribed. Only short messages qualify, so a report that mentions "stop" in a sentence
// ("Stop! there is a mine near my house") stays a report: polite words are stripped only from messages of a
// few words, and spelling is forgiven (one edit) only for a message that is a single Latin word.

/** Longest message (characters) that may be read as a near-keyword at all. */
export const NEAR_MAX_CHARS = 30;
/** Most words in a message read as "keyword + polite words". */
export const NEAR_MAX_WORDS = 4;
/** A single word this long or longer is compared with keywords by edit distance; shorter ones must be exact. */
export const FUZZY_MIN_LENGTH = 4;

/**
 * Optimal string alignment distance (insert, delete, swap two neighbours: "STOPP", "STPO"), capped for speed.
 * A substitution costs 2: "STEP" and "SHOP" are words of their own, not a slip of the thumb on STOP.
 */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 2;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The message without leading or trailing polite words ("PLS", "POR FAVOR", Khmer "សូម", Lao "ແດ່"). Latin
 * ones must be whole words; Khmer and Lao ones are written joined to the keyword, so they are cut as prefixes
 * or suffixes. `polite` is upper-cased and accent-folded like the text.
 */
export function stripPolite(text: string, polite: readonly string[]): string {
  let s = text;
  for (let changed = true; changed && s; ) {
    changed = false;
    for (const p of polite) {
      const latin = /^[A-Z0-9 ]+$/.test(p);
      if (latin) {
        if (s === p) continue;
        if (s.startsWith(`${p} `)) s = s.slice(p.length + 1);
        else if (s.endsWith(` ${p}`)) s = s.slice(0, -p.length - 1);
        else continue;
      } else if (s.startsWith(p) && s.length > p.length) {
        s = s.slice(p.length);
      } else if (s.endsWith(p) && s.length > p.length) {
        s = s.slice(0, -p.length);
      } else {
        continue;
      }
      s = s.replace(/^[\s.,;:!?'"-]+|[\s.,;:!?'"-]+$/g, '');
      changed = true;
    }
  }
  return s;
}
