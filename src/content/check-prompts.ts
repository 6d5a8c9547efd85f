// The hotline prompts in the content check: every prompt has a non-empty text in every locale without
// {{variables}} (a recording cannot change), no banned advice in English, and an audio file for each locale
// Twilio cannot speak (km, lo), whose duration is measured from its WAV header. Generated placeholders
// (messages/audio/prompts/manifest.json) are counted and warned about once per locale.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'i18next';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';
import { AUDIO_LOCALES } from './library.js';
import { PROMPTS, promptAudioRel, promptTextKey } from './prompts.js';
import { promptText, readPromptManifest } from './prompt-audio.js';
import { textVariables, wavInfo, type Finding } from './check-content.js';

export interface PromptAudioRow {
  locale: string;
  prompt: string;
  file: string;
  seconds: number | null;
  placeholder: boolean;
}

export interface PromptCheckResult {
  errors: Finding[];
  warnings: Finding[];
  audio: PromptAudioRow[];
}

export function checkPrompts(opts: { resources: Resource; messagesDir: string; locales?: readonly string[] }): PromptCheckResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const audio: PromptAudioRow[] = [];
  const locales = opts.locales ?? SUPPORTED_LOCALES;
  const manifest = readPromptManifest(join(opts.messagesDir, 'audio', 'prompts'));
  for (const key of PROMPTS) {
    const k = promptTextKey(key);
    for (const lng of locales) {
      const text = promptText(opts.resources, lng, key);
      if (!text?.trim()) {
        errors.push({ code: 'missing-key', key: k, locale: lng, message: `${k} is missing or empty in ${lng} (locales/${lng}/ivr.json)` });
        continue;
      }
      if (textVariables(text).length) {
        errors.push({ code: 'variables', key: k, locale: lng, message: `${k} in ${lng} has {{variables}}: a prompt is recorded once, so it cannot have any` });
      }
      // Unsafe advice in prompts is found by the all-namespace scan in checkContent (ivr is one of them).
      if (!AUDIO_LOCALES.includes(lng as Locale)) continue;
      const rel = promptAudioRel(lng as Locale, key);
      const file = join(opts.messagesDir, rel);
      if (!existsSync(file)) {
        errors.push({ code: 'missing-audio', key: k, locale: lng, message: `messages/${rel} does not exist: run npm run audio:placeholders or add the recording (calls read it in English meanwhile)` });
        continue;
      }
      const info = wavInfo(readFileSync(file));
      if ('error' in info) {
        errors.push({ code: 'bad-audio', key: k, locale: lng, message: `messages/${rel}: ${info.error}` });
        continue;
      }
      audio.push({ locale: lng, prompt: key, file: rel, seconds: info.seconds, placeholder: Boolean(manifest.files[`${lng}/${key}.wav`]) });
    }
  }
  for (const lng of AUDIO_LOCALES) {
    const rows = audio.filter((a) => a.locale === lng);
    const placeholders = rows.filter((a) => a.placeholder).length;
    if (placeholders) {
      warnings.push({
        code: 'placeholder-audio',
        locale: lng,
        message: `${placeholders} of ${PROMPTS.length} ${lng} hotline prompts are generated PLACEHOLDERS (messages/audio/prompts/manifest.json), not recordings: record a native ${lng} voice before use`,
      });
    }
  }
  return { errors, warnings, audio };
}

/** The prompt audio table the CLI prints: per locale, each prompt's length and whether it is a placeholder. */
export function formatPromptReport(r: PromptCheckResult): string {
  const lines = [`Hotline prompts: ${PROMPTS.length} per locale; audio for ${AUDIO_LOCALES.join(', ')} (duration from the WAV header)`];
  for (const lng of AUDIO_LOCALES) {
    const rows = r.audio.filter((a) => a.locale === lng);
    const total = rows.reduce((s, a) => s + (a.seconds ?? 0), 0);
    lines.push(`  ${lng}: ${rows.length} files, ${total.toFixed(1)} s in all, ${rows.filter((a) => a.placeholder).length} placeholders`);
    for (const a of rows) lines.push(`    ${a.prompt.padEnd(22)} ${(a.seconds ?? 0).toFixed(1).padStart(5)} s${a.placeholder ? '  PLACEHOLDER' : ''}`);
  }
  return lines.join('\n');
}
