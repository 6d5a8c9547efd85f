// Keyword recognition over every locale's keywords.json at once: a Khmer speaker may text STOP and an
// English speaker ឈប់, and both must work. The locale whose word matched is a hint for the reply language.
import type { Resource } from 'i18next';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';
import { foldLatin, matchableText } from '../lib/text.js';
import { FUZZY_MIN_LENGTH, NEAR_MAX_CHARS, NEAR_MAX_WORDS, editDistance, stripPolite } from './near-keyword.js';

export const COMMANDS = ['join', 'stop', 'start', 'help', 'lang', 'yes', 'report', 'ack', 'done', 'false', 'notfound', 'dup', 'note'] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that stand alone: "Stop! there is a mine near my house" is a report, not an opt-out. */
const WHOLE_MESSAGE_ONLY = new Set<Command>(['stop', 'start', 'help', 'yes']);
/** Commands a misspelt single word may stand for ("stopp", "hepl", "jion"); never team commands or YES. */
const FUZZY_COMMANDS = new Set<Command>(['stop', 'start', 'help', 'join']);

export interface KeywordMatch {
  command: Command;
  locale: Locale;
  keyword: string;
  /** The text after the keyword, cleaned (may be empty). */
  rest: string;
  /** Matched as a near-keyword (misspelt, or with polite words around it), not exactly. */
  near?: boolean;
}

export interface KeywordTable {
  parse(text: string): KeywordMatch | null;
  words(command: Command): string[];
}

function norm(word: string): string {
  return foldLatin(word).toUpperCase();
}

// Trailing punctuation people add ("STOP.", "HELP!", "JOIN:"), Latin and Khmer/Lao signs.
const EDGE_PUNCT = /^[\s.,;:!?¡¿'"()\-–—។៕ໆ]+|[\s.,;:!?¡¿'"()\-–—។៕ໆ]+$/gu;

export function createKeywordTable(resources: Resource): KeywordTable {
  const byWord = new Map<string, { command: Command; locale: Locale }>();
  // Non-Latin keywords are matched as prefixes too: Khmer and Lao are written without spaces between words.
  const prefixes: { word: string; command: Command; locale: Locale }[] = [];
  const lists = new Map<Command, Set<string>>();
  for (const locale of SUPPORTED_LOCALES) {
    const table = (resources[locale]?.keywords ?? {}) as Partial<Record<Command, string[]>>;
    for (const command of COMMANDS) {
      for (const raw of table[command] ?? []) {
        const word = norm(matchableText(raw));
        if (!word) continue;
        if (!byWord.has(word)) byWord.set(word, { command, locale });
        if (!lists.has(command)) lists.set(command, new Set());
        lists.get(command)!.add(raw);
        if (!/^[A-Z0-9]+$/.test(word)) prefixes.push({ word, command, locale });
      }
    }
  }
  prefixes.sort((a, b) => b.word.length - a.word.length);

  // Polite words around a keyword ("STOP pls", "សូមឈប់"), from every locale's keywords.json "polite" list.
  const polite = SUPPORTED_LOCALES.flatMap((l) => ((resources[l]?.keywords as { polite?: string[] } | undefined)?.polite ?? []).map((w) => norm(matchableText(w))))
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  // Latin keywords a misspelt word is compared with.
  const fuzzy = [...byWord.entries()].filter(([w, h]) => FUZZY_COMMANDS.has(h.command) && /^[A-Z]+$/.test(w) && w.length >= FUZZY_MIN_LENGTH);

  function exact(clean: string): KeywordMatch | null {
    // A keyword of several words ("NO MAS", "SOUM CHUOY") is the whole message.
    const whole = norm(clean.replace(EDGE_PUNCT, ''));
    const phrase = whole.includes(' ') ? byWord.get(whole) : undefined;
    if (phrase) return { command: phrase.command, locale: phrase.locale, keyword: clean, rest: '' };
    const [first = '', ...others] = clean.split(' ');
    const head = norm(first.replace(EDGE_PUNCT, ''));
    let hit = byWord.get(head);
    let rest = others.join(' ');
    if (!hit) {
      const upper = norm(clean);
      const p = prefixes.find((x) => upper.startsWith(x.word));
      if (!p) return null;
      hit = { command: p.command, locale: p.locale };
      rest = clean.slice(p.word.length);
    }
    rest = rest.replace(EDGE_PUNCT, '').trim();
    if (WHOLE_MESSAGE_ONLY.has(hit.command) && rest !== '') return null;
    return { command: hit.command, locale: hit.locale, keyword: first, rest };
  }

  /** Short messages only: polite words stripped, then one edit forgiven on a single Latin word. */
  function near(clean: string): KeywordMatch | null {
    if (clean.length > NEAR_MAX_CHARS || clean.split(' ').length > NEAR_MAX_WORDS) return null;
    const core = stripPolite(norm(clean.replace(EDGE_PUNCT, '')), polite);
    if (!core) return null;
    const m = core !== norm(clean.replace(EDGE_PUNCT, '')) ? exact(core) : null;
    if (m && m.rest === '' && (WHOLE_MESSAGE_ONLY.has(m.command) || FUZZY_COMMANDS.has(m.command))) return { ...m, keyword: clean, near: true };
    if (!/^[A-Z]+$/.test(core) || core.length < FUZZY_MIN_LENGTH) return null;
    const close = fuzzy.filter(([w]) => editDistance(core, w, 1) <= 1);
    const commands = new Set(close.map(([, h]) => h.command));
    // Near two different commands ("ALTI": ALTA join, ALTO stop) is no answer at all.
    if (commands.size !== 1) return null;
    const [, hit] = close[0]!;
    return { command: hit.command, locale: hit.locale, keyword: clean, rest: '', near: true };
  }

  return {
    words: (command) => [...(lists.get(command) ?? [])],
    parse(text) {
      const clean = matchableText(text);
      if (!clean) return null;
      return exact(clean) ?? near(clean);
    },
  };
}

const LANGUAGE_NAMES: Record<string, Locale> = {
  EN: 'en', ENG: 'en', ENGLISH: 'en', INGLES: 'en', 'អង់គ្លេស': 'en', 'ອັງກິດ': 'en',
  KM: 'km', KH: 'km', KHM: 'km', KHMER: 'km', CAMBODIAN: 'km', 'ខ្មែរ': 'km', 'ភាសាខ្មែរ': 'km', 'ຂະເໝນ': 'km',
  LO: 'lo', LA: 'lo', LAO: 'lo', LAOS: 'lo', 'ລາວ': 'lo', 'ພາສາລາວ': 'lo', 'ឡាវ': 'lo',
  ES: 'es', SPA: 'es', SPANISH: 'es', ESPANOL: 'es', CASTELLANO: 'es', 'អេស្ប៉ាញ': 'es',
};

/** "LANG km", "LANG Khmer", "LANG ខ្មែរ", "LANGUAGE español" → the locale, or null. */
export function parseLanguage(arg: string): Locale | null {
  const word = norm(matchableText(arg).replace(EDGE_PUNCT, '')).split(' ')[0] ?? '';
  return LANGUAGE_NAMES[word] ?? null;
}
