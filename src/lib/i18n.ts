// i18next over locales/<lng>/<namespace>.json. Every text a person receives is looked up here, in their
// language, with English as the fallback (the content check makes sure the fallback is never needed).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type Resource } from 'i18next';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';

export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(v);
}

export function loadResources(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lng of SUPPORTED_LOCALES) {
    const lngDir = join(dir, lng);
    resources[lng] = {};
    if (!existsSync(lngDir)) continue;
    for (const file of readdirSync(lngDir).filter((f) => f.endsWith('.json'))) {
      resources[lng]![file.slice(0, -5)] = JSON.parse(readFileSync(join(lngDir, file), 'utf8'));
    }
  }
  return resources;
}

export type Translate = (locale: string, key: string, vars?: Record<string, unknown>) => string;

export interface I18n {
  t: Translate;
  instance: i18n;
  resources: Resource;
}

export function createI18n(resources: Resource = loadResources()): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    initAsync: false,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: Object.keys(resources.en ?? {}),
    defaultNS: 'common',
    // SMS is plain text; HTML escaping would turn a district name like "O'Chrov" into entities.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const t: Translate = (locale, key, vars) =>
    instance.t(key, { lng: isLocale(locale) ? locale : 'en', ...(vars ?? {}) }) as string;
  return { t, instance, resources };
}
