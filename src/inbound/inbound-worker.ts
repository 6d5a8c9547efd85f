// The inbound worker: takes stored messages off the table and processes them, so the webhook only has to
// store and answer (RapidPro's courier/mailroom split). It claims a batch (one message per sender, oldest
// first), processes the batch with bounded concurrency, each message in its own transaction, and retries
// failures with backoff. After the last attempt the person still gets the safety advice and the message is
// marked `failed` for a person to look at (GET /api/inbound?state=failed, hazardline_inbound_failed_total).
import type { AppContext } from '../context.js';
import type { Logger } from '../lib/logger.js';
import { isRetryableConflict } from '../lib/errors.js';
import { maskPhone } from '../lib/logger.js';
import { claimInbound, holdsClaim, inboundBackoffMs, recoverStaleInbound, type ClaimedInbound } from './claim-inbound.js';
import { finishInbound, processInbound, safetyFallback } from './process-inbound.js';

export interface InboundWorkerOptions {
  instanceId: string;
  batchSize: number;
  /** Messages processed at once; PGlite has one connection, so 1 there. */
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  claimTimeoutSeconds: number;
  pollMs: number;
  /** Interactive transaction budget for one message (must stay under the claim timeout). */
  transactionTimeoutMs: number;
}

export interface InboundWorker {
  start(): void;
  stop(): Promise<void>;
  /** A message was stored: look now rather than at the next poll. */
  notify(): void;
  /** One claim-and-process round; the number of messages it took. */
  runOnce(): Promise<number>;
  /** Rounds until nothing is due (tests, benchmarks, the CLI). */
  drain(maxRounds?: number): Promise<number>;
}

/** Conflicts between concurrent transactions are retried on the spot, this many times, before they count. */
const CONFLICT_RETRIES = 4;

export function createInboundWorker(ctx: AppContext, opts: InboundWorkerOptions): InboundWorker {
  const log: Logger = ctx.log.child({ component: 'inbound-worker' });
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let woken = false;
  let lastRecovery = 0;

  const processOne = async (row: ClaimedInbound): Promise<boolean> => {
    // A message that keeps killing its worker (or timing out) would be claimed forever: stop at the limit.
    if (row.attempts > opts.maxAttempts) return giveUp(row, new Error('attempts exhausted'));
    for (let conflict = 0; ; conflict++) {
      try {
        const outcome = await ctx.prisma.$transaction((tx) => processInbound(ctx, tx, row, opts.instanceId), {
          timeout: opts.transactionTimeoutMs,
          maxWait: opts.transactionTimeoutMs,
        });
        if (outcome) ctx.metrics.inbound.inc({ kind: outcome.handledAs.split(':').slice(0, 2).join(':') });
        return outcome !== null;
      } catch (err) {
        if (isRetryableConflict(err) && conflict < CONFLICT_RETRIES) {
          await sleep(5 + Math.random() * 20 * (conflict + 1));
          continue;
        }
        return retryLater(row, err);
      }
    }
  };

  const retryLater = async (row: ClaimedInbound, err: unknown): Promise<boolean> => {
    if (row.attempts >= opts.maxAttempts) return giveUp(row, err);
    const delayMs = inboundBackoffMs(row.attempts, opts.retryBaseMs, opts.retryMaxMs);
    log.warn({ err, inboundId: row.id, from: maskPhone(row.fromPhone), attempt: row.attempts, retryInMs: delayMs }, 'inbound message failed; will retry');
    try {
      await ctx.prisma.$executeRaw`
        UPDATE inbound_messages SET state = 'pending', claimed_at = NULL, claimed_by = NULL, last_error = ${errorText(err)},
          next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}::float8)
        WHERE id = ${row.id} AND state = 'processing' AND claimed_by = ${opts.instanceId}`;
    } catch (e) {
      // The database is gone too: the lease expires and the message is claimed again.
      log.warn({ err: e, inboundId: row.id }, 'could not schedule the retry; the claim will expire');
    }
    return false;
  };

  const giveUp = async (row: ClaimedInbound, err: unknown): Promise<boolean> => {
    log.error({ err, inboundId: row.id, from: maskPhone(row.fromPhone), attempts: row.attempts }, 'inbound message failed for good: safety advice sent, marked for review');
    try {
      const done = await ctx.prisma.$transaction(async (tx) => {
        if (!(await holdsClaim(tx, row.id, opts.instanceId))) return false;
        await finishInbound(tx, row, await safetyFallback(ctx, tx, row), ctx.clock.now(), 'failed');
        await tx.inboundMessage.update({ where: { id: row.id }, data: { lastError: errorText(err) } });
        return true;
      }, { timeout: opts.transactionTimeoutMs, maxWait: opts.transactionTimeoutMs });
      if (done) {
        ctx.metrics.inboundFailed.inc();
        ctx.metrics.inbound.inc({ kind: 'error' });
      }
      return done;
    } catch (e) {
      log.error({ err: e, inboundId: row.id }, 'could not mark the message failed; the claim will expire');
      return false;
    }
  };

  const recover = async () => {
    lastRecovery = Date.now();
    const recovered = await recoverStaleInbound(ctx.prisma, opts.claimTimeoutSeconds);
    if (recovered > 0) log.warn({ recovered }, 'took over inbound messages whose worker stopped');
  };

  const runOnce = async (): Promise<number> => {
    if (Date.now() - lastRecovery > (opts.claimTimeoutSeconds * 1000) / 2) await recover();
    const rows = await claimInbound(ctx.prisma, opts.instanceId, opts.batchSize);
    if (rows.length === 0) return 0;
    // Warm the place and boundary indexes outside any transaction: PGlite has one connection, and a query on the plain
    // client from inside an interactive transaction would wait for that transaction to end.
    await ctx.places.get();
    await ctx.boundaries.refresh();
    // One message per sender per batch, so running the batch concurrently never reorders a sender's messages.
    let next = 0;
    const lanes = Array.from({ length: Math.min(opts.concurrency, rows.length) }, async () => {
      while (next < rows.length) await processOne(rows[next++]!);
    });
    await Promise.all(lanes);
    // Replies, alerts and questions were queued: wake the dispatcher rather than wait for its poll.
    ctx.outbox.notify();
    return rows.length;
  };

  const sleepOrWake = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        woken = false;
        resolve();
      }
      wake = done;
    });

  const run = async () => {
    let failures = 0;
    while (running) {
      let taken = 0;
      try {
        taken = await runOnce();
        failures = 0;
      } catch (err) {
        failures++;
        log.warn({ err, failures }, 'inbound worker could not claim messages; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
        continue;
      }
      // A full batch means more is waiting: go again at once.
      if (taken < opts.batchSize && running) await sleepOrWake(opts.pollMs);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
    notify() {
      if (wake) wake();
      else woken = true;
    },
    runOnce,
    async drain(maxRounds = 10_000) {
      await recover();
      let total = 0;
      for (let i = 0; i < maxRounds; i++) {
        const n = await runOnce();
        if (n === 0) break;
        total += n;
      }
      return total;
    },
  };
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
