export type Level = 'province' | 'district' | 'commune' | 'village';

export interface MatchableUnit {
  pcode: string;
  level: Level;
  parentPcode: string | null;
  nameEn: string;
  nameLocal: string | null;
}

export interface PlaceMatch {
  pcode: string;
  level: Level;
  /** The unit's nameEn. */
  name: string;
  /** The part of the (NFC-normalised) input that matched. */
  matchedText: string;
  /** 0..1: lowered for misspellings and for names that unrelated units share, raised when an ancestor is named too. */
  confidence: number;
  method: 'exact' | 'normalized' | 'fuzzy' | 'local_script';
}

export interface MatchOptions {
  levels?: Level[];
  /** Only units whose P-code starts with this prefix. */
  within?: string;
}

export interface PlaceMatcher {
  match(text: string, opts?: MatchOptions): PlaceMatch | null;
  candidates(text: string, opts?: MatchOptions & { limit?: number }): PlaceMatch[];
}

const RANK: Record<Level, number> = { province: 0, district: 1, commune: 2, village: 3 };
// Fuzzy matching looks at up to 4 words; exact lookups go as far as the longest names ("Boeng Keng Kang Ti Pir").
const MAX_FUZZY_NGRAM = 4;
const MAX_NGRAM = 6;
const MIN_NAME_LENGTH = 3;
const MIN_FUZZY_LENGTH = 4;
const MIN_LOCAL_LENGTH = 3;

const NON_LATIN_LETTER_RE = /[^\P{L}\p{Script=Latin}]/u;
const words = (list: string): Set<string> => new Set(list.split(' ').map(foldLatin));
// Words an SMS is full of that sit within an edit or two of some village name, and keywords.
const STOPWORDS = words(
  'a an the and or but not no yes is are was were be been am i you he she it we they my your his her our their ' +
    'this that these those there here what where when who how why which with without from into onto near about ' +
    'above below under over behind beside between by at in on of off to for up down out again very can will ' +
    'hello hi hey please thanks thank ok okay help join stop start info lang cancel end quit ack done report ' +
    'mine mines bomb bombs shell shells rocket grenade uxo erw ied landmine explosive object metal found find ' +
    'saw seen see look one two three four five many some child children kid kids boy girl man men woman women ' +
    'people person family hurt injured dead killed cow cows buffalo dog animal school road field farm rice paddy ' +
    'forest river water well pond tree trees house home town city temple pagoda market bridge hill big small old ' +
    'new today yesterday now north south east west side left right front back come came go went call phone number ' +
    'name place area land dig digging plough send team need de del la las el los en un una unos y o que con por ' +
    'para sin cerca casa escuela camino campo mina minas niño niña hola gracias ayuda aquí allí hay está muy río ' +
    'árbol pueblo',
);
// Administrative words people put around a name, and the level each announces. Khmer puts them before the name
// ("srok Samlout"), English after ("Samlout district"). A name may contain one itself ("Phnum Srok").
const LEVEL_WORDS = new Map<string, Level>([
  ['phum', 'village'], ['khum', 'commune'], ['sangkat', 'commune'], ['srok', 'district'], ['khan', 'district'],
  ['krong', 'district'], ['khet', 'province'], ['village', 'village'], ['commune', 'commune'],
  ['district', 'district'], ['municipality', 'district'], ['province', 'province'],
  ['ភូមិ', 'village'], ['ឃុំ', 'commune'], ['សង្កាត់', 'commune'], ['ស្រុក', 'district'], ['ខណ្ឌ', 'district'],
  ['ក្រុង', 'district'], ['ខេត្ត', 'province'], ['ບ້ານ', 'village'], ['ເມືອງ', 'district'], ['ແຂວງ', 'province'],
]);
const ADMIN_WORDS = new Set(LEVEL_WORDS.keys());
const PREFIX_WORDS = words('srok khan krong khet khum sangkat phum');
const LOCAL_LEVEL_WORDS = [...LEVEL_WORDS.keys()].filter((w) => NON_LATIN_LETTER_RE.test(w));
const LOCAL_LEVEL_RE = new RegExp(LOCAL_LEVEL_WORDS.join('|'), 'g');
const CUE_WORDS = words('in at near from around en cerca desde');
// Khmer words that are also village names and turn up in any report ("school", "road", "new", "middle"…).
const LOCAL_STOPWORDS = new Set(
  ('សាលារៀន សាលា ផ្លូវ ស្រែ វាល ភ្នំ ព្រៃ ថ្មី ចាស់ ទឹក ផ្ទះ វត្ត មីន គ្រាប់ ក្មេង កណ្ដាល កណ្តាល ស្ពាន ផ្សារ អណ្ដូង ' +
    'អណ្តូង ត្រពាំង បឹង ស្ទឹង ទន្លេ កោះ ជើង ត្បូង កើត លិច លើ ក្រោម តូច ស្រុក ខេត្ត ឃុំ ភូមិ ក្រុង').normalize('NFC').split(' '),
);
// Zero-width characters Khmer/Lao keyboards put between words; whitespace there is no word break either.
const INVISIBLE_RE = /[\u200b-\u200d\u2060\ufeff\s]/;
const COENG = '\u17d2';
const MARK_RE = /^\p{M}/u;
const LATIN_TOKEN_RE = /[\p{Script=Latin}\p{M}0-9'’‘`]+/gu;

function foldLatin(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

// One key for the usual romanisations of one Khmer sound (Borey/Borei, Samlout/Samlut, Chhaeb/Chaeb, Kh/K,
// Phnom/Phnum).
const VARIANT_RE = /oeu|ey|ei|ay|ai|oy|oi|ou|ue|eu|oe|ae|ao|om|j|w/g;
const VARIANTS: Record<string, string> = {
  oeu: 'u', ey: 'i', ei: 'i', ay: 'i', ai: 'i', oy: 'oi', oi: 'oi', ou: 'u', ue: 'u', eu: 'u', oe: 'u', ae: 'e',
  ao: 'o', om: 'um', j: 'c', w: 'v',
};
export function phoneticKey(folded: string): string {
  return folded.replace(/([bcdgjkpst])h+/g, '$1').replace(VARIANT_RE, (m) => VARIANTS[m] ?? m).replace(/(.)\1+/g, '$1');
}

const maxEdits = (n: number): number => (n < MIN_FUZZY_LENGTH ? 0 : n <= 6 ? 1 : n <= 12 ? 2 : 3);
// Letters present, as bits: an edit changes at most two, so a cheap filter before the distance itself.
const letterMask = (key: string): number =>
  [...key].reduce((mask, c) => mask | (1 << Math.min((c.charCodeAt(0) - 97) >>> 0, 26)), 0);
const popcount = (x: number): number => {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
};

let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)]; // reused: this runs ~1,000 times per SMS
/** Optimal-string-alignment distance within a band of ±limit; gives up with limit + 1 once a row exceeds limit. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const far = limit + 1;
  if (rows[0]!.length <= b.length) rows = rows.map(() => new Int32Array(2 * b.length + 2));
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  prev2.fill(far, 0, b.length + 1);
  prev.fill(far, 0, b.length + 1);
  for (let j = 0; j <= Math.min(b.length, limit); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const [from, to] = [Math.max(1, i - limit), Math.min(b.length, i + limit)];
    cur.fill(far, 0, b.length + 1);
    cur[0] = Math.min(i, far);
    let rowMin = cur[0];
    for (let j = from; j <= to; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return far;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[b.length]!, far);
}

interface NameEntry { units: MatchableUnit[] }
/** A spelling to fuzzy-match: the phonetic key (kind "p") or the plain folded one ("f", for keyboard slips). */
interface FuzzyKey { key: string; mask: number; words: number; entry: NameEntry }
interface Hit {
  units: MatchableUnit[];
  /** Every unit answering to the matched name, however it matched: the ones it could be confused with. */
  rivals: MatchableUnit[];
  method: PlaceMatch['method'];
  base: number;
  start: number;
  end: number;
  /** The match begins with "phum", "srok"… or ends with "district"…: a name, or a shorter name so introduced. */
  framed?: boolean;
  /** The level the word next to the match announces ("khum Ta Taok"). */
  hint?: Level | undefined;
}

interface Scored { unit: MatchableUnit; hit: Hit; pool: MatchableUnit[]; base: number; confidence: number }

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function createPlaceMatcher(units: MatchableUnit[]): PlaceMatcher {
  const byPcode = new Map(units.map((u) => [u.pcode, u]));
  const ancestors = (u: MatchableUnit): string[] => {
    const chain: string[] = [];
    for (let p = u.parentPcode; p && chain.length < 4 && !chain.includes(p); p = byPcode.get(p)?.parentPcode ?? null) chain.push(p);
    return chain;
  };
  const lineage = new Map(units.map((u) => [u, ancestors(u)]));
  const exact = new Map<string, MatchableUnit[]>();
  const compact = new Map<string, MatchableUnit[]>();
  const phonetic = new Map<string, NameEntry>();
  const fuzzyBuckets = new Map<string, FuzzyKey[]>(); // by kind + first letter + key length
  const local = new Map<string, { name: string; units: MatchableUnit[] }[]>(); // by first two code units

  // Bucketed by kind, first letter and length, and again with the word count for multi-word n-grams.
  const fuzzyBucket = (kind: string, key: string, len: number, words?: number): string =>
    `${kind}${key.charAt(0)}${len}${words ? `w${words}` : ''}`;
  const addFuzzy = (kind: 'p' | 'f', fk: FuzzyKey): void => {
    push(fuzzyBuckets, fuzzyBucket(kind, fk.key, fk.key.length), fk);
    push(fuzzyBuckets, fuzzyBucket(kind, fk.key, fk.key.length, fk.words), fk);
  };
  const addLatin = (unit: MatchableUnit, name: string): void => {
    const folded = foldLatin(name);
    if (folded.length < MIN_NAME_LENGTH) return;
    push(compact, folded, unit);
    push(exact, name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim(), unit);
    const key = phoneticKey(folded);
    const entry = phonetic.get(key) ?? { units: [] };
    const wordCount = name.trim().split(/[\s-]+/).length;
    if (!entry.units.length) {
      phonetic.set(key, entry);
      addFuzzy('p', { key, mask: letterMask(key), words: wordCount, entry });
    }
    if (compact.get(folded)?.length === 1) addFuzzy('f', { key: folded, mask: letterMask(folded), words: wordCount, entry });
    entry.units.push(unit);
  };
  for (const unit of units) {
    addLatin(unit, unit.nameEn);
    const localName = unit.nameLocal?.normalize('NFC') ?? '';
    if (!NON_LATIN_LETTER_RE.test(localName)) {
      if (localName && foldLatin(localName) !== foldLatin(unit.nameEn)) addLatin(unit, localName);
      continue;
    }
    const name = [...localName].filter((c) => !INVISIBLE_RE.test(c)).join('');
    if (name.length < MIN_LOCAL_LENGTH || LOCAL_STOPWORDS.has(name)) continue;
    const bucket = local.get(name.slice(0, 2)) ?? [];
    const entry = bucket.find((e) => e.name === name);
    if (entry) entry.units.push(unit);
    else local.set(name.slice(0, 2), [...bucket, { name, units: [unit] }]);
  }

  function scanLatin(text: string, hits: Hit[]): void {
    const tokens = [...text.matchAll(LATIN_TOKEN_RE)]
      .map((m) => ({ raw: m[0], folded: foldLatin(m[0]), start: m.index, end: m.index + m[0].length }))
      .filter((t) => t.folded.length > 0)
      .map((t) => ({ ...t, stop: STOPWORDS.has(t.folded) || ADMIN_WORDS.has(t.folded) || /^\d+$/.test(t.folded) }));
    const content = tokens.flatMap((t, i) => (t.stop ? [] : [i]));
    const mixedCase = text !== text.toUpperCase() && text !== text.toLowerCase();
    // A misspelt name is believable where a place is expected: after "in"/"near", next to "srok"/"village",
    // Capitalised mid-sentence, or as all the message says ("JOIN Samlot").
    const hintAt = (i: number, n: number): Level | undefined => {
      const [before, after] = [tokens[i - 1]?.folded ?? '', tokens[i + n]?.folded ?? ''];
      return PREFIX_WORDS.has(before) ? LEVEL_WORDS.get(before) : PREFIX_WORDS.has(after) ? undefined : LEVEL_WORDS.get(after);
    };
    const cued = (i: number, n: number): boolean => {
      const [before, after] = [tokens[i - 1], tokens[i + n]];
      if (before && (CUE_WORDS.has(before.folded) || ADMIN_WORDS.has(before.folded))) return true;
      if ((after && ADMIN_WORDS.has(after.folded)) || (content[0] === i && content.at(-1) === i + n - 1)) return true;
      const startsSentence = !before || /[.!?]/.test(text.slice(before.end, tokens[i]?.start));
      return mixedCase && !startsSentence && tokens.slice(i, i + n).every((t) => /^\p{Lu}/u.test(t.raw));
    };

    for (let i = 0; i < tokens.length; i++) {
      let folded = '';
      let plain = true; // no stopword, administrative word or number anywhere in the n-gram
      for (let n = 1; n <= MAX_NGRAM && i + n <= tokens.length; n++) {
        const [first, last] = [tokens[i]!, tokens[i + n - 1]!];
        folded += last.folded;
        plain &&= !last.stop;
        if (folded.length < MIN_NAME_LENGTH || (n === 1 && last.stop)) continue;
        const span = { start: first.start, end: last.end };
        const key = phoneticKey(folded);
        const entry = phonetic.get(key);
        if (entry) {
          const exactSet = new Set(exact.get(text.slice(span.start, span.end).toLowerCase().replace(/\s+/g, ' ')));
          // Folding makes names of short words ("can" → Chan): under 4 letters, only the very spelling counts.
          const sameSpelling = compact.get(folded) ?? [];
          const pool = folded.length < MIN_FUZZY_LENGTH ? entry.units.filter((u) => sameSpelling.includes(u)) : entry.units;
          // "…khum kampong pou srok krakor": a name ending in "srok" before another name (Pou Srok) is less likely
          // than the "srok" introducing that name.
          const next = tokens[i + n];
          const doubt = n > 1 && PREFIX_WORDS.has(last.folded) && next && !next.stop &&
            !/[.,;:!?]/.test(text.slice(last.end, next.start)) ? 0.7 : 1;
          const framed = PREFIX_WORDS.has(first.folded) || (ADMIN_WORDS.has(last.folded) && !PREFIX_WORDS.has(last.folded));
          // A spelling variant (Borei/Borey) tells as much as case and spacing do: both are "normalized".
          for (const [base, method, same] of [[doubt, 'exact', true], [0.9 * doubt, 'normalized', false]] as const) {
            const matched = pool.filter((u) => exactSet.has(u) === same);
            if (matched.length) hits.push({ units: matched, rivals: pool, method, base, ...span, framed, hint: hintAt(i, n) });
          }
          continue;
        }
        // Fuzzy matching an n-gram that holds "near", "the", "srok"… is how false alarms are born.
        const near = new Map<NameEntry, { d: number; ratio: number }>();
        for (const [kind, q] of [['p', key], ['f', folded]] as const) {
          const limit = plain && n <= MAX_FUZZY_NGRAM ? maxEdits(q.length) : 0;
          const mask = letterMask(q);
          for (let len = q.length - limit; limit > 0 && len <= q.length + limit; len++) {
            for (const c of fuzzyBuckets.get(fuzzyBucket(kind, q, len, n > 1 ? n : undefined)) ?? []) {
              const allowed = Math.min(limit, maxEdits(c.key.length));
              if (popcount(c.mask ^ mask) > 2 * allowed) continue;
              const d = allowed > 0 ? editDistance(q, c.key, allowed) : Infinity;
              const ratio = d / Math.max(q.length, c.key.length);
              if (d <= allowed && ratio < (near.get(c.entry)?.ratio ?? 1)) near.set(c.entry, { d, ratio });
            }
          }
        }
        if (!near.size) continue;
        // Many names equally close to one word is itself a sign that the word is no name at all.
        const closest = Math.min(...[...near.values()].map((x) => x.d));
        const ties = [...near.values()].filter((x) => x.d === closest).length;
        const doubt = (cued(i, n) ? 1 : 0.6) / (1 + 0.5 * (ties - 1));
        for (const [e, { ratio }] of near) {
          const base = 0.8 * doubt * (1 - ratio);
          hits.push({ units: e.units, rivals: e.units, method: 'fuzzy', base, ...span, hint: hintAt(i, n) });
        }
      }
    }
  }

  function scanLocal(text: string, hits: Hit[]): void {
    let squeezed = '';
    const origin: number[] = []; // index in squeezed -> index in text
    for (let i = 0; i < text.length; i++) {
      if (INVISIBLE_RE.test(text.charAt(i))) continue;
      squeezed += text.charAt(i);
      origin.push(i);
    }
    // Where "ស្រុក", "ភូមិ"… stand in the text: a name does not run into or out of one ("ស្រុក|ស្វាយ" is not កស្វាយ).
    const levelWords = [...squeezed.matchAll(LOCAL_LEVEL_RE)].map((m) => ({ ws: m.index, we: m.index + m[0].length }));
    for (let pos = 0; pos + 1 < squeezed.length; pos++) {
      for (const entry of local.get(squeezed.slice(pos, pos + 2)) ?? []) {
        const after = pos + entry.name.length;
        // No word spaces, but a name starts and ends on a syllable boundary: not right after a COENG (inside a
        // consonant cluster), not right before a dependent vowel or sign (inside a longer syllable).
        if (!squeezed.startsWith(entry.name, pos) || squeezed[pos - 1] === COENG) continue;
        if (MARK_RE.test(squeezed[after] ?? '')) continue;
        if (levelWords.some(({ ws, we }) => (pos >= ws && pos < we && after > we) || (pos < ws && after > ws && after < we))) continue;
        // A short Khmer name is often an ordinary word as well.
        const base = 0.95 * Math.min(1, entry.name.length / 6);
        const [start, end] = [origin[pos]!, origin[after - 1]! + 1];
        const before = squeezed.slice(0, pos);
        const hint = LEVEL_WORDS.get(LOCAL_LEVEL_WORDS.find((w) => before.endsWith(w)) ?? '');
        hits.push({ units: entry.units, rivals: entry.units, method: 'local_script', base, start, end, hint });
      }
    }
  }

  /**
   * How much the other units answering to the same name weigh against each. A unit containing another of that name
   * is no rival (Battambang province ⊃ Battambang municipality); a smaller unit is a weaker one than a peer, as
   * people name districts more often than villages; and after "srok"/"district" only districts are. Linear in
   * the pool: "Thmei" alone names 181 units.
   */
  function rivalWeights(pool: MatchableUnit[]): (unit: MatchableUnit, hint?: Level) => number {
    const unique = new Set(pool);
    const pcodes = new Set([...unique].map((u) => u.pcode));
    const perLevel = [0, 0, 0, 0];
    const descendants = new Map<string, number>();
    for (const u of unique) {
      perLevel[RANK[u.level]]! += 1;
      for (const p of lineage.get(u) ?? []) if (pcodes.has(p)) descendants.set(p, (descendants.get(p) ?? 0) + 1);
    }
    return (u, hint) => {
      if (hint === u.level) return 0.5 * Math.max(0, perLevel[RANK[u.level]]! - 1);
      const all = perLevel.reduce((sum, count, rank) => sum + count * (rank > RANK[u.level] ? 0.2 : 0.5), -0.5);
      const ancestorsNamed = (lineage.get(u) ?? []).filter((p) => pcodes.has(p)).length;
      return Math.max(0, all - 0.2 * (descendants.get(u.pcode) ?? 0) - 0.5 * ancestorsNamed);
    };
  }

  /** Each unit the hits name, with its confidence from the hit alone. */
  function score(found: Hit[], keep: (u: MatchableUnit) => boolean): Scored[] {
    const hits = found.map((h) => ({ ...h, units: h.units.filter(keep) })).filter((h) => h.units.length > 0);
    // Text inside a longer recognised name is not a place of its own ("Ampil" in "Banteay Ampil"), unless the
    // longer name is only the shorter one with "phum"/"srok"… around it: "phum thmei" is the commune Phum Thmei
    // or a village Thmei, and which one the rest of the text decides.
    // A close fuzzy match of several words ("Serei Saophon") outweighs an exact one of a part ("Serei").
    const within = (c: Hit, d: Hit): boolean => d.start <= c.start && d.end >= c.end &&
      d.end - d.start > c.end - c.start && (d.method !== 'fuzzy' || c.method === 'fuzzy' || d.base >= 0.6);
    const visible = hits.filter((c) => !hits.some((d) => !d.framed && within(c, d)))
      .map((c) => (hits.some((d) => within(c, d)) ? { ...c, base: 0.8 * c.base } : c));
    const scored: Scored[] = [];
    const weighed = new Map<MatchableUnit[], ReturnType<typeof rivalWeights>>();
    for (const hit of visible) {
      const pool = hit.rivals.filter(keep);
      const rivals = weighed.get(hit.rivals) ?? rivalWeights(pool);
      weighed.set(hit.rivals, rivals);
      // "khum Tuek Chour" is the commune, though a village has that name too. A level word that no unit of the
      // name answers to is only a loose word in a sentence ("នៅភូមិ មង្គលបូរី", "in Mongkol Borei village"): the
      // name is still the one place it names.
      const hinted = hit.hint !== undefined && hit.rivals.some((u) => u.level === hit.hint);
      for (const unit of hit.units) {
        const base = hinted && hit.hint !== unit.level ? 0.5 * hit.base : hit.base;
        scored.push({ unit, hit, pool, base, confidence: base / (1 + rivals(unit, hit.hint)) });
      }
    }
    return scored;
  }

  function candidates(text: string, opts: MatchOptions & { limit?: number } = {}): PlaceMatch[] {
    const input = text.normalize('NFC');
    const levels = opts.levels ? new Set(opts.levels) : null;
    const keep = (u: MatchableUnit): boolean =>
      (!levels || levels.has(u.level)) && (!opts.within || u.pcode.startsWith(opts.within));
    const found: Hit[] = [];
    scanLatin(input, found);
    if (NON_LATIN_LETTER_RE.test(input)) scanLocal(input, found);
    const scored = score(found, keep);
    // An ancestor named elsewhere in the text narrows a name down to its part of the tree (in "phum thmei, khum
    // tuek chour" Thmei is one village, not one of 181: P(unit | ancestor)) and, as a second clue, vouches for it.
    // Ancestors count even when opts leave them out of the answer.
    const context = levels || opts.within ? score(found, () => true) : scored;
    const named = new Map(context.map((c) => [c.unit.pcode, { ...c }])); // a snapshot: boosts do not compound
    for (const c of scored) {
      let [best, vouch] = [c.confidence, 1];
      for (const p of lineage.get(c.unit) ?? []) {
        const a = named.get(p);
        if (!a || (a.hit.end > c.hit.start && a.hit.start < c.hit.end)) continue;
        const rivals = rivalWeights(c.pool.filter((u) => lineage.get(u)?.includes(p)))(c.unit, c.hit.hint);
        best = Math.max(best, (a.confidence * c.base) / (1 + rivals));
        vouch *= 1 - 0.5 * a.confidence;
      }
      c.confidence = 1 - (1 - best) * vouch;
    }
    const span = (c: Scored): number => c.hit.end - c.hit.start;
    scored.sort((a, b) => b.confidence - a.confidence || span(b) - span(a) ||
      RANK[a.unit.level] - RANK[b.unit.level] || a.unit.pcode.localeCompare(b.unit.pcode));
    const best = new Map<string, PlaceMatch>();
    for (const { unit, hit, confidence } of scored) {
      if (best.has(unit.pcode)) continue;
      best.set(unit.pcode, { pcode: unit.pcode, level: unit.level, name: unit.nameEn, method: hit.method,
        matchedText: input.slice(hit.start, hit.end), confidence: Math.round(confidence * 1000) / 1000 });
    }
    return [...best.values()].slice(0, opts.limit ?? 10);
  }

  return { candidates, match: (text, opts) => candidates(text, { ...opts, limit: 1 })[0] ?? null };
}
