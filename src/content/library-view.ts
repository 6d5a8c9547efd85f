// The content library as the console shows it: every message with its SMS text per locale, how that text
// travels (encoding, parts, characters), the voice script and, for Khmer and Lao, the recording played.
// Parts are counted with {{hotline}} filled in and {{district}} as written (district names vary in length;
// a campaign's preview counts each district exactly).
import { existsSync } from 'node:fs';
import type { Resource } from 'i18next';
import { SUPPORTED_LOCALES } from '../config.js';
import { smsSegments } from '../messaging/sms-segments.js';
import { audioFile, splitKey, type ContentLibrary, type ContentMessage } from './library.js';
import { textVariables } from './check-content.js';

export interface LocaleText {
  sms: string | null;
  encoding: 'GSM-7' | 'UCS-2' | null;
  parts: number | null;
  chars: number | null;
  voice: string | null;
  audioUrl: string | null;
}

export interface ContentView {
  id: string;
  title: string;
  topic: string;
  channels: string[];
  review: ContentMessage['review'];
  variables: string[];
  texts: Record<string, LocaleText>;
}

const TITLES: Record<string, string> = {
  recognise: 'Recognise mines and bombs',
  avoid: 'Avoid dangerous areas',
  report: 'Report what you see',
  'uxo-not-safe': 'Unexploded is not safe',
  'more-mines': 'Where there is one, there are more',
  'stop-go-back': 'Stop and go back',
  'rainy-season': 'Rainy season',
  'planting-season': 'Planting season',
  'scrap-metal': 'Scrap metal',
  children: 'Children',
  'returning-land': 'Returning to land',
  'after-accident': 'After an accident',
  water: 'Water',
  digging: 'Digging',
  'mark-warn': 'Mark and warn',
};

function lookup(resources: Resource, lng: string, key: string | undefined): string | null {
  if (!key) return null;
  const { ns, path } = splitKey(key);
  let node: unknown = resources[lng]?.[ns];
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' && node.trim() !== '' ? node : null;
}

export function contentView(library: ContentLibrary, resources: Resource, opts: { hotline: string }): ContentView[] {
  return library.messages.map((m) => {
    const texts: Record<string, LocaleText> = {};
    const variables = new Set<string>();
    for (const lng of SUPPORTED_LOCALES) {
      const sms = m.channels.includes('sms') ? lookup(resources, lng, m.sms) : null;
      const voice = m.channels.includes('voice') ? lookup(resources, lng, m.voice) : null;
      for (const v of [...textVariables(sms ?? ''), ...textVariables(voice ?? '')]) variables.add(v);
      const counted = sms === null ? null : smsSegments(sms.replaceAll('{{hotline}}', opts.hotline));
      const rel = m.audio[lng];
      const file = audioFile(library, m, lng);
      texts[lng] = {
        sms,
        encoding: counted?.encoding ?? null,
        parts: counted?.segments ?? null,
        chars: counted ? [...sms!.replaceAll('{{hotline}}', opts.hotline)].length : null,
        voice,
        // Served by /audio (campaigns/audio.routes.ts); same origin as the console.
        audioUrl: rel && file && existsSync(file) ? `/${rel}` : null,
      };
    }
    return { id: m.id, title: TITLES[m.topic] ?? m.topic, topic: m.topic, channels: m.channels, review: m.review, variables: [...variables].sort(), texts };
  });
}
