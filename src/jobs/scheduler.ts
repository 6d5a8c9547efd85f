// Periodic jobs on node-cron, once per occurrence across every instance. node-cron's `distributed` option asks
// a run coordinator before each fire; ours claims the occurrence with one INSERT … ON CONFLICT DO NOTHING in
// job_claims, so whichever instance inserts the row runs it and the others skip. No leader, no lease to renew:
// a claim is a fact about one occurrence, kept two days for the record and then deleted.
import cron, { type Logger as CronLogger, type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { AppContext } from '../context.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'log'>;

/** A job as data: what runs, when. `run()` must be idempotent and handle a capped batch. */
export interface Job<R = unknown> {
  name: string;
  /** Cron expression (5 fields, or 6 with seconds). */
  schedule: string;
  /** IANA zone the expression is read in; UTC by default so every instance computes the same occurrences. */
  timezone?: string;
  /**
   * Whether occurrences are claimed in job_claims (default true). A job whose run claims its own work
   * exactly once (the campaign job claims campaign_runs rows) and fires every second sets false: a claim row
   * per second would only fill the table.
   */
  coordinated?: boolean;
  run(now?: Date): Promise<R>;
}

export interface Scheduler {
  start(): void;
  /** Stops firing and waits for runs in progress to finish. */
  stop(): Promise<void>;
  /** The coordinator handed to node-cron: true iff this instance claimed the occurrence `key`. */
  readonly coordinator: RunCoordinator & { shouldRun(key: string): Promise<boolean> };
  /** One occurrence exactly as a cron fire handles it (claim, then run if won); false when another instance had it. */
  runOccurrence(jobName: string, at: Date): Promise<boolean>;
}

const KEEP_CLAIMS_DAYS = 2;
const CLEANUP_EVERY_MS = 3_600_000;

/**
 * node-cron's key is `<name>:<occurrence ISO>`. Stored at minute resolution ("escalate-alerts:2026-11-23T14:05Z")
 * unless the schedule has a seconds field that fired mid-minute, which keeps its seconds so no two collide.
 */
export function claimKey(cronKey: string): string {
  const m = /^(.*):(\d{4}-\d\d-\d\dT\d\d:\d\d):(\d\d)\.\d{3}Z$/.exec(cronKey);
  if (!m) return cronKey;
  return m[3] === '00' ? `${m[1]}:${m[2]}Z` : `${m[1]}:${m[2]}:${m[3]}Z`;
}

export function createScheduler(ctx: Ctx, jobs: readonly Job[]): Scheduler {
  const log = ctx.log.child({ component: 'scheduler' });
  const instanceId = ctx.config.instanceId;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  if (byName.size !== jobs.length) throw new Error('job names must be unique: they form the claim keys');
  let tasks: ScheduledTask[] = [];
  /** Claims and runs in flight: stop() waits for them. */
  const running = new Set<Promise<unknown>>();
  let accepting = false;
  let lastCleanup = 0;

  function track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.finally(() => running.delete(tracked));
    running.add(tracked);
    return tracked;
  }

  async function cleanup() {
    if (Date.now() - lastCleanup < CLEANUP_EVERY_MS) return;
    lastCleanup = Date.now();
    try {
      const n = await ctx.prisma.$executeRaw`
        DELETE FROM job_claims WHERE claimed_at < (now() AT TIME ZONE 'UTC') - make_interval(days => ${KEEP_CLAIMS_DAYS})`;
      if (n > 0) log.debug({ deleted: n }, 'old job claims deleted');
    } catch (err) {
      log.warn({ err }, 'could not delete old job claims');
    }
  }

  const coordinator = {
    async shouldRun(key: string): Promise<boolean> {
      // Timestamps are stored as UTC wall time (as Prisma writes them), whatever the server's TimeZone.
      const inserted = await ctx.prisma.$executeRaw`
        INSERT INTO job_claims (key, instance_id, claimed_at) VALUES (${claimKey(key)}, ${instanceId}, now() AT TIME ZONE 'UTC')
        ON CONFLICT DO NOTHING`;
      void track(cleanup());
      return inserted === 1;
    },
  };

  // What node-cron asks before each fire: once stopping, nothing new is claimed (a claimed occurrence that
  // nobody runs would be lost; unclaimed, another instance takes it).
  const cronCoordinator: RunCoordinator = {
    shouldRun: (key) => (accepting ? track(coordinator.shouldRun(key)) : false),
  };

  /** Runs a job, tracked so stop() can wait for it; errors are logged, never thrown at node-cron. */
  function execute(job: Job): Promise<void> {
    const started = Date.now();
    return track(
      job
        .run()
        .then((result) => log.debug({ job: job.name, ms: Date.now() - started, result }, 'job finished'))
        .catch((err: unknown) => log.error({ err, job: job.name }, 'job failed')),
    );
  }

  const cronLogger: CronLogger = {
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    error: (m, err) => log.error({ err: err ?? (m instanceof Error ? m : undefined) }, m instanceof Error ? m.message : m),
    debug: (m) => log.debug(m instanceof Error ? { err: m } : {}, m instanceof Error ? m.message : m),
  };

  return {
    coordinator,
    start() {
      if (tasks.length > 0) return;
      accepting = true;
      tasks = jobs.map((job) =>
        cron.schedule(job.schedule, () => execute(job), {
          name: job.name,
          timezone: job.timezone ?? 'UTC',
          // A run still going when the next fire comes skips that fire here; another instance may take it.
          noOverlap: true,
          ...(job.coordinated === false ? {} : { distributed: true, runCoordinator: cronCoordinator }),
          logger: cronLogger,
        }),
      );
      log.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`), instanceId }, 'scheduler started');
    },
    async stop() {
      accepting = false;
      const stopping = tasks;
      tasks = [];
      await Promise.all(stopping.map((t) => t.destroy()));
      // A claim won just now starts its run a few microtasks later: look again after they have drained.
      do {
        await Promise.allSettled([...running]);
        await new Promise((resolve) => setImmediate(resolve));
      } while (running.size > 0);
    },
    async runOccurrence(jobName, at) {
      const job = byName.get(jobName);
      if (!job) throw new Error(`no job named ${jobName}`);
      if (!(await coordinator.shouldRun(`${job.name}:${at.toISOString()}`))) return false;
      await execute(job);
      return true;
    },
  };
}
