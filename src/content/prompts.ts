// The voice hotline's prompts live with the content library: their texts in locales/<lng>/ivr.json under
// "prompts", their recordings in messages/audio/prompts/<lng>/<prompt>.wav (served at /audio/prompts/…).
// A prompt has no {{variables}}: a recording cannot change, so numbers and place names are separate pieces
// (digit prompts, place clips) that the hotline strings together.
import { join } from 'node:path';
import type { Locale } from '../config.js';
import { MESSAGES_DIR } from './library.js';

export const PROMPT_NAMESPACE = 'ivr';

export const DIGIT_PROMPTS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => `digit.${d}` as const);

export const PROMPTS = [
  'welcome',
  'lang.choose',
  'menu.main',
  'retry',
  'goodbye',
  'report.safety',
  'report.province',
  'report.district',
  'report.commune',
  'report.device',
  'report.casualties',
  'report.emergency',
  'report.emergencySafe',
  'report.record',
  'report.thanks',
  'report.sent',
  'choice.press',
  'choice.more',
  'choice.unknown',
  'messages.intro',
  'messages.end',
  'sub.province',
  'sub.district',
  'sub.commune',
  'sub.confirm',
  'sub.confirmKeys',
  'sub.done',
  'sub.needPlace',
  'stop.confirm',
  'stop.done',
  ...DIGIT_PROMPTS,
] as const;

export type PromptKey = (typeof PROMPTS)[number];

/** The i18next key of a prompt's text ("ivr:prompts.menu.main"). */
export const promptTextKey = (key: PromptKey) => `${PROMPT_NAMESPACE}:prompts.${key}`;

/** Where recordings and placeholders of prompts live, relative to messages/ (and to /audio/… after "audio/"). */
export const PROMPT_AUDIO_DIR = join(MESSAGES_DIR, 'audio', 'prompts');
/** Placeholders written by `npm run audio:placeholders`: { "<lng>/<prompt>.wav": { placeholder: true, … } }. */
export const PROMPT_MANIFEST = join(PROMPT_AUDIO_DIR, 'manifest.json');

/** "audio/prompts/km/menu.main.wav": relative to messages/, and the URL path after the base URL. */
export const promptAudioRel = (locale: Locale, key: PromptKey) => `audio/prompts/${locale}/${key}.wav`;

/** A recorded place name, where one exists: "audio/places/km/0102.wav". */
export const placeAudioRel = (locale: Locale, pcode: string) => `audio/places/${locale}/${pcode}.wav`;
