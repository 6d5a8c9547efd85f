// What a country (ISO 3166 alpha-2, as the gazetteer and phone numbers give it) tells us about its people:
// the language they most likely read and the time on their clocks. Kept with the gazetteer, below every
// feature that asks.
import type { Locale } from '../config.js';

const SPANISH_COUNTRIES = new Set([
  'AR', 'BO', 'CL', 'CO', 'CR', 'CU', 'DO', 'EC', 'ES', 'GQ', 'GT', 'HN', 'MX', 'NI', 'PA', 'PE', 'PR', 'PY', 'SV', 'UY', 'VE',
]);

export function localeOfCountry(country: string | undefined): Locale | undefined {
  if (!country) return undefined;
  if (country === 'KH') return 'km';
  if (country === 'LA') return 'lo';
  if (SPANISH_COUNTRIES.has(country)) return 'es';
  return undefined;
}

const COUNTRY_TZ: Record<string, string> = { KH: 'Asia/Phnom_Penh', LA: 'Asia/Vientiane', CO: 'America/Bogota' };

export function timeZoneOf(country: string | undefined): string {
  return (country && COUNTRY_TZ[country]) || 'UTC';
}
