// npm run content:check [-- --messages DIR --locales DIR]: checks the risk-education library (messages/ and
// locales/<lng>/*.json: safety in every language, required points, parts, audio) and prints a readable report.
// Exit 1 on any error, 2 on bad usage.
//   --report [file]   also writes the review sheet (CSV, default content-review.csv)
//   --import file     reads a filled-in review sheet back into locales/review.json, then checks
// CONTENT_MAX_SEGMENTS (default 3) is the most SMS parts one text may take.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_SEGMENTS, checkContent, formatContentReport } from '../src/content/check-content.js';
import { MESSAGES_DIR, readContentLibrary } from '../src/content/library.js';
import { LOCALES_DIR, loadResources } from '../src/lib/i18n.js';
import { checkPrompts, formatPromptReport } from '../src/content/check-prompts.js';
import { SUPPORTED_LOCALES } from '../src/config.js';
import { readReviewStore, writeReviewStore } from '../src/content/review/review-store.js';
import { exportReviewSheet, importReviewSheet } from '../src/content/review/review-sheet.js';
import { formatReviewSummary } from '../src/content/review/review-summary.js';

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run content:check -- [--messages DIR] [--locales DIR] [--report [FILE.csv]] [--import FILE.csv]   (env CONTENT_MAX_SEGMENTS, default ${DEFAULT_MAX_SEGMENTS})`);
  process.exit(2);
}

// "--report" may stand without a file name: give it the default one.
const argv = process.argv.slice(2);
const at = argv.indexOf('--report');
if (at >= 0 && (at === argv.length - 1 || argv[at + 1]!.startsWith('--'))) argv.splice(at + 1, 0, 'content-review.csv');

let values: { messages?: string; locales?: string; report?: string; import?: string };
try {
  ({ values } = parseArgs({
    args: argv,
    options: { messages: { type: 'string' }, locales: { type: 'string' }, report: { type: 'string' }, import: { type: 'string' } },
  }));
} catch (err) {
  usage((err as Error).message);
}
const messagesDir = resolve(values.messages ?? MESSAGES_DIR);
const localesDir = resolve(values.locales ?? LOCALES_DIR);
if (!existsSync(localesDir)) usage(`locales directory ${localesDir} does not exist`);

const rawMax = process.env.CONTENT_MAX_SEGMENTS?.trim();
const maxSegments = rawMax ? Number(rawMax) : DEFAULT_MAX_SEGMENTS;
if (!Number.isInteger(maxSegments) || maxSegments < 1 || maxSegments > 10) {
  usage(`CONTENT_MAX_SEGMENTS must be a whole number from 1 to 10, got "${rawMax}"`);
}

let resources;
try {
  resources = loadResources(localesDir);
} catch (err) {
  // A JSON syntax error in a locale file: name it instead of printing a stack.
  console.log(`ERRORS (1)\n  ✗ [library] cannot read ${localesDir}: ${(err as Error).message}\ncontent check FAILED: 1 errors`);
  process.exit(1);
}

let store;
try {
  store = readReviewStore(localesDir);
} catch (err) {
  console.log(`ERRORS (1)\n  ✗ [library] ${(err as Error).message}\ncontent check FAILED: 1 errors`);
  process.exit(1);
}
if (values.import) {
  const file = resolve(values.import);
  if (!existsSync(file)) usage(`review sheet ${file} does not exist`);
  const r = importReviewSheet({ csv: readFileSync(file, 'utf8'), resources, locales: SUPPORTED_LOCALES, store, today: new Date().toISOString().slice(0, 10) });
  writeReviewStore(store);
  console.log(`Review sheet ${file}: ${r.updated.length} statuses changed, ${r.stale.length} not applied (text changed since the sheet), ${r.invalid.length} invalid`);
  for (const u of r.updated) console.log(`  ✓ ${u.key} ${u.locale}: ${u.from} → ${u.to}`);
  for (const x of r.stale) console.log(`  ! ${x.key} ${x.locale}: the text changed after the sheet was written; review it again`);
  for (const x of r.invalid) console.log(`  ✗ line ${x.line}${x.key ? ` (${x.key})` : ''}: ${x.message}`);
  console.log('');
}

const { library, problems } = readContentLibrary(messagesDir);
const messagesResult = checkContent({ library, resources, maxSegments, messagesDir, localesDir, libraryProblems: problems });
// The hotline's prompts are checked with the messages: their findings join the same report and verdict.
const prompts = checkPrompts({ resources, messagesDir });
const result = {
  ...messagesResult,
  errors: [...messagesResult.errors, ...prompts.errors],
  warnings: [...messagesResult.warnings, ...prompts.warnings],
  ok: messagesResult.ok && prompts.errors.length === 0,
};
console.log(`Content library: ${messagesDir}\nLocales: ${localesDir}\n`);
console.log(`${formatPromptReport(prompts)}\n`);
console.log(`${formatReviewSummary({ resources, locales: SUPPORTED_LOCALES, store })}\n`);
console.log(formatContentReport(result));
if (values.report) {
  const file = resolve(values.report);
  writeFileSync(file, exportReviewSheet({ resources, locales: SUPPORTED_LOCALES, store }));
  console.log(`review sheet written to ${file}`);
}
process.exitCode = result.ok ? 0 : 1;
