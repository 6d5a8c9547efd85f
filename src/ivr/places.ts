// The gazetteer for the hotline's place lists: from the database (the webhook) or from a list of units in
// memory (the walk tool reads the demo CSV). Units are offered in P-code order, the official numbering.
import type { DbOrTx } from '../lib/db.js';
import type { PlaceOption, PlaceSource } from './types.js';

// Villages are too many to read out on a call; the lists stop at communes.
const LISTED_LEVELS = ['province', 'district', 'commune'] as const;

const toOption = (u: { pcode: string; nameEn: string; nameLocal: string | null; level: string }): PlaceOption => ({
  pcode: u.pcode, nameEn: u.nameEn, nameLocal: u.nameLocal, level: u.level,
});

export function dbPlaces(db: DbOrTx): PlaceSource {
  const select = { pcode: true, nameEn: true, nameLocal: true, level: true } as const;
  return {
    async children(parent, { country }) {
      if (parent !== null) {
        const units = await db.adminUnit.findMany({
          where: { parentPcode: parent, level: { in: [...LISTED_LEVELS] } }, select, orderBy: { pcode: 'asc' },
        });
        return units.map(toOption);
      }
      // The caller's own country first; a number from elsewhere (or a country we have no units for) hears all.
      const own = country
        ? await db.adminUnit.findMany({ where: { level: 'province', country }, select, orderBy: { pcode: 'asc' } })
        : [];
      if (own.length > 0) return own.map(toOption);
      return (await db.adminUnit.findMany({ where: { level: 'province' }, select, orderBy: { pcode: 'asc' } })).map(toOption);
    },
  };
}

export function memoryPlaces(units: readonly (PlaceOption & { parentPcode: string | null; country: string })[]): PlaceSource {
  const sorted = [...units].sort((a, b) => a.pcode.localeCompare(b.pcode));
  return {
    async children(parent, { country }) {
      if (parent !== null) {
        return sorted.filter((u) => u.parentPcode === parent && (LISTED_LEVELS as readonly string[]).includes(u.level)).map(toOption);
      }
      const provinces = sorted.filter((u) => u.level === 'province');
      const own = provinces.filter((u) => u.country === country);
      return (own.length > 0 ? own : provinces).map(toOption);
    },
  };
}
