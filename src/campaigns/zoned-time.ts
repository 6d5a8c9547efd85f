// Wall-clock time in an IANA zone with nothing but Intl: local fields of an instant, and the instant of a
// local wall time. Wall times that a DST change skips or repeats follow Temporal's "compatible" rule: a skipped
// time maps to just after the gap (02:30 on a spring-forward night is 03:30), a repeated one to its first
// instance.

/** Local calendar fields in a zone; month 1-12. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows this IANA zone ("Asia/Phnom_Penh"); offsets and abbreviations are refused. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

/** The zone's offset from UTC at an instant, in ms (Phnom Penh: +7 h). */
export function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(new Date(ms), timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

function sameWall(ms: number, p: LocalParts, timeZone: string): boolean {
  const q = localParts(new Date(ms), timeZone);
  return q.year === p.year && q.month === p.month && q.day === p.day && q.hour === p.hour && q.minute === p.minute && q.second === p.second;
}

export const DAY_MS = 86_400_000;

/** The instant a wall time in a zone stands for (see the DST rule at the top of the file). */
export function zonedTimeToUtc(p: LocalParts, timeZone: string): Date {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // Zones change offset at most once within a couple of days: the offsets a day before and after bracket it.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const fits = [wall - before, wall - after].filter((ms) => sameWall(ms, p, timeZone));
  if (fits.length > 0) return new Date(Math.min(...fits));
  // In a gap: read the wall time with the offset in force before it, which lands just after the gap.
  return new Date(wall - before);
}

export function addDays(year: number, month: number, day: number, n: number) {
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The calendar date `n` days after a local date. */
export function addLocalDays(p: Pick<LocalParts, 'year' | 'month' | 'day'>, n: number) {
  return addDays(p.year, p.month, p.day, n);
}
