// Peak resident set size of this process, sampled every 100 ms. A benchmark phase calls reset() when it
// starts and peak() when it ends; the sampler also takes a sample on each call, so short phases count.
export interface RssSampler {
  reset(): void;
  /** Peak RSS in MiB since the last reset(). */
  peak(): number;
  stop(): void;
}

/** `read` picks what is sampled: RSS by default, or e.g. V8's heapUsed (in bytes either way). */
export function startRssSampler(intervalMs = 100, read: () => number = () => process.memoryUsage.rss()): RssSampler {
  let max = 0;
  const sample = () => {
    max = Math.max(max, read());
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  sample();
  return {
    reset() {
      max = 0;
      sample();
    },
    peak() {
      sample();
      return max / 2 ** 20;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
