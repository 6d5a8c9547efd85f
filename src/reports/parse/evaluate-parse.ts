// Measures the report parser over labelled reports (npm run parse:eval and its test): precision and recall of the
// device class (a class other than unknown is a positive), of casualties, and of the place's P-code.
import type { DeviceClass } from '../../generated/prisma/enums.js';
import type { PlaceMatcher } from '../../districts/place-matcher.js';
import type { CompiledVocabulary } from './vocabulary.js';
import { parseReport } from './parse-report.js';

export interface ExpectedParse {
  text: string;
  device: DeviceClass;
  casualties: boolean;
  place: string | null;
}

export interface FieldScore {
  field: 'device' | 'casualties' | 'place';
  precision: number;
  recall: number;
  /** Exact agreement over every report, negatives included. */
  accuracy: number;
  misses: { text: string; expected: unknown; got: unknown }[];
}

type Field = FieldScore['field'];
const POSITIVE: Record<Field, (v: unknown) => boolean> = {
  device: (v) => v !== 'unknown',
  casualties: (v) => v === true,
  place: (v) => v !== null,
};

export function evaluateParse(set: ExpectedParse[], opts: { vocabulary: CompiledVocabulary; matcher: PlaceMatcher }): FieldScore[] {
  const counts = new Map<Field, { tp: number; predicted: number; expected: number; agree: number; misses: FieldScore['misses'] }>();
  for (const field of ['device', 'casualties', 'place'] as const) counts.set(field, { tp: 0, predicted: 0, expected: 0, agree: 0, misses: [] });
  for (const r of set) {
    const parsed = parseReport(r.text, { vocabulary: opts.vocabulary, matcher: opts.matcher });
    const got: Record<Field, unknown> = { device: parsed.device.value, casualties: parsed.casualties.value, place: parsed.place?.value.pcode ?? null };
    for (const field of ['device', 'casualties', 'place'] as const) {
      const c = counts.get(field)!;
      const [g, e] = [got[field], r[field]];
      if (POSITIVE[field](g)) c.predicted++;
      if (POSITIVE[field](e)) c.expected++;
      if (g === e) {
        c.agree++;
        if (POSITIVE[field](g)) c.tp++;
      } else {
        c.misses.push({ text: r.text, expected: e, got: g });
      }
    }
  }
  return [...counts].map(([field, c]) => ({
    field,
    precision: c.predicted ? c.tp / c.predicted : 1,
    recall: c.expected ? c.tp / c.expected : 1,
    accuracy: c.agree / set.length,
    misses: c.misses,
  }));
}
