// Per-language safety lexicons (src/content/safety-lexicon/<lng>.json): dangerous instructions, negations,
// conjunctions, clause breakers, subordinators, an allow-list with reasons, and the phrases that carry each
// core safety point. Data, not code, so a reviewer who reads the language can correct them; zod-checked so
// a typo fails loudly instead of silently weakening the check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { normalise } from './tokenise.js';

export const LEXICON_DIR = fileURLToPath(new URL('../safety-lexicon', import.meta.url));

export const SAFETY_POINTS = ['do_not_touch', 'keep_away', 'go_back_or_stand_still', 'mark', 'warn_others', 'report'] as const;
export type SafetyPoint = (typeof SAFETY_POINTS)[number];

const Phrase = z.string().trim().min(1);

export const LexiconSchema = z.strictObject({
  locale: z.string().min(2),
  notes: z.string().optional(),
  /** Whether a comma ends a negation's reach (km, lo: yes; es: "nunca la toque, la patee ni la mueva" is one list). */
  commaEndsClause: z.boolean(),
  /** Whether the language writes spaces between words (es, en) or only between phrases (km, lo). */
  spacedWords: z.boolean().default(false),
  /** Whether one negation covers later verbs of its clause (es) or each verb needs its own (km, lo). */
  negationCoversList: z.boolean(),
  /** Enclitic endings a single-word instruction may take (es: recójala). "" = the bare word. */
  clitics: z.array(z.string()).optional(),
  /** Negations that reach to the end of the clause. */
  negations: z.array(Phrase).min(1),
  /** Negations that reach only the next three words ("no se acerque", "ບໍ່ແຕະ"): "not safe" must not cover a later verb. */
  weakNegations: z.array(Phrase).default([]),
  instructions: z.array(z.strictObject({ meaning: z.string().min(1), phrases: z.array(Phrase).min(1) })).min(1),
  conjunctions: z.array(Phrase),
  clauseBreakers: z.array(Phrase),
  /** "if", "before", "when": a verb in such a clause is a condition, not an instruction. */
  subordinators: z.array(Phrase),
  allow: z.array(z.strictObject({ phrase: Phrase, reason: z.string().min(10) })),
});

export type LexiconFile = z.infer<typeof LexiconSchema>;

export interface Lexicon extends Omit<LexiconFile, 'negations' | 'weakNegations' | 'instructions' | 'conjunctions' | 'clauseBreakers' | 'subordinators' | 'allow'> {
  negations: string[];
  weakNegations: string[];
  /** Normalised phrase → meaning, longest phrases first so "ចូលទៅជិត" wins over "ចូល…". */
  instructions: { phrase: string; meaning: string }[];
  conjunctions: string[];
  clauseBreakers: string[];
  subordinators: string[];
  allow: { phrase: string; reason: string }[];
  /** How matched words are joined: ' ' where words are spaced, '' in Khmer and Lao. */
  joiner: '' | ' ';
}

const cache = new Map<string, Lexicon | null>();

/** The lexicon of a locale, or null when there is none (the check then says so instead of passing). */
export function loadLexicon(locale: string, dir = LEXICON_DIR): Lexicon | null {
  const cacheKey = `${dir}\0${locale}`;
  if (cache.has(cacheKey)) return cache.get(cacheKey)!;
  const file = join(dir, `${locale}.json`);
  if (!existsSync(file)) {
    cache.set(cacheKey, null);
    return null;
  }
  const parsed = LexiconSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const lex = compileLexicon(parsed.data);
  cache.set(cacheKey, lex);
  return lex;
}

/** Normalises every phrase the way text is normalised (spaces dropped: phrases match across ICU's splits). */
export function compileLexicon(f: LexiconFile): Lexicon {
  const joiner = f.spacedWords ? ' ' : '';
  const n = (p: string) => normalise(p, f.locale).trim().replace(/\s+/g, joiner);
  const byLength = (a: { phrase: string }, b: { phrase: string }) => b.phrase.length - a.phrase.length;
  const clitics = f.clitics ?? [''];
  const instructions = f.instructions.flatMap((i) =>
    i.phrases.flatMap((p) => (/\s/.test(p) ? [n(p)] : clitics.map((c) => n(p) + c)).map((phrase) => ({ phrase, meaning: i.meaning }))),
  );
  const sortLong = (xs: string[]) => [...new Set(xs.map(n))].sort((a, b) => b.length - a.length);
  return {
    ...f,
    negations: sortLong(f.negations),
    weakNegations: sortLong(f.weakNegations),
    instructions: instructions.sort(byLength),
    conjunctions: sortLong(f.conjunctions),
    clauseBreakers: sortLong(f.clauseBreakers),
    subordinators: sortLong(f.subordinators),
    allow: f.allow.map((a) => ({ phrase: n(a.phrase), reason: a.reason })).sort(byLength),
    joiner,
  };
}
