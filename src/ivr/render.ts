// From segments to what the caller hears, per locale. en and es: Twilio's <Say> reads the prompt text. km and
// lo (no Twilio voice): the prompt's recording with <Play>; a prompt whose file is missing is read in English
// by <Say> (start-up never waits for audio, and a call is never silent). Numbers are read digit by digit:
// digit recordings in km/lo, digits for <Say> elsewhere. Place names: a recorded clip where one exists
// (messages/audio/places/<lng>/<pcode>.wav), else the Latin name read by <Say>.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Locale } from '../config.js';
import type { Translate } from '../lib/i18n.js';
import type { VoiceItem } from '../messaging/voice-twiml.js';
import { TTS_LOCALES, MESSAGES_DIR, type ContentLibrary } from '../content/library.js';
import { placeAudioRel, promptAudioRel, promptTextKey, type PromptKey } from '../content/prompts.js';
import type { Segment } from './types.js';

export interface RenderEnv {
  t: Translate;
  /** PUBLIC_BASE_URL: Twilio fetches <Play> URLs from it. */
  baseUrl: string;
  library: ContentLibrary;
  /** Fills {{district}} and {{hotline}} in voice messages. */
  messageVars: { district: string; hotline: string };
  reportNumber: number | null;
  /** Whether a file exists under messages/ (relative path); injectable for tests. */
  audioExists?: (rel: string) => boolean;
}

const found = new Set<string>();
/** Files appear (npm run audio:placeholders, a new recording) but are not removed while running: cache hits. */
export function audioFileExists(rel: string, dir = MESSAGES_DIR): boolean {
  const path = join(dir, rel);
  if (found.has(path)) return true;
  const ok = existsSync(path);
  if (ok) found.add(path);
  return ok;
}

const hasVoice = (locale: Locale) => TTS_LOCALES.includes(locale);

/** One line of a transcript: what is said in which locale, and the file played (null: read by <Say>). */
export interface SpokenPart {
  locale: Locale;
  text: string;
  audio: string | null;
}

/** The segments as spoken parts (the TwiML and the walk tool's transcript both come from this). */
export function spokenParts(segments: Segment[], callLocale: Locale, env: RenderEnv): SpokenPart[] {
  const exists = env.audioExists ?? ((rel: string) => audioFileExists(rel));
  const parts: SpokenPart[] = [];
  const prompt = (key: PromptKey, locale: Locale): SpokenPart => {
    const text = env.t(locale, promptTextKey(key));
    if (hasVoice(locale)) return { locale, text, audio: null };
    const rel = promptAudioRel(locale, key);
    return exists(rel) ? { locale, text, audio: rel } : { locale: 'en', text: env.t('en', promptTextKey(key)), audio: null };
  };
  const digits = (value: string) => {
    const ds = value.replace(/\D/g, '').split('');
    if (hasVoice(callLocale) || !ds.every((d) => exists(promptAudioRel(callLocale, `digit.${d}` as PromptKey)))) {
      parts.push({ locale: hasVoice(callLocale) ? callLocale : 'en', text: ds.join(' '), audio: null });
    } else {
      for (const d of ds) parts.push(prompt(`digit.${d}` as PromptKey, callLocale));
    }
  };
  for (const seg of segments) {
    if ('prompt' in seg) parts.push(prompt(seg.prompt, seg.locale ?? callLocale));
    else if ('digits' in seg) digits(seg.digits);
    else if ('reportNumber' in seg) {
      if (env.reportNumber !== null) digits(String(env.reportNumber));
    } else if ('place' in seg) {
      const rel = placeAudioRel(callLocale, seg.place.pcode);
      if (!hasVoice(callLocale) && exists(rel)) parts.push({ locale: callLocale, text: seg.place.nameLocal ?? seg.place.nameEn, audio: rel });
      else parts.push({ locale: hasVoice(callLocale) ? callLocale : 'en', text: seg.place.nameEn, audio: null });
    } else {
      const message = env.library.get(seg.message);
      const key = message?.voice;
      if (!message || !key) continue;
      const text = env.t(callLocale, key, env.messageVars);
      const rel = message.audio[callLocale];
      if (hasVoice(callLocale)) parts.push({ locale: callLocale, text, audio: null });
      else if (rel && exists(rel)) parts.push({ locale: callLocale, text, audio: rel });
      else parts.push({ locale: 'en', text: env.t('en', key, env.messageVars), audio: null });
    }
  }
  return parts;
}

/** Spoken parts as <Say>/<Play> items; neighbouring <Say>s in one voice become one, so pauses stay natural. */
export function voiceItems(parts: SpokenPart[], baseUrl: string): VoiceItem[] {
  const items: VoiceItem[] = [];
  for (const p of parts) {
    const last = items[items.length - 1];
    if (p.audio) items.push({ play: `${baseUrl}/${p.audio}` });
    else if (last && 'say' in last && last.locale === p.locale) last.say = `${last.say} ${p.text}`;
    else items.push({ say: p.text, locale: p.locale });
  }
  return items;
}
