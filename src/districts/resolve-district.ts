// From free text to the district a person means: a commune or village resolves to its district, a province
// alone is not enough (we ask), and a weak match is offered back as a suggestion rather than acted on.
import type { AdminUnit } from '../generated/prisma/client.js';
import type { DbOrTx } from '../lib/db.js';
import type { Locale } from '../config.js';
import { localeOfCountry } from './countries.js';
import type { PlaceIndex } from './place-index.js';

/** At or above this a match is acted on; between UNSURE and this it is offered as "did you mean". */
export const SURE = 0.75;
export const UNSURE = 0.5;

export type DistrictResolution =
  | { kind: 'none' }
  | { kind: 'province'; province: AdminUnit }
  | { kind: 'sure' | 'unsure'; district: AdminUnit; matched: AdminUnit; confidence: number };

export async function resolveDistrict(places: PlaceIndex, tx: DbOrTx, text: string): Promise<DistrictResolution> {
  const matcher = await places.get();
  // We need a district: a district, commune or village match wins over a province of the same name
  // ("Pailin" is both), and a province only wins when it matched better.
  const local = matcher.match(text, { levels: ['district', 'commune', 'village'] });
  const province = matcher.match(text, { levels: ['province'] });
  const m = province && (!local || province.confidence > local.confidence) ? province : local;
  if (!m || m.confidence < UNSURE) return { kind: 'none' };
  const matched = await tx.adminUnit.findUnique({ where: { pcode: m.pcode } });
  if (!matched) return { kind: 'none' };
  if (matched.level === 'province') return { kind: 'province', province: matched };
  let district: AdminUnit | null = matched;
  // Walk up from commune or village; at most two steps in a well-formed gazetteer.
  for (let i = 0; district && district.level !== 'district' && i < 4; i++) {
    district = district.parentPcode ? await tx.adminUnit.findUnique({ where: { pcode: district.parentPcode } }) : null;
  }
  if (!district || district.level !== 'district') return { kind: 'none' };
  return { kind: m.confidence >= SURE ? 'sure' : 'unsure', district, matched, confidence: m.confidence };
}

/** The name a person will recognise: the local-script name for the country's own language, else Latin. */
export function districtDisplayName(unit: Pick<AdminUnit, 'nameEn' | 'nameLocal' | 'country'>, locale: Locale): string {
  return unit.nameLocal && localeOfCountry(unit.country) === locale ? unit.nameLocal : unit.nameEn;
}
