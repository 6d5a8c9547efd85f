// npm run ivr:walk -- [--lang km] [--keys 1,2,1,1] [--from +85512345678]
// Prints a hotline call as a transcript — what is said (text, locale, audio file), the keys each step expects,
// and what the call would change — using the same step machine as the webhook, on the demo gazetteer in
// memory: no HTTP, no database, nothing sent. --lang starts as a caller whose language is known (main menu);
// without it the call starts at the language menu. A key "s" is silence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SUPPORTED_LOCALES, type Locale } from '../src/config.js';
import { createI18n, isLocale } from '../src/lib/i18n.js';
import { parseCodCsv } from '../src/districts/cod-csv.js';
import { DEMO_GAZETTEER } from '../src/demo/seed-demo.js';
import { loadContentLibrary, MESSAGES_DIR } from '../src/content/library.js';
import { wavInfo } from '../src/content/check-content.js';
import { readPromptManifest } from '../src/content/prompt-audio.js';
import { countryOfPhone } from '../src/subscribers/phone.js';
import { advance, startCall } from '../src/ivr/machine.js';
import { spokenParts } from '../src/ivr/render.js';
import { memoryPlaces } from '../src/ivr/places.js';
import { voiceMessageIds } from '../src/ivr/hotline.service.js';
import type { MachineEnv, Step, Turn } from '../src/ivr/types.js';

const EXPECTS: Record<Step, string> = {
  lang: '1 Khmer, 2 Lao, 3 Spanish, 4 English',
  menu: '1 report, 2 safety messages, 3 subscribe, 4 stop messages, 9 language',
  'report.province': 'a listed number, 9 more (long lists), 0 don\'t know, * repeat',
  'report.district': 'a listed number, 9 more (long lists), 0 don\'t know, * repeat',
  'report.commune': 'a listed number, 9 more (long lists), 0 don\'t know, * repeat',
  'report.device': '1 mine, 2 bomb/shell, 3 cluster bomblet, 4 don\'t know',
  'report.casualties': '1 yes, 2 no',
  'report.record': 'speak (max 120 s), # to finish',
  messages: '# next, * repeat, 0 menu',
  'sub.province': 'a listed number, 9 more, 0 don\'t know, * repeat',
  'sub.district': 'a listed number, 9 more, 0 don\'t know, * repeat',
  'sub.commune': 'a listed number, 9 more, 0 whole district, * repeat',
  'sub.confirm': '1 confirm, 2 choose again',
  'stop.confirm': '1 stop, 2 back to the menu',
  end: '(call ends)',
};

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run ivr:walk -- [--lang ${SUPPORTED_LOCALES.join('|')}] [--keys 1,2,1,1] [--from +855…]`);
  process.exit(2);
}

let values: { lang?: string; keys?: string; from?: string };
try {
  ({ values } = parseArgs({ options: { lang: { type: 'string' }, keys: { type: 'string' }, from: { type: 'string' } } }));
} catch (err) {
  usage((err as Error).message);
}
if (values.lang !== undefined && !isLocale(values.lang)) usage(`unknown language "${values.lang}"`);
const keys = (values.keys ?? '').split(',').map((k) => k.trim()).filter(Boolean);
if (keys.some((k) => !/^([0-9*#]|s)$/.test(k))) usage('keys are 0-9, * or #, or s for silence, separated by commas');
const from = values.from ?? '+85512345678';

const { units } = parseCodCsv(readFileSync(DEMO_GAZETTEER), { country: 'KH' });
const i18n = createI18n();
const library = loadContentLibrary();
const env: MachineEnv = {
  places: memoryPlaces(units),
  emergencyNumber: process.env.EMERGENCY_NUMBER ?? '119',
  voiceMessages: voiceMessageIds(library),
  country: countryOfPhone(from),
};

const placeholders = readPromptManifest().files;

function seconds(rel: string): string {
  if (placeholders[rel.replace(/^audio\/prompts\//, '')]) return `${measure(rel)}, PLACEHOLDER`;
  return measure(rel);
}

function measure(rel: string): string {
  try {
    const info = wavInfo(readFileSync(join(MESSAGES_DIR, rel)));
    return 'error' in info ? info.error : `${info.seconds.toFixed(1)} s`;
  } catch {
    return 'missing';
  }
}

function print(n: number, turn: Turn) {
  console.log(`\n── ${n}. ${turn.state.step} (${turn.state.locale}) ${'─'.repeat(Math.max(0, 50 - turn.state.step.length))}`);
  const parts = spokenParts(turn.say, turn.state.locale, {
    t: i18n.t, baseUrl: '', library, reportNumber: null,
    messageVars: { district: i18n.t(turn.state.locale, 'ivr:words.yourArea'), hotline: env.emergencyNumber },
  });
  for (const p of parts) {
    const how = p.audio ? `▶ ${p.audio} (${seconds(p.audio)})` : `<Say ${p.locale}>`;
    console.log(`  [${p.locale}] ${p.text}\n        ${how}`);
  }
  if (turn.effects.length) console.log(`  ⚙ ${turn.effects.map((e) => JSON.stringify(e)).join(' ')}`);
  const next = 'gather' in turn.next ? `waits for a key: ${EXPECTS[turn.state.step]}` : 'record' in turn.next ? EXPECTS['report.record'] : 'hangs up';
  console.log(`  … ${next}`);
}

let turn = await startCall(env, { knownLocale: values.lang ? (values.lang as Locale) : null, guessedLocale: 'km' });
print(1, turn);
let n = 1;
for (const key of keys) {
  if ('hangup' in turn.next) break;
  console.log(`\n  ⌨ caller: ${key === 's' ? '(silence)' : key}`);
  turn = await advance(env, turn.state, key === 's' ? null : key);
  print(++n, turn);
}
console.log('\n(walk only: nothing was stored or sent; the report number is read out on a real call)');
