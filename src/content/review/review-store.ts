// Review status of every text, per key and locale, kept with the content in locales/review.json:
//   { "common:safety.reply:km": { "status": "reviewed", "by": "…", "date": "2026-11-30", "hash": "…" } }
// The hash is of the text that was reviewed. A text whose hash no longer matches has changed since its review
// and counts as draft, whatever the file says: nobody has to remember to reset it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const REVIEW_FILE_NAME = 'review.json';
export const REVIEW_STATUSES = ['draft', 'reviewed', 'approved'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const EntrySchema = z.strictObject({
  status: z.enum(REVIEW_STATUSES),
  by: z.string().min(1).optional(),
  date: z.iso.date().optional(),
  hash: z.string().regex(/^[0-9a-f]{16}$/),
  notes: z.string().optional(),
});
const FileSchema = z.strictObject({ notes: z.string().optional(), texts: z.record(z.string(), EntrySchema) });

export type ReviewEntry = z.infer<typeof EntrySchema>;

export interface ReviewStore {
  file: string;
  notes?: string;
  entries: Map<string, ReviewEntry>;
}

/** What the reviewed text's hash is compared with: the text as stored, trimmed. */
export function textHash(text: string): string {
  return createHash('sha256').update(text.trim(), 'utf8').digest('hex').slice(0, 16);
}

export const reviewKey = (key: string, locale: string) => `${key}:${locale}`;

export function readReviewStore(localesDir: string): ReviewStore {
  const file = join(localesDir, REVIEW_FILE_NAME);
  if (!existsSync(file)) return { file, entries: new Map() };
  const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return { file, notes: parsed.data.notes, entries: new Map(Object.entries(parsed.data.texts)) };
}

export function writeReviewStore(store: ReviewStore): void {
  const texts = Object.fromEntries([...store.entries.entries()].sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(store.file, `${JSON.stringify({ ...(store.notes ? { notes: store.notes } : {}), texts }, null, 2)}\n`);
}

export interface TextReview {
  status: ReviewStatus;
  by: string | null;
  date: string | null;
  /** The stored entry is for another version of the text: it was changed after its review. */
  changed: boolean;
}

/** The review of this text in this locale: draft when never reviewed or changed since. */
export function reviewOf(store: ReviewStore, key: string, locale: string, text: string): TextReview {
  const e = store.entries.get(reviewKey(key, locale));
  if (!e) return { status: 'draft', by: null, date: null, changed: false };
  if (e.hash !== textHash(text)) return { status: 'draft', by: null, date: null, changed: true };
  return { status: e.status, by: e.by ?? null, date: e.date ?? null, changed: false };
}
