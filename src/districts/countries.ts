// What a country (ISO 3166 alpha-2, as the gazetteer and phone numbers give it) tells us about its people: the
// language they most likely read, the time on their clocks, the number to call in an emergency and where the
// injured get help. config/countries.json (COUNTRIES_FILE, checked at start in config.ts) says it per country;
// the built-in languages and time zones below stand in for countries the file does not list, and
// EMERGENCY_NUMBER for an emergency number it does not give. Kept with the gazetteer, below every feature that asks.
import type { CountrySettings, Locale } from '../config.js';

const SPANISH_COUNTRIES = new Set([
  'AR', 'BO', 'CL', 'CO', 'CR', 'CU', 'DO', 'EC', 'ES', 'GQ', 'GT', 'HN', 'MX', 'NI', 'PA', 'PE', 'PR', 'PY', 'SV', 'UY', 'VE',
]);

/** The built-in language of a country (the countries file may say otherwise: see countryFacts). */
export function localeOfCountry(country: string | undefined): Locale | undefined {
  if (!country) return undefined;
  if (country === 'KH') return 'km';
  if (country === 'LA') return 'lo';
  if (SPANISH_COUNTRIES.has(country)) return 'es';
  return undefined;
}

const COUNTRY_TZ: Record<string, string> = { KH: 'Asia/Phnom_Penh', LA: 'Asia/Vientiane', CO: 'America/Bogota' };

/** The built-in time zone of a country (the countries file may say otherwise: see countryFacts). */
export function timeZoneOf(country: string | undefined): string {
  return (country && COUNTRY_TZ[country]) || 'UTC';
}

/** The part of Config these answers come from. */
export interface CountryConfig {
  countries: Record<string, CountrySettings>;
  emergencyNumber: string;
}

export interface CountryFacts {
  country: string | undefined;
  locale: Locale | undefined;
  timeZone: string;
  emergencyNumber: string;
  victimAssistancePhone: string | undefined;
  rehabService: string | undefined;
}

/** Everything we know about a country: the countries file first, then the built-in tables and EMERGENCY_NUMBER. */
export function countryFacts(config: CountryConfig, country: string | undefined): CountryFacts {
  const c = country ? config.countries[country] : undefined;
  return {
    country,
    locale: c?.locale ?? localeOfCountry(country),
    timeZone: c?.timeZone ?? timeZoneOf(country),
    emergencyNumber: c?.emergencyNumber ?? config.emergencyNumber,
    victimAssistancePhone: c?.victimAssistancePhone,
    rehabService: c?.rehabService,
  };
}
