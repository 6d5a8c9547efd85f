// npm run parse:eval: precision and recall of the report parser per field over tests/fixtures/reports-set.ts,
// with the demo gazetteer's places.
import { readFileSync } from 'node:fs';
import { REPORTS_SET } from '../tests/fixtures/reports-set.js';
import { evaluateParse } from '../src/reports/parse/evaluate-parse.js';
import { buildVocabulary, type ReportVocabulary } from '../src/reports/parse/vocabulary.js';
import { createPlaceMatcher } from '../src/districts/place-matcher.js';
import { parseCodCsv } from '../src/districts/cod-csv.js';
import { DEMO_GAZETTEER } from '../src/demo/seed-demo.js';
import { loadResources } from '../src/lib/i18n.js';
import { SUPPORTED_LOCALES } from '../src/config.js';

const resources = loadResources();
const vocabulary = buildVocabulary(Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, (resources[l]?.reports as { words?: Partial<ReportVocabulary> } | undefined)?.words])));
const matcher = createPlaceMatcher(parseCodCsv(readFileSync(DEMO_GAZETTEER)).units);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
console.log(`${REPORTS_SET.length} reports`);
for (const s of evaluateParse(REPORTS_SET, { vocabulary, matcher })) {
  console.log(`${s.field.padEnd(11)} precision ${pct(s.precision)}  recall ${pct(s.recall)}  accuracy ${pct(s.accuracy)}`);
  for (const m of s.misses) console.log(`    expected ${String(m.expected)}, got ${String(m.got)}: ${m.text}`);
}
