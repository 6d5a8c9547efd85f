// Content check for the risk-education library (npm run content:check, also part of npm test).
//
// A villager gets exactly one text, in one language, on a phone that may show only the first part. So every
// message must exist in every language with the same {{variables}}, fit the part budget, have a recording
// where no TTS voice exists, and never give advice that kills (touch, move, burn, collect a device).
//
// Pure apart from reading the audio files it is pointed at: no console, no process.env, no exit code. The
// CLI (scripts/content-check.ts) prints `formatContentReport(result)` and sets the exit code.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'i18next';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';
import { smsSegments, MAX_BODY_CHARS, type SmsEncoding } from '../messaging/sms-segments.js';
import {
  AUDIO_LOCALES,
  MESSAGE_VARIABLES,
  splitKey,
  type ContentLibrary,
  type ContentMessage,
  type LibraryProblem,
} from './library.js';
import { checkKeyedText, scanLocaleTexts } from './safety/scan-locales.js';
import { checkRequiredPoints } from './safety/required-points.js';

export const DEFAULT_MAX_SEGMENTS = 3;
/** Recordings this short are taken for placeholders: no safety message can be said in 2 seconds. */
export const PLACEHOLDER_MAX_SECONDS = 2;
/** messages/audio/PLACEHOLDERS: one path per line (relative to messages/), '#' starts a comment. */
export const PLACEHOLDER_LIST = join('audio', 'PLACEHOLDERS');

/** Realistic values for counting parts: the rendered text is what the carrier bills. */
export const SAMPLE_VARIABLES: Record<string, string> = { district: 'Mongkol Borei', hotline: '+855 12 345 678' };

const REFERENCE_LOCALE: Locale = 'en';
/** Locales that can be sent as GSM-7 when written without á, í, ó, ú…; a UCS-2 text there costs 2-3x. */
const GSM_LOCALES: readonly Locale[] = ['en', 'es'];

export type FindingCode =
  | 'library'
  | 'missing-key'
  | 'not-text'
  | 'orphan-key'
  | 'variables'
  | 'unknown-variable'
  | 'too-long'
  | 'not-gsm'
  | 'missing-audio'
  | 'bad-audio'
  | 'placeholder-audio'
  | 'unused-audio'
  | 'banned-advice'
  | 'negation-scope'
  | 'no-lexicon'
  | 'missing-point'
  | 'no-point-phrases'
  | 'points-manifest';

export interface Finding {
  code: FindingCode;
  message: string;
  id?: string;
  locale?: string;
  key?: string;
}

export interface SmsRow {
  id: string;
  topic: string;
  locale: string;
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 units (UCS-2) of the rendered text. */
  units: number;
  nonGsmChars: string[];
  tooLong: boolean;
}

export interface ContentCheckResult {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  table: SmsRow[];
  maxSegments: number;
  locales: readonly string[];
  sampleVariables: Record<string, string>;
  summary: { messages: number; drafts: number; keys: number };
}

export interface CheckContentOptions {
  library: ContentLibrary;
  /** i18next resources as from loadResources(): resources[locale][namespace] = JSON. */
  resources: Resource;
  maxSegments?: number;
  /** Where audio paths are resolved; defaults to library.dir. */
  messagesDir?: string;
  /** Problems found while reading the message files (readContentLibrary); reported as errors. */
  libraryProblems?: LibraryProblem[];
  locales?: readonly string[];
  knownVariables?: readonly string[];
  sampleVariables?: Record<string, string>;
  /** Where the per-language safety lexicons are (tests point at a copy). */
  lexiconDir?: string;
  /** The locales directory: its safety-points.json declares the core points texts must carry. */
  localesDir?: string;
}

export function checkContent(opts: CheckContentOptions): ContentCheckResult {
  const { library, resources } = opts;
  const maxSegments = opts.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  const messagesDir = opts.messagesDir ?? library.dir;
  const locales = opts.locales ?? SUPPORTED_LOCALES;
  const knownVariables = new Set(opts.knownVariables ?? MESSAGE_VARIABLES);
  const sampleVariables = opts.sampleVariables ?? SAMPLE_VARIABLES;
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const table: SmsRow[] = [];

  for (const p of opts.libraryProblems ?? []) errors.push({ code: 'library', message: `${p.file}: ${p.message}` });

  // Keys the message files point at, each with the message and channel it serves.
  const referenced = new Map<string, { message: ContentMessage; channel: 'sms' | 'voice' }>();
  for (const message of library.messages) {
    for (const channel of message.channels) {
      const key = message[channel];
      if (key) referenced.set(key, { message, channel });
    }
  }
  // Every leaf key of every namespace used, in any locale: a key that exists in one locale only is an error
  // even when no message uses it yet, since the next message that does would ship half-translated.
  const allKeys = new Set(referenced.keys());
  const namespaces = new Set([...referenced.keys()].map((k) => splitKey(k).ns));
  for (const ns of namespaces) {
    for (const lng of locales) {
      for (const path of leafPaths(resources[lng]?.[ns])) allKeys.add(`${ns}:${path}`);
    }
  }

  for (const key of [...allKeys].sort()) {
    const ref = referenced.get(key);
    const id = ref?.message.id;
    if (!ref) {
      warnings.push({ code: 'orphan-key', key, message: `${key} is not used by any file in messages/` });
    }

    const texts = new Map<string, string>();
    for (const lng of locales) {
      const value = lookup(resources, lng, key);
      if (value === undefined) {
        errors.push({ code: 'missing-key', id, locale: lng, key, message: `${key} is missing in ${lng} (locales/${lng}/${splitKey(key).ns}.json)` });
      } else if (typeof value !== 'string' || value.trim() === '') {
        errors.push({ code: 'not-text', id, locale: lng, key, message: `${key} in ${lng} must be a non-empty string` });
      } else {
        texts.set(lng, value);
      }
    }

    checkVariables(key, id, texts, knownVariables, errors);

    // Every locale is read for unsafe advice, not only English: a translation is what the villager gets.
    for (const [lng, text] of texts) {
      for (const f of checkKeyedText(key, lng, text, opts.lexiconDir)) {
        (f.code === 'negation-scope' ? warnings : errors).push({ code: f.code, id, locale: lng, key, message: f.message });
      }
    }

    if (ref?.channel === 'sms') {
      for (const [lng, text] of texts) {
        const rendered = interpolate(text, sampleVariables);
        const s = smsSegments(rendered);
        const tooLong = s.segments > maxSegments || rendered.length > MAX_BODY_CHARS;
        table.push({
          id: ref.message.id,
          topic: ref.message.topic,
          locale: lng,
          encoding: s.encoding,
          segments: s.segments,
          units: s.units,
          nonGsmChars: s.nonGsmChars,
          tooLong,
        });
        if (tooLong) {
          errors.push({
            code: 'too-long',
            id,
            locale: lng,
            key,
            message: `${key} in ${lng} is ${s.segments} ${s.encoding} parts (${s.units} ${s.encoding === 'GSM-7' ? 'septets' : 'UCS-2 units'}), over the limit of ${maxSegments} (CONTENT_MAX_SEGMENTS)${
              s.encoding === 'UCS-2' && GSM_LOCALES.includes(lng as Locale)
                ? `; it is UCS-2 only because of ${s.nonGsmChars.map((c) => JSON.stringify(c)).join(' ')}`
                : ''
            }`,
          });
        } else if (s.encoding === 'UCS-2' && GSM_LOCALES.includes(lng as Locale)) {
          warnings.push({
            code: 'not-gsm',
            id,
            locale: lng,
            key,
            message: `${key} in ${lng} is sent as UCS-2 (${s.segments} parts) because of ${s.nonGsmChars.map((c) => JSON.stringify(c)).join(' ')}; without them it could be GSM-7`,
          });
        }
      }
    }
  }

  checkAudio(library, messagesDir, locales, errors, warnings);

  // Every other namespace (common, reports, teams, ivr, voice, victims…) reaches people too.
  for (const f of scanLocaleTexts({ resources, locales, skipNamespaces: [...namespaces], lexiconDir: opts.lexiconDir })) {
    (f.code === 'negation-scope' ? warnings : errors).push({ code: f.code, locale: f.locale, key: f.key, message: f.message });
  }
  if (opts.localesDir) {
    for (const f of checkRequiredPoints({ resources, localesDir: opts.localesDir, locales, lexiconDir: opts.lexiconDir })) {
      errors.push({ code: f.code, locale: f.locale, key: f.key, message: f.message });
    }
  }

  return {
    ok: errors.length === 0,
    errors,
    warnings,
    table,
    maxSegments,
    locales,
    sampleVariables,
    summary: {
      messages: library.messages.length,
      drafts: library.messages.filter((m) => m.review.status === 'draft').length,
      keys: allKeys.size,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and variables
// ---------------------------------------------------------------------------------------------------------------

function lookup(resources: Resource, lng: string, key: string): unknown {
  const { ns, path } = splitKey(key);
  let node: unknown = resources[lng]?.[ns];
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function leafPaths(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return prefix ? [prefix] : [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Names of the {{variables}} in an i18next text ("{{ count, number }}" counts as "count"). */
export function textVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*-?\s*([^\s,}]+)[^}]*\}\}/g)) names.add(m[1]!);
  return [...names].sort();
}

function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*-?\s*([^\s,}]+)[^}]*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

function checkVariables(
  key: string,
  id: string | undefined,
  texts: Map<string, string>,
  known: Set<string>,
  errors: Finding[],
): void {
  const refLng = texts.has(REFERENCE_LOCALE) ? REFERENCE_LOCALE : [...texts.keys()][0];
  if (refLng === undefined) return;
  const expected = textVariables(texts.get(refLng)!);
  const unknown = expected.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    errors.push({
      code: 'unknown-variable',
      id,
      locale: refLng,
      key,
      message: `${key} in ${refLng} uses ${unknown.map(braces).join(', ')}; a message may only use ${[...known].map(braces).join(', ')}`,
    });
  }
  for (const [lng, text] of texts) {
    if (lng === refLng) continue;
    const found = textVariables(text);
    const missing = expected.filter((v) => !found.includes(v));
    const extra = found.filter((v) => !expected.includes(v));
    if (missing.length === 0 && extra.length === 0) continue;
    const parts = [
      missing.length ? `lacks ${missing.map(braces).join(', ')}` : '',
      extra.length ? `has ${extra.map(braces).join(', ')} that ${refLng} does not` : '',
    ].filter(Boolean);
    errors.push({
      code: 'variables',
      id,
      locale: lng,
      key,
      message: `${key} in ${lng} ${parts.join(' and ')} (${refLng} uses ${expected.map(braces).join(', ') || 'none'})`,
    });
  }
}

const braces = (v: string) => `{{${v}}}`;

// ---------------------------------------------------------------------------------------------------------------
// Audio for <Play> (km, lo have no Twilio voice)
// ---------------------------------------------------------------------------------------------------------------

function checkAudio(
  library: ContentLibrary,
  messagesDir: string,
  locales: readonly string[],
  errors: Finding[],
  warnings: Finding[],
): void {
  const placeholders = readPlaceholderList(messagesDir);
  for (const message of library.messages) {
    const voice = message.channels.includes('voice');
    for (const lng of locales) {
      const rel = message.audio[lng as Locale];
      const needed = voice && AUDIO_LOCALES.includes(lng as Locale);
      if (!rel) {
        if (needed) {
          errors.push({
            code: 'missing-audio',
            id: message.id,
            locale: lng,
            message: `${message.id} is a voice message but names no ${lng} audio file: Twilio has no ${lng} voice, so the call would be silent`,
          });
        }
        continue;
      }
      if (!voice) {
        warnings.push({ code: 'unused-audio', id: message.id, locale: lng, message: `${message.id} names ${rel} but is not a voice message` });
      }
      const file = join(messagesDir, rel);
      if (!existsSync(file) || !statSync(file).isFile()) {
        errors.push({ code: 'missing-audio', id: message.id, locale: lng, message: `${message.id} ${lng} audio file messages/${rel} does not exist` });
        continue;
      }
      let seconds: number | undefined;
      if (rel.endsWith('.wav')) {
        const info = wavInfo(readFileSync(file));
        if ('error' in info) {
          errors.push({ code: 'bad-audio', id: message.id, locale: lng, message: `${message.id} ${lng} audio messages/${rel}: ${info.error}` });
          continue;
        }
        seconds = info.seconds;
      }
      const listed = placeholders.has(rel);
      if (listed || (seconds !== undefined && seconds <= PLACEHOLDER_MAX_SECONDS)) {
        const why = [listed ? 'listed in messages/audio/PLACEHOLDERS' : '', seconds !== undefined ? `${seconds.toFixed(1)} s long` : '']
          .filter(Boolean)
          .join(', ');
        warnings.push({
          code: 'placeholder-audio',
          id: message.id,
          locale: lng,
          message: `${message.id} ${lng} audio messages/${rel} is a PLACEHOLDER, not a recording (${why}): record a native ${lng} voice before use`,
        });
      }
    }
  }
}

function readPlaceholderList(messagesDir: string): Set<string> {
  const file = join(messagesDir, PLACEHOLDER_LIST);
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean),
  );
}

/** Duration of a PCM/µ-law WAV from its RIFF header, or why it is not one Twilio can play. */
export function wavInfo(buf: Buffer): { seconds: number; sampleRate: number; channels: number } | { error: string } {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return { error: 'not a RIFF/WAVE file' };
  }
  let byteRate = 0;
  let sampleRate = 0;
  let channels = 0;
  let dataBytes: number | undefined;
  for (let pos = 12; pos + 8 <= buf.length; ) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ' && pos + 8 + 16 <= buf.length) {
      channels = buf.readUInt16LE(pos + 10);
      sampleRate = buf.readUInt32LE(pos + 12);
      byteRate = buf.readUInt32LE(pos + 16);
    } else if (id === 'data') {
      dataBytes = Math.min(size, buf.length - pos - 8);
    }
    pos += 8 + size + (size % 2);
  }
  if (!byteRate || !sampleRate || !channels) return { error: 'WAV has no valid "fmt " chunk' };
  if (dataBytes === undefined) return { error: 'WAV has no "data" chunk' };
  if (dataBytes === 0) return { error: 'WAV holds no audio' };
  return { seconds: dataBytes / byteRate, sampleRate, channels };
}

// ---------------------------------------------------------------------------------------------------------------
// Banned advice (English): a word list, not understanding. It catches a risky verb aimed at a device ("pick it
// up", "sell the bomb") or any fire-setting ("burn the field") that is not inside a negation ("never", "do not",
// "without", "avoid"…) earlier in the same sentence. Content must therefore say what NOT to do in negated form,
// and say what others do ("the team will destroy it") without these verbs.
// ---------------------------------------------------------------------------------------------------------------

const DEVICE_WORDS = new Set([
  'it', 'them', 'one', 'ones',
  'mine', 'mines', 'landmine', 'landmines', 'bomb', 'bombs', 'bomblet', 'bomblets', 'bombie', 'bombies',
  'submunition', 'submunitions', 'shell', 'shells', 'grenade', 'grenades', 'mortar', 'mortars', 'rocket', 'rockets',
  'projectile', 'projectiles', 'device', 'devices', 'item', 'items', 'object', 'objects', 'thing', 'things',
  'explosive', 'explosives', 'ordnance', 'uxo', 'erw', 'fuze', 'fuzes', 'fuse', 'fuses', 'detonator', 'detonators',
  'munition', 'munitions', 'ammunition', 'ied', 'ieds', 'booby', 'cluster',
]);

// Words that may stand between a verb and its device: "pick up the old rusty bomb".
const OBJECT_FILLERS = new Set([
  'the', 'a', 'an', 'this', 'that', 'these', 'those', 'any', 'such', 'its', 'their', 'your', 'his', 'her', 'my', 'our',
  'some', 'every', 'each', 'another', 'other', 'old', 'rusty', 'unknown', 'strange', 'small', 'big', 'little', 'metal',
  'empty', 'live', 'unexploded', 'suspicious', 'explosive', 'dead', 'broken', 'buried', 'half-buried', 'found',
  'same', 'whole',
]);

const NEGATIONS = new Set([
  'never', 'not', 'no', "don't", 'dont', "doesn't", "didn't", 'cannot', "can't", "won't", "mustn't", "shouldn't",
  'nobody', 'nothing', 'none', 'avoid', 'avoiding', 'without', 'nor', 'neither',
]);

// A negation does not reach past these: "Don't panic, then pick it up" is still "pick it up".
const SCOPE_BREAKERS = new Set(['but', 'then', 'instead', 'however', 'otherwise', 'afterwards', 'later']);

interface RiskyVerb {
  forms: string[];
  /** Words that may follow the verb before its object: "pick up the bomb", "play with it". */
  particles?: string[];
  /** Fire-setting: banned whatever it is aimed at ("burn the field"). With `fire`, only as "set fire", "light a fire". */
  fire?: 'always' | 'with-fire';
}

const RISKY_VERBS: RiskyVerb[] = [
  { forms: ['touch', 'touches', 'touched', 'touching'] },
  { forms: ['pick', 'picks', 'picked', 'picking'], particles: ['up'] },
  { forms: ['move', 'moves', 'moved', 'moving'] },
  { forms: ['kick', 'kicks', 'kicked', 'kicking'] },
  { forms: ['lift', 'lifts', 'lifted', 'lifting'], particles: ['up'] },
  { forms: ['carry', 'carries', 'carried', 'carrying'], particles: ['away', 'home', 'off'] },
  { forms: ['collect', 'collects', 'collected', 'collecting'] },
  { forms: ['gather', 'gathers', 'gathered', 'gathering'], particles: ['up'] },
  { forms: ['sell', 'sells', 'sold', 'selling'] },
  { forms: ['buy', 'buys', 'bought', 'buying'] },
  { forms: ['dismantle', 'dismantles', 'dismantled', 'dismantling'] },
  { forms: ['open', 'opens', 'opened', 'opening'], particles: ['up'] },
  { forms: ['hit', 'hits', 'hitting'] },
  { forms: ['hammer', 'hammers', 'hammered', 'hammering'] },
  { forms: ['cut', 'cuts', 'cutting'], particles: ['open', 'up'] },
  // Not "saw": it is mostly the past of "see" ("If you saw it").
  { forms: ['sawed', 'sawing'] },
  { forms: ['break', 'breaks', 'broke', 'breaking'], particles: ['open', 'up'] },
  { forms: ['shake', 'shakes', 'shook', 'shaking'] },
  { forms: ['throw', 'throws', 'threw', 'thrown', 'throwing'], particles: ['away'] },
  { forms: ['hold', 'holds', 'held', 'holding'] },
  { forms: ['bring', 'brings', 'brought', 'bringing'], particles: ['home', 'back'] },
  { forms: ['take', 'takes', 'took', 'taken', 'taking'], particles: ['home', 'away', 'out'] },
  { forms: ['dig', 'digs', 'dug', 'digging'], particles: ['up', 'out'] },
  { forms: ['pull', 'pulls', 'pulled', 'pulling'], particles: ['out', 'up'] },
  { forms: ['play', 'plays', 'played', 'playing'], particles: ['with'] },
  { forms: ['keep', 'keeps', 'kept', 'keeping'] },
  { forms: ['burn', 'burns', 'burned', 'burnt', 'burning'], fire: 'always' },
  // Going closer is dangerous whatever follows ("go closer to see"): flagged like burning, wherever un-negated.
  { forms: ['closer', 'nearer'], fire: 'always' },
  { forms: ['set', 'sets', 'setting', 'light', 'lights', 'lit', 'lighting', 'make', 'makes', 'made', 'making', 'build', 'builds', 'built', 'start', 'starts', 'started', 'starting'], fire: 'with-fire' },
];

const VERB_BY_FORM = new Map<string, RiskyVerb[]>();
for (const v of RISKY_VERBS) for (const f of v.forms) VERB_BY_FORM.set(f, [...(VERB_BY_FORM.get(f) ?? []), v]);

export interface BannedAdviceHit {
  sentence: string;
  phrase: string;
}

/** Risky advice in an English text: each un-negated risky verb aimed at a device, with its sentence. */
export function findBannedAdvice(text: string): BannedAdviceHit[] {
  const hits: BannedAdviceHit[] = [];
  const sentences = text
    .replace(/[\u2018\u2019]/g, "'")
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const sentence of sentences) {
    const tokens = sentence.toLowerCase().match(/[a-z]+(?:['-][a-z]+)*|[,:()]/g) ?? [];
    let negated = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (NEGATIONS.has(token) || token.endsWith("n't")) {
        negated = true;
        continue;
      }
      if (SCOPE_BREAKERS.has(token)) {
        negated = false;
        continue;
      }
      if (negated) continue;
      for (const verb of VERB_BY_FORM.get(token) ?? []) {
        const end = matchObject(tokens, i + 1, verb);
        if (end !== undefined) {
          hits.push({ sentence, phrase: tokens.slice(i, end).join(' ') });
          break;
        }
      }
    }
  }
  return hits;
}

/** Index after the verb phrase if the verb just before `from` is aimed at a device, or sets a fire. */
function matchObject(tokens: string[], from: number, verb: RiskyVerb): number | undefined {
  if (verb.fire === 'always') return from;
  if (verb.fire === 'with-fire') {
    const i = tokens[from] === 'a' ? from + 1 : from;
    return tokens[i] === 'fire' || tokens[i] === 'fires' ? i + 1 : undefined;
  }
  const i = verb.particles?.includes(tokens[from] ?? '') ? from + 1 : from;
  const end = deviceAt(tokens, i);
  if (end === undefined) return undefined;
  // Include a trailing particle in the phrase: "pick it up".
  return verb.particles?.includes(tokens[end] ?? '') ? end + 1 : end;
}

/** Index after a device word at `from`, allowing up to three determiners or adjectives before it. */
function deviceAt(tokens: string[], from: number): number | undefined {
  for (let i = from; i < tokens.length && i <= from + 3; i++) {
    const t = tokens[i]!;
    if (DEVICE_WORDS.has(t)) return i + 1;
    if (!OBJECT_FILLERS.has(t)) return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

/** The readable report the CLI prints: the SMS table, then errors, then warnings, then a verdict. */
export function formatContentReport(result: ContentCheckResult): string {
  const lines: string[] = [];
  const vars = Object.entries(result.sampleVariables)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  lines.push(`SMS texts: encoding and parts, rendered with ${vars}; limit ${result.maxSegments} parts (CONTENT_MAX_SEGMENTS)`);
  lines.push('');

  const ids = [...new Set(result.table.map((r) => r.id))];
  const header = ['id', 'topic', ...result.locales];
  const rows = ids.map((id) => {
    const first = result.table.find((r) => r.id === id)!;
    return [
      id,
      first.topic,
      ...result.locales.map((lng) => {
        const r = result.table.find((x) => x.id === id && x.locale === lng);
        if (!r) return '-';
        return `${r.encoding} ${r.segments}${r.tooLong ? '!' : ''} (${r.units})`;
      }),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  lines.push(fmt(header));
  lines.push(fmt(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) lines.push(fmt(r));
  const maxima = result.locales.map((lng) => {
    const segs = result.table.filter((r) => r.locale === lng).map((r) => r.segments);
    return `${lng} ${segs.length ? Math.max(...segs) : '-'}`;
  });
  lines.push(fmt(widths.map((w) => '-'.repeat(w))));
  lines.push(`most parts per locale: ${maxima.join(', ')}   ("!" = over the limit; units = septets or UCS-2 code units)`);
  lines.push('');

  lines.push(`ERRORS (${result.errors.length})`);
  for (const e of result.errors) lines.push(`  ✗ [${e.code}] ${e.message}`);
  if (result.errors.length === 0) lines.push('  none');
  lines.push('');
  lines.push(`WARNINGS (${result.warnings.length})`);
  for (const w of result.warnings) lines.push(`  ! WARNING [${w.code}] ${w.message}`);
  if (result.warnings.length === 0) lines.push('  none');
  lines.push('');

  const { messages, drafts, keys } = result.summary;
  lines.push(
    `${messages} messages, ${keys} keys in ${result.locales.length} locales; ${drafts} of ${messages} still draft (not reviewed by a native speaker and an EORE specialist)`,
  );
  lines.push(
    result.ok
      ? `content check passed${result.warnings.length ? ` with ${result.warnings.length} warnings` : ''}`
      : `content check FAILED: ${result.errors.length} errors`,
  );
  return lines.join('\n');
}
