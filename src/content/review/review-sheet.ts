// The review sheet for mine-risk education specialists: one CSV row per text key, the English and every
// locale side by side, an empty back-translation column per locale for the reviewer, the status per locale,
// reviewer and date, and the hash of each text so an import only changes rows whose text is still the one
// that was read. `npm run content:check -- --report [file]` writes it; `-- --import file` reads it back.
import type { Resource } from 'i18next';
import { parse } from 'csv-parse/sync';
import { leafTexts, NOT_SENT } from '../safety/scan-locales.js';
import { REVIEW_STATUSES, reviewKey, reviewOf, textHash, type ReviewStatus, type ReviewStore } from './review-store.js';

export interface SheetOptions {
  resources: Resource;
  locales: readonly string[];
  store: ReviewStore;
}

/** Every key that can reach a person, in a stable order (namespace, then key path). */
export function reviewableKeys(resources: Resource, locales: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const lng of locales) {
    for (const [ns, tree] of Object.entries(resources[lng] ?? {})) {
      for (const [path] of leafTexts(tree)) {
        const key = `${ns}:${path}`;
        if (!NOT_SENT.some((n) => key.startsWith(n.prefix))) keys.add(key);
      }
    }
  }
  return [...keys].sort();
}

export function textOf(resources: Resource, lng: string, key: string): string | undefined {
  const colon = key.indexOf(':');
  let node: unknown = resources[lng]?.[key.slice(0, colon)];
  for (const part of key.slice(colon + 1).split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);

export function sheetHeader(locales: readonly string[]): string[] {
  const others = locales.filter((l) => l !== 'en');
  return [
    'key',
    ...locales,
    ...others.map((l) => `back_translation_${l}`),
    ...locales.map((l) => `status_${l}`),
    'reviewer',
    'date',
    ...locales.map((l) => `hash_${l}`),
  ];
}

/** The sheet as CSV (UTF-8, CRLF as spreadsheets expect, a BOM so Excel reads Khmer and Lao right). */
export function exportReviewSheet(o: SheetOptions): string {
  const header = sheetHeader(o.locales);
  const rows = reviewableKeys(o.resources, o.locales).map((key) => {
    const texts = o.locales.map((l) => textOf(o.resources, l, key) ?? '');
    const reviews = o.locales.map((l, i) => reviewOf(o.store, key, l, texts[i]!));
    const last = reviews.filter((r) => r.date).sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
    return [
      key,
      ...texts,
      ...o.locales.filter((l) => l !== 'en').map(() => ''),
      ...reviews.map((r) => r.status),
      last?.by ?? '',
      last?.date ?? '',
      ...texts.map((t) => (t ? textHash(t) : '')),
    ];
  });
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export interface ImportResult {
  /** "key:locale" whose status changed. */
  updated: { key: string; locale: string; from: ReviewStatus; to: ReviewStatus }[];
  /** Rows whose text changed after the sheet was written: not applied, to be reviewed again. */
  stale: { key: string; locale: string }[];
  /** Rows that cannot be applied, and why. */
  invalid: { line: number; key?: string; message: string }[];
}

/** Applies the statuses of a filled-in sheet to the store (in memory; the caller writes it). */
export function importReviewSheet(o: SheetOptions & { csv: string; today: string }): ImportResult {
  const result: ImportResult = { updated: [], stale: [], invalid: [] };
  const records = parse(o.csv.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  const known = new Set(reviewableKeys(o.resources, o.locales));
  records.forEach((row, i) => {
    const line = i + 2;
    const key = row.key?.trim();
    if (!key || !known.has(key)) {
      result.invalid.push({ line, key, message: `unknown key "${key ?? ''}"` });
      return;
    }
    const reviewer = row.reviewer?.trim() ?? '';
    const date = row.date?.trim() || o.today;
    for (const lng of o.locales) {
      const wanted = row[`status_${lng}`]?.trim().toLowerCase();
      if (!wanted) continue;
      if (!(REVIEW_STATUSES as readonly string[]).includes(wanted)) {
        result.invalid.push({ line, key, message: `status_${lng} "${wanted}" is not one of ${REVIEW_STATUSES.join(', ')}` });
        continue;
      }
      const text = textOf(o.resources, lng, key);
      if (text === undefined) continue;
      const current = reviewOf(o.store, key, lng, text);
      if (wanted === current.status) continue;
      if (row[`hash_${lng}`]?.trim() !== textHash(text)) {
        result.stale.push({ key, locale: lng });
        continue;
      }
      if (wanted !== 'draft' && !reviewer) {
        result.invalid.push({ line, key, message: `status_${lng} "${wanted}" needs a reviewer` });
        continue;
      }
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        result.invalid.push({ line, key, message: `date "${date}" must be YYYY-MM-DD` });
        continue;
      }
      o.store.entries.set(reviewKey(key, lng), { status: wanted as ReviewStatus, ...(wanted !== 'draft' ? { by: reviewer, date } : {}), hash: textHash(text) });
      result.updated.push({ key, locale: lng, from: current.status, to: wanted as ReviewStatus });
    }
  });
  return result;
}
