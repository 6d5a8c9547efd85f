import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import {
  checkCron,
  cronOccurrences,
  isValidTimeZone,
  nextCronOccurrence,
  nextOccurrence,
  upcomingOccurrences,
  zonedTimeToUtc,
} from '../../src/campaigns/schedule.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('checkCron', () => {
  it('when a five-field expression is valid, then it is accepted', () => {
    expect(checkCron('0 9 * * 1')).toEqual({ ok: true });
    expect(checkCron('*/15 8-17 * * MON-FRI')).toEqual({ ok: true });
  });

  it('when a field is out of range, then the reason names the field', () => {
    const r = checkCron('61 * * * *');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/minute/);
  });

  it('when the expression has 4 or 6 fields, then it is refused with the expected shape', () => {
    expect(checkCron('* * * *')).toMatchObject({ ok: false, reason: expect.stringMatching(/5 fields/) });
    // Seconds are node-cron syntax, but a campaign never needs them.
    expect(checkCron('0 0 9 * * 1')).toMatchObject({ ok: false, reason: expect.stringMatching(/5 fields/) });
    expect(checkCron('every monday')).toMatchObject({ ok: false });
  });
});

describe('isValidTimeZone', () => {
  it('when the zone is an IANA name, then it is valid; abbreviations, offsets and typos are not', () => {
    for (const tz of ['Asia/Phnom_Penh', 'Asia/Vientiane', 'America/Bogota', 'UTC']) expect(isValidTimeZone(tz)).toBe(true);
    for (const tz of ['Asia/Phnom_Phen', 'Mars/Olympus', '+07:00', '', 'ICT; drop table']) expect(isValidTimeZone(tz)).toBe(false);
  });
});

describe('nextCronOccurrence', () => {
  it('when "0 9 * * 1" is read in Asia/Phnom_Penh, then Monday 09:00 there is 02:00 UTC', () => {
    // 2026-11-23 is a Monday; 00:00 UTC is 07:00 in Phnom Penh.
    expect(iso(nextCronOccurrence('0 9 * * 1', 'Asia/Phnom_Penh', at('2026-11-23T00:00:00Z')))).toBe('2026-11-23T02:00:00.000Z');
  });

  it('when the same expression is read in UTC, then it fires seven hours later', () => {
    expect(iso(nextCronOccurrence('0 9 * * 1', 'UTC', at('2026-11-23T00:00:00Z')))).toBe('2026-11-23T09:00:00.000Z');
  });

  it('when the local day differs from the UTC day, then the local day counts (Phnom Penh is a day ahead at 23:30 UTC)', () => {
    // 23:30 UTC on the 22nd is 06:30 on the 23rd in Phnom Penh: the next 06:00 there is on the 24th.
    expect(iso(nextCronOccurrence('0 6 * * *', 'Asia/Phnom_Penh', at('2026-11-22T23:30:00Z')))).toBe('2026-11-23T23:00:00.000Z');
  });

  it('when read in America/Bogota (UTC-5), then 18:30 there is 23:30 UTC', () => {
    expect(iso(nextCronOccurrence('30 18 * * *', 'America/Bogota', at('2026-11-23T23:00:00Z')))).toBe('2026-11-23T23:30:00.000Z');
    expect(iso(nextCronOccurrence('30 18 * * *', 'America/Bogota', at('2026-11-23T23:30:00Z')))).toBe('2026-11-24T23:30:00.000Z');
  });

  it('when the occurrence is exactly "after", then the next one is returned (strictly after)', () => {
    expect(iso(nextCronOccurrence('0 9 * * *', 'UTC', at('2026-11-23T09:00:00Z')))).toBe('2026-11-24T09:00:00.000Z');
  });

  it('when L and n#k tokens are used, then they mean the last day and the n-th weekday of the month', () => {
    expect(iso(nextCronOccurrence('0 9 L * *', 'UTC', at('2026-02-10T00:00:00Z')))).toBe('2026-02-28T09:00:00.000Z');
    // 2026-02-09 (second Monday of February) has passed on the 10th: the second Monday of March is the 9th.
    expect(iso(nextCronOccurrence('0 9 * * 1#2', 'UTC', at('2026-02-10T00:00:00Z')))).toBe('2026-03-09T09:00:00.000Z');
  });

  it('when day of month and day of week are both given, then both must match (node-cron semantics)', () => {
    expect(iso(nextCronOccurrence('0 0 29 2 1', 'UTC', at('2026-02-10T00:00:00Z')))).toBe('2044-02-29T00:00:00.000Z');
  });

  it('when a wall time falls in a DST gap, then it runs just after the gap; a repeated one runs once', () => {
    // New York springs forward at 02:00 on 2026-03-08: 02:30 does not exist that night and runs at 03:30 EDT.
    expect(iso(nextCronOccurrence('30 2 * * *', 'America/New_York', at('2026-03-08T00:00:00Z')))).toBe('2026-03-08T07:30:00.000Z');
    // It falls back at 02:00 on 2026-11-01: 01:30 happens twice and runs at the first (EDT), then daily in EST.
    expect(cronOccurrences('30 1 * * *', 'America/New_York', at('2026-10-31T12:00:00Z'), 3).map(iso)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
    ]);
  });

  it('when a gap time lands on a later wall time of the same night, then time order holds and nothing repeats', () => {
    expect(cronOccurrences('0,30 1-3 * * *', 'America/New_York', at('2026-03-08T05:00:00Z'), 5).map(iso)).toEqual([
      '2026-03-08T06:00:00.000Z',
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:30:00.000Z',
      '2026-03-09T05:00:00.000Z',
    ]);
  });

  it("when compared with node-cron's own next runs, then they agree", () => {
    const cases: [string, string][] = [
      ['*/7 * * * *', 'Asia/Phnom_Penh'],
      ['0 9 * * 1', 'Asia/Vientiane'],
      ['15 18 1-7 * 2', 'America/Bogota'],
      ['0 9 L * *', 'UTC'],
      ['0 12 * * 1#2', 'Asia/Phnom_Penh'],
      ['0 2 * * *', 'America/New_York'],
    ];
    for (const [expression, timezone] of cases) {
      // node-cron counts from its own wall clock: retry once if a minute boundary fell between the two.
      let mine: (string | null)[] = [];
      let theirs: string[] = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        const task = cron.createTask(expression, () => {}, { timezone });
        mine = cronOccurrences(expression, timezone, new Date(), 5).map(iso);
        theirs = task.getNextRuns(5).map((d) => d.toISOString());
        void task.destroy();
        if (JSON.stringify(mine) === JSON.stringify(theirs)) break;
      }
      expect(mine, `${expression} in ${timezone}`).toEqual(theirs);
    }
  });
});

describe('zonedTimeToUtc', () => {
  it('when a wall time exists once, then it maps to the one instant', () => {
    expect(zonedTimeToUtc({ year: 2026, month: 11, day: 24, hour: 7, minute: 0, second: 0 }, 'Asia/Phnom_Penh').toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
  });
});

describe('nextOccurrence (campaign schedules)', () => {
  const weekly = { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh' };

  it('when startAt is in the future, then the first occurrence is the first at or after it', () => {
    const s = { ...weekly, startAt: at('2026-12-07T02:00:00Z') };
    // startAt itself is an occurrence (Monday 09:00 Phnom Penh) and counts.
    expect(iso(nextOccurrence(s, at('2026-11-23T00:00:00Z')))).toBe('2026-12-07T02:00:00.000Z');
    expect(iso(nextOccurrence({ ...weekly, startAt: at('2026-12-01T00:00:00Z') }, at('2026-11-23T00:00:00Z')))).toBe(
      '2026-12-07T02:00:00.000Z',
    );
  });

  it('when endAt has passed the next occurrence, then there is none; endAt itself still counts', () => {
    const s = { ...weekly, endAt: at('2026-11-30T02:00:00Z') };
    expect(upcomingOccurrences(s, at('2026-11-20T00:00:00Z'), 10).map(iso)).toEqual(['2026-11-23T02:00:00.000Z', '2026-11-30T02:00:00.000Z']);
    expect(nextOccurrence(s, at('2026-11-30T02:00:00Z'))).toBeNull();
  });

  it('when the schedule is one `at` time, then it occurs once, only while it is ahead', () => {
    const s = { at: at('2026-11-23T05:00:00Z'), timezone: 'Asia/Phnom_Penh' };
    expect(iso(nextOccurrence(s, at('2026-11-23T04:59:59Z')))).toBe('2026-11-23T05:00:00.000Z');
    expect(nextOccurrence(s, at('2026-11-23T05:00:00Z'))).toBeNull();
    expect(upcomingOccurrences(s, at('2026-11-01T00:00:00Z'), 5)).toHaveLength(1);
  });
});
