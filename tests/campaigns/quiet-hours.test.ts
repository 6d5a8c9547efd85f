import { describe, expect, it } from 'vitest';
import { inQuiet, minutesOfDay, notBeforeFor, quietEnd } from '../../src/campaigns/quiet-hours.js';

const PP = 'Asia/Phnom_Penh'; // UTC+7
const at = (iso: string) => new Date(iso);

describe('inQuiet', () => {
  it('when the window wraps midnight (20:00–07:00), then evening and early morning are quiet; start is inside, end outside', () => {
    // 12:59Z = 19:59, 13:00Z = 20:00, 23:59Z = 06:59 next day, 00:00Z = 07:00.
    expect(inQuiet(at('2026-11-23T12:59:00Z'), PP, '20:00', '07:00')).toBe(false);
    expect(inQuiet(at('2026-11-23T13:00:00Z'), PP, '20:00', '07:00')).toBe(true);
    expect(inQuiet(at('2026-11-23T17:00:00Z'), PP, '20:00', '07:00')).toBe(true); // midnight local
    expect(inQuiet(at('2026-11-23T23:59:00Z'), PP, '20:00', '07:00')).toBe(true);
    expect(inQuiet(at('2026-11-24T00:00:00Z'), PP, '20:00', '07:00')).toBe(false);
    expect(inQuiet(at('2026-11-24T05:00:00Z'), PP, '20:00', '07:00')).toBe(false); // noon
  });

  it('when the window does not wrap (12:00–14:00), then only midday is quiet', () => {
    expect(inQuiet(at('2026-11-23T05:00:00Z'), PP, '12:00', '14:00')).toBe(true); // 12:00
    expect(inQuiet(at('2026-11-23T07:00:00Z'), PP, '12:00', '14:00')).toBe(false); // 14:00
    expect(inQuiet(at('2026-11-23T13:00:00Z'), PP, '12:00', '14:00')).toBe(false); // 20:00
  });

  it('when the time zone differs, then the same instant is judged by local time (Bogota, UTC-5)', () => {
    // 02:00Z is 21:00 in Bogota (quiet) and 09:00 in Phnom Penh (not quiet).
    expect(inQuiet(at('2026-11-24T02:00:00Z'), 'America/Bogota', '20:00', '07:00')).toBe(true);
    expect(inQuiet(at('2026-11-24T02:00:00Z'), PP, '20:00', '07:00')).toBe(false);
  });

  it('when start equals end, then nothing is quiet', () => {
    expect(inQuiet(at('2026-11-23T13:00:00Z'), PP, '20:00', '20:00')).toBe(false);
  });
});

describe('quietEnd', () => {
  it('when it is 21:00 with quiet 20:00–07:00, then the window ends at 07:00 the next morning', () => {
    expect(quietEnd(at('2026-11-23T14:00:00Z'), PP, '20:00', '07:00').toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('when it is 03:00 with quiet 20:00–07:00, then the window ends at 07:00 the same morning', () => {
    expect(quietEnd(at('2026-11-23T20:00:00Z'), PP, '20:00', '07:00').toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it('when it is not quiet, then the answer is now', () => {
    const now = at('2026-11-23T05:00:00Z');
    expect(quietEnd(now, PP, '20:00', '07:00')).toEqual(now);
    expect(notBeforeFor(now, { timezone: PP, quietStart: '20:00', quietEnd: '07:00' })).toBeNull();
  });

  it('when a campaign has no quiet hours, then nothing waits', () => {
    expect(notBeforeFor(at('2026-11-23T14:00:00Z'), { timezone: PP, quietStart: null, quietEnd: null })).toBeNull();
  });

  it('when a campaign occurrence falls in its quiet hours, then it waits for their end', () => {
    expect(notBeforeFor(at('2026-11-23T14:00:00Z'), { timezone: PP, quietStart: '20:00', quietEnd: '07:00' })?.toISOString()).toBe(
      '2026-11-24T00:00:00.000Z',
    );
  });
});

describe('minutesOfDay', () => {
  it('when given HH:MM, then it counts minutes; anything else throws', () => {
    expect(minutesOfDay('07:30')).toBe(450);
    expect(() => minutesOfDay('7:30')).toThrow();
    expect(() => minutesOfDay('24:00')).toThrow();
  });
});
