// When a campaign runs: the next occurrence of its cron expression in its own time zone, or its one `at`
// time, within startAt/endAt. node-cron validates and expands the expression (ranges, steps, names, L, W, #)
// and uses the same day rule (day of month AND day of week); its own next-run helpers only count from the wall
// clock, so the walk is done here, from any instant, which lets tests and the job use an injected clock.
//
// Wall times that a DST change skips or repeats follow Temporal's "compatible" rule: a skipped time runs just
// after the gap (02:30 on a spring-forward night runs at 03:30), a repeated one runs once, at its first
// instance. Cambodia, Laos and Colombia keep no DST today, but a zone may change its rules.
import cron from 'node-cron';
import { DAY_MS, addDays, localParts, offsetAt, zonedTimeToUtc } from './zoned-time.js';

export { isValidTimeZone, localParts, zonedTimeToUtc, type LocalParts } from './zoned-time.js';

// ───────────────────────────── cron ─────────────────────────────

export type CronCheck = { ok: true } | { ok: false; reason: string };

/** A campaign cron: five fields (minute hour day-of-month month day-of-week), valid for node-cron. */
export function checkCron(expression: string): CronCheck {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return {
      ok: false,
      reason: `a campaign cron has 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1"; got ${fields.length}`,
    };
  }
  const detail = cron.validateDetailed(expression.trim());
  if (!detail.valid) {
    const why = detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { ok: false, reason: `not a valid cron expression (${why || 'unreadable'})` };
  }
  return { ok: true };
}

interface CronFields {
  minutes: number[];
  hours: number[];
  daysOfMonth: (number | string)[];
  months: number[];
  daysOfWeek: (number | string)[];
}

const parsedCache = new Map<string, CronFields>();

function parseCron(expression: string): CronFields {
  const key = expression.trim();
  let f = parsedCache.get(key);
  if (!f) {
    const check = checkCron(key);
    if (!check.ok) throw new Error(`invalid cron "${key}": ${check.reason}`);
    const p = cron.parse(key);
    const asc = (a: number, b: number) => a - b;
    f = {
      minutes: [...p.minute].sort(asc),
      hours: [...p.hour].sort(asc),
      daysOfMonth: p.dayOfMonth,
      months: p.month,
      daysOfWeek: p.dayOfWeek,
    };
    if (parsedCache.size > 1000) parsedCache.clear();
    parsedCache.set(key, f);
  }
  return f;
}

const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** The weekday nearest to day `target` within the month (the cron "W" token), or -1. */
function nearestWeekday(y: number, m: number, target: number): number {
  const last = lastDay(y, m);
  if (target < 1 || target > last) return -1;
  const wd = weekday(y, m, target);
  if (wd === 6) return target === 1 ? 3 : target - 1;
  if (wd === 0) return target === last ? target - 2 : target + 1;
  return target;
}

// The special tokens mean what they mean to node-cron (its matcher is the reference for these).
function dayOfMonthMatches(values: (number | string)[], y: number, m: number, d: number): boolean {
  for (const v of values) {
    if (v === d) return true;
    if (v === 'L' && d === lastDay(y, m)) return true;
    if (typeof v !== 'string') continue;
    const w = /^(\d{1,2}|L)W$/.exec(v);
    if (w && nearestWeekday(y, m, w[1] === 'L' ? lastDay(y, m) : Number(w[1])) === d) return true;
    const off = /^L-(\d{1,2})$/.exec(v);
    if (off && lastDay(y, m) - Number(off[1]) === d) return true;
  }
  return false;
}

function dayOfWeekMatches(values: (number | string)[], y: number, m: number, d: number): boolean {
  const wd = weekday(y, m, d);
  for (const v of values) {
    if (v === wd) return true;
    if (typeof v !== 'string') continue;
    const nth = /^([0-7])#([1-5])$/.exec(v);
    if (nth && Number(nth[1]) % 7 === wd && Math.floor((d - 1) / 7) + 1 === Number(nth[2])) return true;
    const last = /^([0-7])L$/i.exec(v);
    if (last && Number(last[1]) % 7 === wd && d + 7 > lastDay(y, m)) return true;
  }
  return false;
}

/** Days walked before giving up: covers "29 2 * 1"-style rarities (the weekday calendar repeats every 28 years). */
const MAX_DAYS = 366 * 29;

/** The first occurrence of `expression` in `timeZone` strictly after `after`, or null if there is none. */
export function nextCronOccurrence(expression: string, timeZone: string, after: Date): Date | null {
  const f = parseCron(expression);
  const afterMs = after.getTime();
  const start = localParts(after, timeZone);
  let { year, month, day } = start;
  // Start a day early: with a DST gap, a wall time of the previous day can map past `after`.
  ({ year, month, day } = addDays(year, month, day, -1));
  for (let i = 0; i < MAX_DAYS; i++) {
    if (f.months.includes(month) && dayOfMonthMatches(f.daysOfMonth, year, month, day) && dayOfWeekMatches(f.daysOfWeek, year, month, day)) {
      const found = firstOnDay(f, timeZone, year, month, day, afterMs);
      if (found !== null) return new Date(found);
    }
    ({ year, month, day } = addDays(year, month, day, 1));
  }
  return null;
}

/** The earliest occurrence on one local day after `afterMs`, or null. */
function firstOnDay(f: CronFields, timeZone: string, year: number, month: number, day: number, afterMs: number): number | null {
  const dayStart = Date.UTC(year, month - 1, day);
  // On a day without an offset change, wall order is time order: the first time past `after` is the answer.
  // On a DST day a time moved out of a gap can land after a later wall time, so every time is compared.
  const steady = offsetAt(dayStart - DAY_MS, timeZone) === offsetAt(dayStart + 2 * DAY_MS, timeZone);
  if (steady) {
    const offset = offsetAt(dayStart + DAY_MS / 2, timeZone);
    // Skip the hours wholly before `after` without converting each minute.
    for (const hour of f.hours) {
      if (dayStart + (hour + 1) * 3_600_000 - offset <= afterMs) continue;
      for (const minute of f.minutes) {
        const ms = dayStart + hour * 3_600_000 + minute * 60_000 - offset;
        if (ms > afterMs) return ms;
      }
    }
    return null;
  }
  let best: number | null = null;
  for (const hour of f.hours) {
    for (const minute of f.minutes) {
      const ms = zonedTimeToUtc({ year, month, day, hour, minute, second: 0 }, timeZone).getTime();
      if (ms > afterMs && (best === null || ms < best)) best = ms;
    }
  }
  return best;
}

/** The next `count` occurrences after `after` (fewer if the expression runs out). */
export function cronOccurrences(expression: string, timeZone: string, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let from = after;
  while (out.length < count) {
    const next = nextCronOccurrence(expression, timeZone, from);
    if (!next) break;
    out.push(next);
    from = next;
  }
  return out;
}

// ───────────────────────────── campaign schedules ─────────────────────────────

export interface CampaignSchedule {
  /** One-off: the single occurrence. */
  at?: Date | null;
  cron?: string | null;
  timezone: string;
  /** Cron only: no occurrence before startAt or after endAt (both inclusive). */
  startAt?: Date | null;
  endAt?: Date | null;
}

/** The campaign's first occurrence strictly after `after`, or null when it has none left. */
export function nextOccurrence(s: CampaignSchedule, after: Date): Date | null {
  if (s.at) return s.at.getTime() > after.getTime() ? s.at : null;
  if (!s.cron) return null;
  // startAt itself counts, so walk from just before it.
  const from = s.startAt && s.startAt.getTime() - 1 > after.getTime() ? new Date(s.startAt.getTime() - 1) : after;
  const next = nextCronOccurrence(s.cron, s.timezone, from);
  if (!next || (s.endAt && next.getTime() > s.endAt.getTime())) return null;
  return next;
}

/** Up to `count` upcoming occurrences, for showing an educator what the schedule means. */
export function upcomingOccurrences(s: CampaignSchedule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let from = after;
  while (out.length < count) {
    const next = nextOccurrence(s, from);
    if (!next) break;
    out.push(next);
    from = next;
  }
  return out;
}
