// A check-in to a survivor or family never arrives at night: inside the daily quiet window (VA_QUIET_HOURS, in
// the country's time zone) it waits for the window's end. Small and local because campaigns' quiet hours sit in
// the same tier (features do not import each other); countries without summer time keep this exact.
const MINUTE = 60_000;

function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The first instant at or after `at` outside the window [start, end) (which may wrap midnight). */
export function afterQuietHours(at: Date, timeZone: string, start: string, end: string): Date {
  const s = toMinutes(start);
  const e = toMinutes(end);
  if (s === e) return at;
  const m = localMinutes(at, timeZone);
  const inside = s < e ? m >= s && m < e : m >= s || m < e;
  if (!inside) return at;
  const wait = (e - m + 1440) % 1440;
  const startOfMinute = Math.floor(at.getTime() / MINUTE) * MINUTE;
  return new Date(startOfMinute + wait * MINUTE);
}
