// Placeholder audio for hotline prompts in the locales Twilio cannot speak (km, lo), made at install time
// (`npm run audio:placeholders`, run by postinstall) so a fresh checkout has a file behind every <Play>.
// espeak-ng speaks the prompt when installed (in the locale's own voice if espeak-ng has one — 1.51 has
// neither Khmer nor Lao — else the English text, so a trainer hears which prompt it is); without it, a short
// tone. Every file made here is listed in messages/audio/prompts/manifest.json with `placeholder: true`; a
// file that is not listed there is a recording and is never touched.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Resource } from 'i18next';
import type { Locale } from '../config.js';
import { AUDIO_LOCALES } from './library.js';
import { PROMPT_AUDIO_DIR, PROMPT_NAMESPACE, PROMPTS, type PromptKey } from './prompts.js';

export interface ManifestEntry {
  placeholder: true;
  generator: 'espeak-ng' | 'tone';
  /** The espeak-ng voice used, e.g. "en" for a Khmer prompt read in English. */
  voice?: string;
  /** Hash of the text and generator: a changed prompt text gets a new placeholder. */
  hash: string;
}

export interface PromptManifest {
  note: string;
  files: Record<string, ManifestEntry>;
}

const NOTE =
  'Generated placeholders, NOT recordings (npm run audio:placeholders). Replace a file with a native-voice recording of the prompt text in locales/<lng>/ivr.json and delete its entry here.';

export function readPromptManifest(dir = PROMPT_AUDIO_DIR): PromptManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return { note: NOTE, files: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PromptManifest>;
    return { note: NOTE, files: parsed.files && typeof parsed.files === 'object' ? parsed.files : {} };
  } catch {
    return { note: NOTE, files: {} };
  }
}

export function promptText(resources: Resource, locale: string, key: PromptKey): string | undefined {
  let node: unknown = resources[locale]?.[PROMPT_NAMESPACE];
  for (const part of ['prompts', ...key.split('.')]) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** A mono 8 kHz 8-bit PCM WAV: a tone of `hz` for `toneSeconds`, then silence. */
export function toneWav(hz: number, toneSeconds = 0.6, silenceSeconds = 0.4): Buffer {
  const rate = 8000;
  const n = Math.round(rate * (toneSeconds + silenceSeconds));
  const toneN = Math.round(rate * toneSeconds);
  const data = Buffer.alloc(n, 128);
  for (let i = 0; i < toneN; i++) data[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * hz * i) / rate));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + n, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28); // byte rate: 1 byte a sample
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(n, 40);
  return Buffer.concat([header, data]);
}

const TONE_HZ: Record<string, number> = { km: 440, lo: 660 };

function espeakVoices(): Set<string> | null {
  const r = spawnSync('espeak-ng', ['--voices'], { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status !== 0) return null;
  const voices = new Set<string>();
  for (const line of r.stdout.split('\n').slice(1)) {
    const lang = line.trim().split(/\s+/)[1];
    if (lang) voices.add(lang);
  }
  return voices;
}

export interface PlaceholderResult {
  written: string[];
  kept: number;
  recordings: number;
  generator: 'espeak-ng' | 'tone';
}

/**
 * Writes the missing or outdated placeholders. Idempotent: a second run writes nothing. `useEspeak: false`
 * forces tones (tests, and machines where espeak-ng is slow).
 */
export function generatePromptPlaceholders(opts: {
  resources: Resource;
  dir?: string;
  locales?: readonly Locale[];
  useEspeak?: boolean;
}): PlaceholderResult {
  const dir = opts.dir ?? PROMPT_AUDIO_DIR;
  const manifest = readPromptManifest(dir);
  const voices = opts.useEspeak === false ? null : espeakVoices();
  const generator = voices ? 'espeak-ng' : 'tone';
  const result: PlaceholderResult = { written: [], kept: 0, recordings: 0, generator };
  for (const lng of opts.locales ?? AUDIO_LOCALES) {
    for (const key of PROMPTS) {
      const rel = `${lng}/${key}.wav`;
      const file = join(dir, rel);
      const listed = manifest.files[rel];
      if (existsSync(file) && !listed) {
        result.recordings++;
        continue;
      }
      const own = promptText(opts.resources, lng, key);
      const voice = voices ? (voices.has(lng) ? lng : 'en') : undefined;
      const text = voice === 'en' ? (promptText(opts.resources, 'en', key) ?? own) : own;
      const hash = createHash('sha256').update(`${generator}\0${voice ?? ''}\0${text ?? ''}`).digest('hex').slice(0, 16);
      if (listed && listed.hash === hash && existsSync(file)) {
        result.kept++;
        continue;
      }
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.tmp`;
      let made: ManifestEntry | null = null;
      if (voice && text) {
        const r = spawnSync('espeak-ng', ['-v', voice, '-s', '150', '-w', tmp, text], { timeout: 15_000 });
        if (!r.error && r.status === 0 && existsSync(tmp)) made = { placeholder: true, generator: 'espeak-ng', voice, hash };
      }
      if (!made) {
        writeFileSync(tmp, toneWav(TONE_HZ[lng] ?? 550));
        made = { placeholder: true, generator: 'tone', hash: voice ? `${hash}-tone` : hash };
      }
      renameSync(tmp, file);
      manifest.files[rel] = made;
      result.written.push(rel);
    }
  }
  if (result.written.length > 0 || !existsSync(join(dir, 'manifest.json'))) {
    mkdirSync(dir, { recursive: true });
    const sorted = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ note: NOTE, files: sorted }, null, 2)}\n`);
  }
  return result;
}
