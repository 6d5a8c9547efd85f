// The clause rules of the safety check, the same for every language (the words come from the lexicon):
//   - an instruction verb (touch, pick up, burn, go closer…) that no negation in its clause governs FAILS;
//   - a negation governs the first instruction after it; in Khmer and Lao each further verb needs its own
//     ("កុំរើស ឬលក់" reads "don't collect, or sell"), so a later verb in the same clause WARNS; in Spanish
//     one negation covers a list ("nunca la toque, la patee ni la mueva") unless a plain "y"/"o" joins a verb;
//   - "if/before/when" clauses state conditions and questions ask, so their verbs are not instructions;
//   - allow-listed phrases (each with a reason in the lexicon) are skipped.
// English keeps its own older, object-aware rules (findBannedAdvice in check-content.ts).
import { clauses, matchAt, type Token } from './tokenise.js';
import type { Lexicon } from './lexicon.js';

export type SafetyRule = 'unnegated' | 'negation-covers-first-only';

export interface SafetyHit {
  rule: SafetyRule;
  /** The instruction as written. */
  phrase: string;
  /** Its English meaning from the lexicon ("touch"). */
  meaning: string;
  sentence: string;
}

/** How many tokens at i match one of the phrases (longest first), or 0. */
function matchAny(tokens: Token[], i: number, phrases: readonly string[], joiner: string): number {
  for (const p of phrases) {
    const n = matchAt(tokens, i, p, joiner);
    if (n) return n;
  }
  return 0;
}

function matchInstruction(tokens: Token[], i: number, lex: Lexicon): { length: number; meaning: string } | undefined {
  for (const ins of lex.instructions) {
    const n = matchAt(tokens, i, ins.phrase, lex.joiner);
    if (n) return { length: n, meaning: ins.meaning };
  }
  return undefined;
}

const WEAK_REACH = 3;

/** Instructions in a text that the clause rules fail (`unnegated`) or warn about. */
export function checkClauses(text: string, lex: Lexicon): SafetyHit[] {
  const hits: SafetyHit[] = [];
  for (const clause of clauses(text, lex.locale, lex.commaEndsClause)) {
    const t = clause.tokens;
    // A negation seen and not yet spent on a verb; for a weak one, the index it reaches to.
    let fresh: 'clause' | number | null = null;
    let governed = false;
    let subordinate = false;
    let lastConjunction = -10;
    for (let i = 0; i < t.length; ) {
      const tok = t[i]!;
      if (subordinate) {
        // A condition ends at a comma, and in Khmer/Lao at a phrase break (a space) unless "or/and" carries
        // it on: "បើចប ឬប៉ែលប៉ះដែក ឈប់" = "if the hoe or spade hits metal, stop".
        const spaceBreak = /\s/.test(tok.gap) && lex.commaEndsClause && i - 1 !== lastConjunction && !matchAny(t, i, lex.conjunctions, lex.joiner);
        if (tok.gap.includes(',') || spaceBreak) subordinate = false;
      }
      if (typeof fresh === 'number' && i >= fresh) fresh = null;

      let n = matchAny(t, i, lex.allow.map((a) => a.phrase), lex.joiner);
      if (n) {
        i += n;
        continue;
      }
      if ((n = matchAny(t, i, lex.clauseBreakers, lex.joiner))) {
        fresh = null;
        governed = false;
        subordinate = false;
        i += n;
        continue;
      }
      if ((n = matchAny(t, i, lex.negations, lex.joiner))) {
        fresh = 'clause';
        i += n;
        continue;
      }
      if ((n = matchAny(t, i, lex.weakNegations, lex.joiner))) {
        fresh = i + n + WEAK_REACH;
        i += n;
        continue;
      }
      if ((n = matchAny(t, i, lex.subordinators, lex.joiner))) {
        subordinate = true;
        i += n;
        continue;
      }
      if ((n = matchAny(t, i, lex.conjunctions, lex.joiner))) {
        lastConjunction = i + n - 1;
        i += n;
        continue;
      }
      const ins = matchInstruction(t, i, lex);
      if (!ins) {
        i += 1;
        continue;
      }
      const phrase = t.slice(i, i + ins.length).map((x) => x.text).join(lex.joiner);
      if (subordinate || clause.question) {
        // A condition or a question: "if your tool hits metal", "digging a well?".
      } else if (fresh !== null) {
        governed = true;
        fresh = null;
      } else if (governed) {
        // Joined to an earlier negated verb: Spanish lists are fine unless a plain "y"/"o" joins this verb
        // (within two words: "y la mueva"); Khmer and Lao want the negation repeated.
        if (!lex.negationCoversList || i - lastConjunction <= 2) {
          hits.push({ rule: 'negation-covers-first-only', phrase, meaning: ins.meaning, sentence: clause.sentence });
        }
      } else {
        hits.push({ rule: 'unnegated', phrase, meaning: ins.meaning, sentence: clause.sentence });
      }
      i += ins.length;
    }
  }
  return hits;
}
