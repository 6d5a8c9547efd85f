// Quiet hours: a daily window in the campaign's time zone ("20:00"–"07:00") in which no campaign message is
// sent; what falls due inside it waits until the window ends. Windows may wrap midnight. Pure functions.
import { addLocalDays, localParts, zonedTimeToUtc } from './zoned-time.js';

export const HHMM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "07:30" → 450 minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
  const m = HHMM_RE.exec(hhmm);
  if (!m) throw new Error(`not a time of day (HH:MM): ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether `now` falls inside the window [start, end) in `timeZone`. An empty window (start = end) never does. */
export function inQuiet(now: Date, timeZone: string, start: string, end: string): boolean {
  const s = minutesOfDay(start);
  const e = minutesOfDay(end);
  const p = localParts(now, timeZone);
  const m = p.hour * 60 + p.minute;
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/**
 * When the window that `now` falls in ends, as an instant; `now` itself when it is not in the window.
 * 21:00 with a 20:00–07:00 window → 07:00 the next morning; 03:00 → 07:00 the same morning.
 */
export function quietEnd(now: Date, timeZone: string, start: string, end: string): Date {
  if (!inQuiet(now, timeZone, start, end)) return now;
  const e = minutesOfDay(end);
  const p = localParts(now, timeZone);
  const m = p.hour * 60 + p.minute;
  // Past the end time of the day means the window wrapped: it ends tomorrow.
  const day = m >= e ? addLocalDays(p, 1) : p;
  return zonedTimeToUtc({ year: day.year, month: day.month, day: day.day, hour: Math.floor(e / 60), minute: e % 60, second: 0 }, timeZone);
}

/** The send time for something due at `at`: `at`, or the end of the quiet window it falls in. */
export function notBeforeFor(at: Date, q: { timezone: string; quietStart: string | null; quietEnd: string | null }): Date | null {
  if (!q.quietStart || !q.quietEnd) return null;
  return inQuiet(at, q.timezone, q.quietStart, q.quietEnd) ? quietEnd(at, q.timezone, q.quietStart, q.quietEnd) : null;
}
