// A small HTTP load generator for benchmarks: a fixed number of workers (= connections, over one keep-alive
// agent) send requests built by makeRequest(i) until `total` requests are done or `durationMs` has passed,
// and report status counts, latency percentiles and throughput. Loopback targets only.
//
// A failed attempt (network error, timeout, or a status the `retry` option names) can be retried with the
// same request, as Twilio retries a webhook with the same MessageSid; every attempt counts in statusCounts
// and latencies, and each item's final outcome goes to onResult.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  /** Path (and query) on the target; defaults to the path of `url`. */
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RetryPolicy {
  /** Attempts per item, the first included (≥ 1). */
  attempts: number;
  /** Wait before the next attempt (ms); a function gets the attempt number that failed (1-based). */
  delayMs: number | ((attempt: number) => number);
  /** Whether a status is worth retrying; default: 5xx and 429. Network errors and timeouts always are. */
  retryOn?: (status: number) => boolean;
}

export interface ItemResult {
  i: number;
  /** Final HTTP status, or 0 when the last attempt failed without a response. */
  status: number;
  /** Error code of the last attempt when status is 0 (ECONNREFUSED, ECONNRESET, TIMEOUT…). */
  error?: string;
  attempts: number;
  /** Latency of the last attempt, ms. */
  latencyMs: number;
  /** performance.now() when the final answer came. */
  at: number;
  body?: string;
}

export interface LoadOptions {
  /** Base URL; only loopback hosts (127.0.0.1, ::1, localhost) are accepted. */
  url: string;
  /** Requests in flight at once (one socket each). */
  concurrency: number;
  /** Items to send (each item may take several attempts). At least one of total and durationMs is needed. */
  total?: number;
  /** Stop starting new items after this long. With total, whichever comes first. */
  durationMs?: number;
  /** After this long (ms from the start) no attempt is started, retries included: the run's hard bound. */
  deadlineMs?: number;
  /** Open-loop pacing: item i starts no earlier than i / ratePerSecond after the start (still ≤ concurrency). */
  ratePerSecond?: number;
  makeRequest(i: number): LoadRequest;
  /** Per-attempt timeout, ms (default 10 s). A timed-out attempt counts as error TIMEOUT. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Called once per item with its final outcome. */
  onResult?(result: ItemResult): void;
  /** Keep response bodies in onResult (default false). */
  keepBody?: boolean;
  /** Stops starting new items when aborted; items in flight finish. */
  signal?: AbortSignal;
  /** Hard cap on items when only durationMs is given (default 1,000,000), so no loop is unbounded. */
  maxItems?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  /** Items whose final status was 2xx. */
  ok: number;
  /** Items that did not end in 2xx (after retries). */
  failed: number;
  /** Attempts that failed without an HTTP response (network errors, timeouts). */
  errors: number;
  /** Every attempt by outcome: HTTP status as a string, or the error code. */
  statusCounts: Record<string, number>;
  items: number;
  attempts: number;
  /** Latency of every attempt that got a response, ms. */
  latencies: LatencySummary;
  /** Items finished per second over the run. */
  reqPerSec: number;
  durationMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentiles of a list of numbers (it is sorted in place). */
export function summarize(values: number[]): LatencySummary {
  values.sort((a, b) => a - b);
  const n = values.length;
  const at = (p: number) => (n === 0 ? NaN : values[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    count: n,
    p50: r(at(50)),
    p90: r(at(90)),
    p99: r(at(99)),
    max: r(n ? values[n - 1]! : NaN),
    mean: r(n ? values.reduce((s, v) => s + v, 0) / n : NaN),
  };
}

export function assertLoopback(url: string): URL {
  const u = new URL(url);
  if (u.protocol !== 'http:' || !LOOPBACK.has(u.hostname)) throw new Error(`load: only http://127.0.0.1 targets, not ${url}`);
  return u;
}

interface Attempt {
  status: number;
  error?: string;
  latencyMs: number;
  body: string;
}

/** One HTTP request on the agent; never rejects. */
export function sendOnce(agent: http.Agent, base: URL, req: LoadRequest, timeoutMs: number): Promise<Attempt> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<Attempt, 'latencyMs'>) => {
      if (done) return;
      done = true;
      resolve({ ...a, latencyMs: performance.now() - started });
    };
    const body = req.body ?? '';
    const r = http.request(
      {
        host: base.hostname,
        port: base.port,
        path: req.path ?? `${base.pathname}${base.search}`,
        method: req.method ?? (body ? 'POST' : 'GET'),
        agent,
        headers: { ...(body ? { 'content-length': Buffer.byteLength(body).toString() } : {}), ...req.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (e: NodeJS.ErrnoException) => finish({ status: 0, error: e.code ?? 'ERESPONSE', body: '' }));
      },
    );
    r.setTimeout(timeoutMs, () => {
      finish({ status: 0, error: 'TIMEOUT', body: '' });
      r.destroy();
    });
    r.on('error', (e: NodeJS.ErrnoException) => finish({ status: 0, error: e.code ?? e.message, body: '' }));
    r.end(body);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const base = assertLoopback(o.url);
  if (o.total === undefined && o.durationMs === undefined) throw new Error('load: give total or durationMs');
  const limit = Math.min(o.total ?? Infinity, o.maxItems ?? 1_000_000);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const retry = o.retry ?? { attempts: 1, delayMs: 0 };
  const retryOn = retry.retryOn ?? ((s: number) => s >= 500 || s === 429);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency, maxFreeSockets: o.concurrency });
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  let errors = 0;
  let attemptsTotal = 0;
  const started = performance.now();
  const stopAt = o.durationMs === undefined ? Infinity : started + o.durationMs;
  const deadline = o.deadlineMs === undefined ? Infinity : started + o.deadlineMs;
  const more = () => next < limit && performance.now() < Math.min(stopAt, deadline) && !o.signal?.aborted;

  async function item(i: number): Promise<void> {
    const req = o.makeRequest(i);
    let a: Attempt;
    let attempt = 0;
    for (;;) {
      attempt++;
      attemptsTotal++;
      a = await sendOnce(agent, base, req, timeoutMs);
      const key = a.status ? String(a.status) : (a.error ?? 'ERROR');
      statusCounts[key] = (statusCounts[key] ?? 0) + 1;
      if (a.status) latencies.push(a.latencyMs);
      else errors++;
      const retryable = a.status === 0 || retryOn(a.status);
      if (!retryable || attempt >= retry.attempts) break;
      const wait = typeof retry.delayMs === 'function' ? retry.delayMs(attempt) : retry.delayMs;
      if (performance.now() + wait >= deadline) break;
      await sleep(wait);
    }
    if (a.status >= 200 && a.status < 300) ok++;
    else failed++;
    o.onResult?.({
      i,
      status: a.status,
      ...(a.error ? { error: a.error } : {}),
      attempts: attempt,
      latencyMs: a.latencyMs,
      at: performance.now(),
      ...(o.keepBody ? { body: a.body } : {}),
    });
  }

  async function worker(): Promise<void> {
    while (more()) {
      const i = next++;
      if (o.ratePerSecond) {
        const wait = started + (i / o.ratePerSecond) * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        if (performance.now() >= deadline) break;
      }
      await item(i);
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  } finally {
    agent.destroy();
  }
  const durationMs = performance.now() - started;
  const items = ok + failed;
  return {
    ok,
    failed,
    errors,
    statusCounts,
    items,
    attempts: attemptsTotal,
    latencies: summarize(latencies),
    reqPerSec: Math.round((items / (durationMs / 1000)) * 10) / 10,
    durationMs: Math.round(durationMs),
  };
}
