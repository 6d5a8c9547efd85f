// Time comes from here so tests and jobs can run on an injected clock instead of the wall clock.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export function manualClock(start: Date | string = '2026-01-01T00:00:00Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set(to: Date | string) {
      t = new Date(to).getTime();
    },
    advance(ms: number) {
      t += ms;
    },
  };
}
