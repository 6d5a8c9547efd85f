// The words a clearance team reads on a plain phone: report number, priority, device, place, coordinates with
// a map link, the reporter's number (teams call back), the local time and the villager's own words.
import type { HazardReport } from '../generated/prisma/client.js';
import type { Translate } from '../lib/i18n.js';
import { truncate } from '../lib/text.js';

export function localTime(at: Date, timeZone: string): string {
  // sv-SE gives an unambiguous "2026-11-23 14:05" in every locale's phone.
  return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(at);
}

export function mapLink(template: string, lat: number, lon: number): string {
  return template.replaceAll('{lat}', lat.toFixed(5)).replaceAll('{lon}', lon.toFixed(5));
}

export interface AlertText {
  report: HazardReport;
  locale: string;
  t: Translate;
  mapLinkTemplate: string;
  timeZone: string;
  /** Where the report is, as a person would say it ("Ou Thum, Mongkol Borey"). */
  placeName: string | null;
}

export function alertVars(a: AlertText) {
  const r = a.report;
  const coords =
    r.lat !== null && r.lon !== null ? ` (${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}) ${mapLink(a.mapLinkTemplate, r.lat, r.lon)}` : '';
  return {
    number: r.id,
    priority: a.t(a.locale, `teams:priority.${r.priority}`),
    device: a.t(a.locale, `reports:device.${r.deviceClass}`),
    location: a.placeName ?? r.locationText ?? a.t(a.locale, 'teams:unknownPlace'),
    coords,
    reporter: r.reporterPhone,
    time: localTime(r.createdAt, a.timeZone),
    // Khmer and Lao alerts are UCS-2 (67 characters a part): a shorter quote keeps them to a few parts.
    text: truncate(r.originalText.replace(/\s+/g, ' ').trim(), a.locale === 'km' || a.locale === 'lo' ? 100 : 300),
  };
}

export function formatAlert(a: AlertText): string {
  return a.t(a.locale, 'teams:alert', alertVars(a));
}
