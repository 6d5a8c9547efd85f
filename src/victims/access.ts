// Who sees what of a casualty: only the victim-assistance role (and admins) see identifying data; every other
// role gets the de-identified view (categories, place down to the district, year), and small counts suppressed.
import type { Role } from '../generated/prisma/enums.js';

export function seesIdentifying(role: Role | undefined): boolean {
  return role === 'victim_assistance' || role === 'admin';
}
