// Required advice: a safety text declares which core points it carries (locales/safety-points.json) and
// every locale must carry the same points, found by per-language phrases (safety-lexicon/points.json). A
// translation that drops "mark the place", or loses its "do not" so the phrase no longer reads "do not
// touch", fails: the check reads what the villager reads, not what the English says.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'i18next';
import { z } from 'zod';
import { LEXICON_DIR, SAFETY_POINTS, type SafetyPoint } from './lexicon.js';
import { normalise } from './tokenise.js';

export const POINTS_MANIFEST = 'safety-points.json';

const ManifestSchema = z.strictObject({
  notes: z.string().optional(),
  texts: z.record(z.string().regex(/^[a-z][a-z0-9-]*:[\w.-]+$/), z.array(z.enum(SAFETY_POINTS)).min(1)),
});
const PhrasesSchema = z.record(z.string(), z.union([z.string(), z.partialRecord(z.enum(SAFETY_POINTS), z.array(z.string().min(1)).min(1))]));

export interface PointFinding {
  code: 'missing-point' | 'no-point-phrases' | 'points-manifest';
  key: string;
  locale?: string;
  point?: SafetyPoint;
  message: string;
}

function lookup(resources: Resource, lng: string, key: string): unknown {
  const colon = key.indexOf(':');
  let node: unknown = resources[lng]?.[key.slice(0, colon)];
  for (const part of key.slice(colon + 1).split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Every declared point of every declared text, in every locale. A missing manifest declares nothing. */
export function checkRequiredPoints(opts: { resources: Resource; localesDir: string; locales: readonly string[]; lexiconDir?: string }): PointFinding[] {
  const file = join(opts.localesDir, POINTS_MANIFEST);
  if (!existsSync(file)) return [];
  const manifest = ManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!manifest.success) {
    return [{ code: 'points-manifest', key: POINTS_MANIFEST, message: `locales/${POINTS_MANIFEST}: ${manifest.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` }];
  }
  const phrases = PhrasesSchema.parse(JSON.parse(readFileSync(join(opts.lexiconDir ?? LEXICON_DIR, 'points.json'), 'utf8')));
  const out: PointFinding[] = [];
  for (const [key, points] of Object.entries(manifest.data.texts)) {
    for (const lng of opts.locales) {
      const text = lookup(opts.resources, lng, key);
      if (typeof text !== 'string') continue; // a missing key is reported by the key checks
      const haystack = normalise(text, lng);
      const lists = phrases[lng];
      for (const point of points) {
        const list = typeof lists === 'object' ? lists[point] : undefined;
        if (!list) {
          out.push({ code: 'no-point-phrases', key, locale: lng, point, message: `${key} (${lng}) must carry "${point}" but safety-lexicon/points.json has no ${lng} phrases for it` });
          continue;
        }
        if (!list.some((p) => haystack.includes(normalise(p, lng)))) {
          out.push({
            code: 'missing-point',
            key,
            locale: lng,
            point,
            message: `${key} (${lng}) does not carry the point "${point}" (none of: ${list.map((p) => `"${p}"`).join(', ')})`,
          });
        }
      }
    }
  }
  return out;
}
