// npm run content:check [-- --messages DIR --locales DIR]: checks the risk-education library (messages/ and
// locales/<lng>/messages.json) and prints a readable report. Exit 1 on any error, 2 on bad usage.
// CONTENT_MAX_SEGMENTS (default 3) is the most SMS parts one text may take.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_SEGMENTS, checkContent, formatContentReport } from '../src/content/check-content.js';
import { MESSAGES_DIR, readContentLibrary } from '../src/content/library.js';
import { LOCALES_DIR, loadResources } from '../src/lib/i18n.js';
import { checkPrompts, formatPromptReport } from '../src/content/check-prompts.js';

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run content:check -- [--messages DIR] [--locales DIR]   (env CONTENT_MAX_SEGMENTS, default ${DEFAULT_MAX_SEGMENTS})`);
  process.exit(2);
}

let values: { messages?: string; locales?: string };
try {
  ({ values } = parseArgs({ options: { messages: { type: 'string' }, locales: { type: 'string' } } }));
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
console.log(formatContentReport(result));
process.exitCode = result.ok ? 0 : 1;
