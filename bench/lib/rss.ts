// Peak resident set size of this process, sampled every 100 ms. A benchmark phase calls reset() when it
// starts and peak() when it ends; the sampler also takes a sample on each call, so short phases count.
export interface RssSampler {
  reset(): void;
  /** Peak RSS in MiB since the last reset(). */
  peak(): number;
  stop(): void;
}

export function startRssSampler(intervalMs = 100): RssSampler {
  let max = 0;
  const sample = () => {
    max = Math.max(max, process.memoryUsage.rss());
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
