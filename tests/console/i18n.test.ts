// The console's UI strings: every key in every language file, none empty, the placeholders of each text the
// same as in English, and every key the code names present.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../web/src/i18n/', import.meta.url);
const SRC = new URL('../../web/src/', import.meta.url).pathname;
const load = (lng: string) => JSON.parse(readFileSync(new URL(`${lng}.json`, DIR), 'utf8')) as Record<string, string>;
const LANGS = ['en', 'km', 'lo', 'es'];
const placeholders = (s: string) => [...s.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('console translations', () => {
  const en = load('en');

  it.each(LANGS)('when %s.json is read, then it has exactly the English keys, none empty, with the same placeholders', (lng) => {
    const other = load(lng);

    expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
    expect(Object.entries(other).filter(([, v]) => !v.trim())).toEqual([]);
    expect(Object.keys(en).filter((k) => placeholders(en[k]!).join() !== placeholders(other[k]!).join())).toEqual([]);
  });

  it('when the code names a string with t("…"), then English has it', () => {
    const used = new Set(sources(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bt\('([\w.]+)'/g)].map((m) => m[1]!)));

    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });
});
