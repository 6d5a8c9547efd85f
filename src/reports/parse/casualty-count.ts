// How many people a report says were hurt or killed ("mine exploded, 2 people hurt" → 2), so that victim
// assistance gets one casualty placeholder per person. A number counts when it stands in the same clause as a
// casualty word that is not negated, just before it ("two children injured", "dos heridos", "ຄົນ 2 ຄົນເຈັບ") or just
// after it ("របួស ២ នាក់", "ບາດເຈັບ 3 ຄົນ"). No number: one person. Each number counts once, so "1 killed and 2
// injured" is 3 and "2 people hurt, bleeding" is 2. It is a first count for a focal point to complete, not a fact.
import type { CompiledVocabulary, PreparedText } from './vocabulary.js';
import { negationOf } from './parse-report.js';

/** The most placeholders one SMS creates: a larger number is more likely a typo or a coordinate than a count. */
export const MAX_COUNTED_CASUALTIES = 20;

export type CountedOutcome = 'killed' | 'injured' | 'unknown';

export interface CasualtyCount {
  /** One entry per person counted, in the order the text names them. Empty when nobody is reported hurt. */
  people: CountedOutcome[];
}

const CLAUSE_BREAK_RE = /[.,!?;:។៕\n]/;
const BEFORE_CHARS = 24;
const AFTER_CHARS = 14;

const LATIN_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
};
// Khmer and Lao are written without spaces: longest first, so ប្រាំពីរ (7) is not read as ប្រាំ (5).
const LOCAL_NUMBERS: [string, number][] = ([
  ['មួយ', 1], ['ពីរ', 2], ['បី', 3], ['បួន', 4], ['ប្រាំ', 5], ['ប្រាំមួយ', 6], ['ប្រាំពីរ', 7], ['ប្រាំបី', 8], ['ប្រាំបួន', 9], ['ដប់', 10],
  ['ໜຶ່ງ', 1], ['ນຶ່ງ', 1], ['ສອງ', 2], ['ສາມ', 3], ['ສີ່', 4], ['ຫ້າ', 5], ['ຫົກ', 6], ['ເຈັດ', 7], ['ແປດ', 8], ['ເກົ້າ', 9], ['ສິບ', 10],
] as [string, number][]).sort((a, b) => b[0].length - a[0].length);

const KILLED = new Set(['dead', 'died', 'dies', 'killed', 'dying', 'ស្លាប់', 'បាត់បង់ជីវិត', 'ຕາຍ', 'ເສຍຊີວິດ', 'muerto', 'muerta', 'muertos', 'murio', 'murió', 'fallecido', 'fallecio', 'falleció']);
const INJURED = new Set(['injured', 'injury', 'injuries', 'hurt', 'wounded', 'bleeding', 'lost leg', 'lost a leg', 'amputated', 'របួស', 'រងរបួស', 'ដាច់ជើង', 'ដាច់ដៃ', 'ບາດເຈັບ', 'ເຈັບ', 'ຂາຂາດ', 'herido', 'herida', 'heridos', 'heridas', 'lastimado', 'lastimada', 'amputado']);

// A digit run (ASCII, Khmer ០–៩, Lao ໐–໙) not part of a decimal or a coordinate.
const DIGITS_RE = /(?<![\d០-៩໐-໙.°'"])([\d០-៩໐-໙]{1,3})(?![\d០-៩໐-໙.°'"])/gu;
const LATIN_WORD_RE = /\p{L}+/gu;

interface NumberAt {
  value: number;
  /** Position in the prepared text: numbers are counted once each. */
  at: number;
}

function digitValue(s: string): number {
  return Number([...s].map((c) => {
    const cp = c.codePointAt(0)!;
    if (cp >= 0x17e0 && cp <= 0x17e9) return String(cp - 0x17e0);
    if (cp >= 0x0ed0 && cp <= 0x0ed9) return String(cp - 0x0ed0);
    return c;
  }).join(''));
}

/** Every number in `s` (offset `base` in the text), in order. */
function numbersIn(s: string, base: number): NumberAt[] {
  const found: NumberAt[] = [];
  for (const m of s.matchAll(DIGITS_RE)) found.push({ value: digitValue(m[1]!), at: base + m.index });
  for (const m of s.toLowerCase().matchAll(LATIN_WORD_RE)) {
    const v = LATIN_NUMBERS[m[0]];
    if (v) found.push({ value: v, at: base + m.index });
  }
  let i = 0;
  while (i < s.length) {
    const hit = LOCAL_NUMBERS.find(([w]) => s.startsWith(w, i));
    if (hit) {
      found.push({ value: hit[1], at: base + i });
      i += hit[0].length;
    } else i++;
  }
  return found.sort((a, b) => a.at - b.at);
}

function clauseStart(text: string, at: number): number {
  for (let i = at - 1; i >= 0; i--) if (CLAUSE_BREAK_RE.test(text[i]!) && !/\d/.test(text[i + 1] ?? '')) return i + 1;
  return 0;
}

function clauseEnd(text: string, at: number): number {
  for (let i = at; i < text.length; i++) if (CLAUSE_BREAK_RE.test(text[i]!) && !/\d/.test(text[i + 1] ?? '')) return i;
  return text.length;
}

function outcomeOf(entry: string): CountedOutcome {
  const e = entry.toLowerCase();
  if (KILLED.has(e)) return 'killed';
  return INJURED.has(e) ? 'injured' : 'unknown';
}

export function countCasualties(text: string | PreparedText, vocabulary: CompiledVocabulary): CasualtyCount {
  const prepared = typeof text === 'string' ? vocabulary.prepare(text) : text;
  const clean = prepared.text;
  const negations = vocabulary.hits('negation', prepared);
  const hits = vocabulary.hits('casualty', prepared).filter((h) => !negationOf(h, negations, clean));
  if (hits.length === 0) return { people: [] };
  const used = new Set<number>();
  const people: CountedOutcome[] = [];
  let unnumbered: CountedOutcome | null = null;
  for (const hit of hits) {
    const from = Math.max(clauseStart(clean, hit.start), hit.start - BEFORE_CHARS);
    const to = Math.min(clauseEnd(clean, hit.end), hit.end + AFTER_CHARS);
    const before = numbersIn(clean.slice(from, hit.start), from).filter((n) => !used.has(n.at)).at(-1);
    const after = numbersIn(clean.slice(hit.end, to), hit.end).find((n) => !used.has(n.at));
    const n = before ?? after;
    const outcome = outcomeOf(hit.entry);
    if (!n || n.value < 1) {
      // The first casualty word without a number stands for one person, unless a number was found elsewhere.
      unnumbered ??= outcome;
      continue;
    }
    used.add(n.at);
    for (let i = 0; i < n.value && people.length < MAX_COUNTED_CASUALTIES; i++) people.push(outcome);
  }
  if (people.length === 0) people.push(unnumbered ?? 'unknown');
  return { people };
}
