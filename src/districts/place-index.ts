// The place matcher over the gazetteer in the database, built on first use and rebuilt after an import.
// The whole Cambodian gazetteer (~16k units) fits comfortably in memory and matches in microseconds.
import type { Db } from '../lib/db.js';
import { createPlaceMatcher, type PlaceMatcher } from './place-matcher.js';

export interface PlaceIndex {
  get(): Promise<PlaceMatcher>;
  invalidate(): void;
}

export function createPlaceIndex(prisma: Db): PlaceIndex {
  let pending: Promise<PlaceMatcher> | null = null;
  return {
    get() {
      pending ??= prisma.adminUnit
        .findMany({ select: { pcode: true, level: true, parentPcode: true, nameEn: true, nameLocal: true } })
        .then((units) => createPlaceMatcher(units))
        .catch((err: unknown) => {
          pending = null; // a failed load must not poison the cache
          throw err;
        });
      return pending;
    },
    invalidate() {
      pending = null;
    },
  };
}
