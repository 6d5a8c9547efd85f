// The review part of the content check's report: how many texts are draft, reviewed or approved per locale,
// and which changed after their review (they count as draft again).
import type { Resource } from 'i18next';
import { reviewableKeys, textOf } from './review-sheet.js';
import { reviewOf, type ReviewStatus, type ReviewStore } from './review-store.js';

export function reviewCounts(o: { resources: Resource; locales: readonly string[]; store: ReviewStore }) {
  const counts: Record<string, Record<ReviewStatus, number>> = {};
  const changed: { key: string; locale: string }[] = [];
  for (const key of reviewableKeys(o.resources, o.locales)) {
    for (const lng of o.locales) {
      const text = textOf(o.resources, lng, key);
      if (text === undefined) continue;
      const r = reviewOf(o.store, key, lng, text);
      (counts[lng] ??= { draft: 0, reviewed: 0, approved: 0 })[r.status] += 1;
      if (r.changed) changed.push({ key, locale: lng });
    }
  }
  return { counts, changed };
}

export function formatReviewSummary(o: { resources: Resource; locales: readonly string[]; store: ReviewStore }): string {
  const { counts, changed } = reviewCounts(o);
  const lines = ['Review status (locales/review.json; a text changed since its review is draft):'];
  for (const lng of o.locales) {
    const c = counts[lng] ?? { draft: 0, reviewed: 0, approved: 0 };
    lines.push(`  ${lng}: ${c.approved} approved, ${c.reviewed} reviewed, ${c.draft} draft`);
  }
  if (changed.length) {
    lines.push(`  changed since review (${changed.length}): ${changed.map((c) => `${c.key} ${c.locale}`).join(', ')}`);
  }
  return lines.join('\n');
}
