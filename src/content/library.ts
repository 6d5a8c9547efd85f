// Risk-education content library (DESIGN.md §4): one JSON file per message in messages/, texts in
// locales/<lng>/messages.json. A message file names its texts by i18n key, never holds text itself, so every
// language is reviewed in one place and the content check can prove all of them are complete.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';

export const MESSAGES_DIR = fileURLToPath(new URL('../../messages', import.meta.url));

/** Locales Twilio <Say> can speak. The others (km, lo) need a recorded file played with <Play>. */
export const TTS_LOCALES: readonly Locale[] = ['en', 'es'];
export const AUDIO_LOCALES: readonly Locale[] = SUPPORTED_LOCALES.filter((l) => !TTS_LOCALES.includes(l));

/** Variables a message text may use; whoever renders a message must supply all of them. */
export const MESSAGE_VARIABLES = ['district', 'hotline'] as const;

export const TOPICS = [
  'recognise',
  'avoid',
  'report',
  'uxo-not-safe',
  'more-mines',
  'stop-go-back',
  'rainy-season',
  'planting-season',
  'scrap-metal',
  'children',
  'returning-land',
  'after-accident',
  'water',
  'digging',
  'mark-warn',
] as const;

// "messages:mre-001.sms": namespace, then a dotted key path inside that namespace's JSON.
const I18nKeySchema = z.string().regex(/^[a-z][a-z0-9-]*:[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must look like "messages:mre-001.sms"');

// Relative to messages/, inside it, so a message file cannot point the IVR at an arbitrary file.
const AudioPathSchema = z
  .string()
  .regex(/^audio\/[a-z]{2}\/[A-Za-z0-9._-]+\.(wav|mp3)$/, 'must look like "audio/km/mre-001.wav" (wav or mp3)');

export const ContentMessageSchema = z
  .object({
    id: z.string().regex(/^[a-z]+-\d{3}$/, 'must look like "mre-001"'),
    topic: z.enum(TOPICS),
    channels: z
      .array(z.enum(['sms', 'voice']))
      .min(1)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
    sms: I18nKeySchema.optional(),
    voice: I18nKeySchema.optional(),
    audio: z.partialRecord(z.enum(SUPPORTED_LOCALES), AudioPathSchema).default({}),
    review: z.object({
      status: z.enum(['draft', 'reviewed']),
      by: z.string().min(1).optional(),
      date: z.iso.date().optional(),
      notes: z.string().optional(),
    }),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const channel of ['sms', 'voice'] as const) {
      if (m.channels.includes(channel) && !m[channel]) {
        ctx.addIssue({ code: 'custom', path: [channel], message: `is required when channels include "${channel}"` });
      }
    }
    if (m.review.status === 'reviewed' && !m.review.by) {
      ctx.addIssue({ code: 'custom', path: ['review', 'by'], message: 'is required when status is "reviewed"' });
    }
  });

export type ContentMessage = z.infer<typeof ContentMessageSchema>;
export type Channel = ContentMessage['channels'][number];

export interface ContentLibrary {
  dir: string;
  messages: ContentMessage[];
  get(id: string): ContentMessage | undefined;
}

export interface LibraryProblem {
  file: string;
  message: string;
}

export class ContentLibraryError extends Error {
  constructor(readonly problems: LibraryProblem[]) {
    super(`Invalid content library:\n${problems.map((p) => `  - ${p.file}: ${p.message}`).join('\n')}`);
    this.name = 'ContentLibraryError';
  }
}

/**
 * Reads every messages/*.json, keeping the valid ones and describing the rest, so the content check can
 * report all broken files at once. Files are sorted by name, so the library order is stable.
 */
export function readContentLibrary(dir = MESSAGES_DIR): { library: ContentLibrary; problems: LibraryProblem[] } {
  const problems: LibraryProblem[] = [];
  const messages: ContentMessage[] = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  if (!existsSync(dir)) problems.push({ file: dir, message: 'messages directory does not exist' });

  const byId = new Map<string, ContentMessage>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err) {
      problems.push({ file, message: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const parsed = ContentMessageSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ file, message: `${issue.path.length ? issue.path.join('.') : '(file)'} ${issue.message}` });
      }
      continue;
    }
    const m = parsed.data;
    // The file name starts with the id, so a reviewer finds "mre-007" by listing the folder.
    if (file !== `${m.id}.json` && !file.startsWith(`${m.id}-`)) {
      problems.push({ file, message: `file name must start with its id "${m.id}"` });
    }
    if (byId.has(m.id)) {
      problems.push({ file, message: `id "${m.id}" is used by another message file` });
      continue;
    }
    byId.set(m.id, m);
    messages.push(m);
  }
  if (existsSync(dir) && files.length === 0) problems.push({ file: dir, message: 'no message files (*.json)' });

  return { library: { dir, messages, get: (id) => byId.get(id) }, problems };
}

/** The library, or a ContentLibraryError naming every bad file. */
export function loadContentLibrary(dir = MESSAGES_DIR): ContentLibrary {
  const { library, problems } = readContentLibrary(dir);
  if (problems.length > 0) throw new ContentLibraryError(problems);
  return library;
}

/** Splits "messages:mre-001.sms" into its namespace and key path. */
export function splitKey(key: string): { ns: string; path: string[] } {
  const colon = key.indexOf(':');
  return { ns: key.slice(0, colon), path: key.slice(colon + 1).split('.') };
}

/** The i18next key for a message on a channel ("messages:mre-001.sms"), or undefined if it has none. */
export function textKey(message: ContentMessage, channel: Channel): string | undefined {
  return message.channels.includes(channel) ? message[channel] : undefined;
}

/** Absolute path of the recording to <Play> for a locale without a TTS voice, or undefined. */
export function audioFile(library: ContentLibrary, message: ContentMessage, locale: Locale): string | undefined {
  const rel = message.audio[locale];
  return rel ? join(library.dir, rel) : undefined;
}
