// Keyword recognition over every locale's keywords.json at once: a Khmer speaker may text STOP and an
// English speaker ឈប់, and both must work. The locale whose word matched is a hint for the reply language.
import type { Resource } from 'i18next';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';
import { foldLatin, matchableText } from '../lib/text.js';

export const COMMANDS = ['join', 'stop', 'start', 'help', 'lang', 'yes', 'report', 'ack', 'done', 'false', 'notfound', 'dup', 'note'] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands that stand alone: "Stop! there is a mine near my house" is a report, not an opt-out. */
const WHOLE_MESSAGE_ONLY = new Set<Command>(['stop', 'start', 'help', 'yes']);

export interface KeywordMatch {
  command: Command;
  locale: Locale;
  keyword: string;
  /** The text after the keyword, cleaned (may be empty). */
  rest: string;
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

  return {
    words: (command) => [...(lists.get(command) ?? [])],
    parse(text) {
      const clean = matchableText(text);
      if (!clean) return null;
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
