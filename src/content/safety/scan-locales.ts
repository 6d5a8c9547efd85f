// Every text of every namespace of every locale that can reach a person, through the safety check. Keys
// that are never sent (keyword lists, the vocabulary the report parser reads) are skipped by name, each with
// its reason, so a new namespace is checked by default.
import type { Resource } from 'i18next';
import { checkTextSafety, describeHit } from './check-text.js';

export const NOT_SENT: readonly { prefix: string; reason: string }[] = [
  { prefix: 'keywords:', reason: 'words villagers send us (STOP, HELP…), matched, never sent' },
  { prefix: 'reports:words.', reason: 'vocabulary the report parser reads (device and place words), never sent' },
  { prefix: 'ivr:words.', reason: 'vocabulary the hotline matches, never sent' },
];

export interface SafetyFinding {
  code: 'banned-advice' | 'negation-scope' | 'no-lexicon';
  key: string;
  locale: string;
  phrase?: string;
  message: string;
}

export function leafTexts(node: unknown, prefix = ''): [string, string][] {
  if (typeof node === 'string') return [[prefix, node]];
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leafTexts(v, prefix ? `${prefix}.${k}` : k));
}

/** Safety findings for one text under its key ("common:safety.reply") and locale. */
export function checkKeyedText(key: string, locale: string, text: string, lexiconDir?: string): SafetyFinding[] {
  const r = checkTextSafety(text, locale, lexiconDir);
  if (r.unchecked) {
    return [{ code: 'no-lexicon', key, locale, message: `${key} (${locale}) cannot be checked: there is no safety lexicon for ${locale} (src/content/safety-lexicon/${locale}.json)` }];
  }
  return [
    ...r.errors.map((h) => ({ code: 'banned-advice' as const, key, locale, phrase: h.phrase, message: `${key} (${locale}) ${describeHit(h, locale)}` })),
    ...r.warnings.map((h) => ({ code: 'negation-scope' as const, key, locale, phrase: h.phrase, message: `${key} (${locale}) ${describeHit(h, locale)}` })),
  ];
}

/** All namespaces of all given locales, except `skipNamespaces` (checked elsewhere) and NOT_SENT keys. */
export function scanLocaleTexts(opts: { resources: Resource; locales: readonly string[]; skipNamespaces?: readonly string[]; lexiconDir?: string }): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  for (const locale of opts.locales) {
    const namespaces = opts.resources[locale] ?? {};
    for (const ns of Object.keys(namespaces).sort()) {
      if (opts.skipNamespaces?.includes(ns)) continue;
      for (const [path, text] of leafTexts(namespaces[ns])) {
        const key = `${ns}:${path}`;
        if (NOT_SENT.some((n) => key.startsWith(n.prefix))) continue;
        out.push(...checkKeyedText(key, locale, text, opts.lexiconDir));
      }
    }
  }
  return out;
}
