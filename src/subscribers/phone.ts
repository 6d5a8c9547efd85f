// Phone numbers are stored as E.164. Operators' CSVs and SMS senders write them every which way
// ("012 345 678", "+855 12-345-678", "85512345678"); libphonenumber knows each country's rules.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Subscriber } from '../generated/prisma/client.js';
import type { DbOrTx } from '../lib/db.js';

export function normalizePhone(raw: string, defaultCountry: string): string | null {
  const cleaned = raw.trim().replace(/^(whatsapp|sms|tel):/i, '');
  if (!cleaned || cleaned.length > 40) return null;
  const parsed = parsePhoneNumberFromString(cleaned, defaultCountry as CountryCode);
  if (parsed?.isValid()) return parsed.number;
  // "85512345678" without the plus: try it as international before giving up.
  if (/^\d{10,15}$/.test(cleaned)) {
    const intl = parsePhoneNumberFromString(`+${cleaned}`);
    if (intl?.isValid()) return intl.number;
  }
  return null;
}

export function countryOfPhone(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** The country a subscriber lives in: their district's, else their number's. */
export async function subscriberCountry(tx: DbOrTx, sub: Pick<Subscriber, 'phone' | 'districtPcode'>): Promise<string | undefined> {
  const district = sub.districtPcode
    ? await tx.adminUnit.findUnique({ where: { pcode: sub.districtPcode }, select: { country: true } })
    : null;
  return district?.country ?? countryOfPhone(sub.phone);
}
