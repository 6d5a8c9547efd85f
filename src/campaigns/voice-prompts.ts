// The prompts of the calls we place (locales/<lng>/voice.json). Twilio reads English and Spanish; Khmer and
// Lao have no Twilio voice, so a prompt there is the recording messages/audio/<lng>/voice/<key>.wav where one
// exists, and until it is recorded the English text (as alert calls already do), never Khmer text in an
// English voice.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../context.js';
import type { Prompt } from '../messaging/call-twiml.js';
import { AUDIO_LOCALES } from '../content/library.js';
import type { Locale } from '../config.js';
import { AUDIO_DIR } from './audio.routes.js';

type Ctx = Pick<AppContext, 'i18n' | 'config'>;

const recorded = new Map<string, boolean>();

function hasRecording(rel: string): boolean {
  let found = recorded.get(rel);
  if (found === undefined) {
    found = existsSync(join(AUDIO_DIR, rel));
    recorded.set(rel, found);
  }
  return found;
}

/** The prompt `voice:<key>` for a listener of `locale`. Prompts with variables are only ever read (en, es). */
export function voicePrompt(ctx: Ctx, locale: string | null, key: string, vars?: Record<string, unknown>): Prompt {
  const lng = locale ?? ctx.config.defaultLocale;
  if (!AUDIO_LOCALES.includes(lng as Locale)) return { text: ctx.i18n.t(lng, `voice:${key}`, vars), locale: lng };
  const rel = `${lng}/voice/${key}.wav`;
  if (!vars && hasRecording(rel)) return { text: ctx.i18n.t(lng, `voice:${key}`), locale: lng, audioUrl: `${ctx.config.publicBaseUrl}/audio/${rel}` };
  return { text: ctx.i18n.t('en', `voice:${key}`, vars), locale: 'en' };
}
