// npm run lang:eval: accuracy of the reply-language choice per class of message (tests/fixtures/language-set.ts).
import { LANGUAGE_SET, PHONE_OF } from '../tests/fixtures/language-set.js';
import { evaluateLanguage } from '../src/subscribers/evaluate-language.js';
import { createKeywordTable } from '../src/subscribers/keywords.js';
import { loadResources } from '../src/lib/i18n.js';

const keywords = createKeywordTable(loadResources());
const scores = evaluateLanguage(keywords, LANGUAGE_SET.map((s) => ({ ...s, phone: PHONE_OF[s.from] })));
let [correct, total] = [0, 0];
for (const s of scores) {
  correct += s.correct;
  total += s.total;
  console.log(`${s.class.padEnd(10)} ${String(s.correct).padStart(3)}/${String(s.total).padEnd(3)} ${(100 * s.accuracy).toFixed(1).padStart(5)}%`);
  for (const m of s.misses) console.log(`    expected ${m.expected}, got ${m.got}: ${m.text}`);
}
console.log(`${'all'.padEnd(10)} ${String(correct).padStart(3)}/${String(total).padEnd(3)} ${((100 * correct) / total).toFixed(1).padStart(5)}%`);
