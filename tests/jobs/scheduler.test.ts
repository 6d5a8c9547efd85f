import cron from 'node-cron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { onPostgres } from '../support/db.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';
import { claimKey, createScheduler, type Job, type Scheduler } from '../../src/jobs/scheduler.js';
import { createEscalationJob } from '../../src/reports/escalation-job.js';

let t: TestApp;
/** Two instances of the service on one database: PGlite shares the one in-process database, PostgreSQL gets a second pool. */
let a: AppContext;
let b: AppContext;

beforeAll(async () => {
  t = await createTestApp({ INSTANCE_ID: 'instance-a' });
  a = t.ctx;
  const db = onPostgres ? await t.testDb.openAnother() : t.testDb.db;
  b = buildContext(testConfig({ INSTANCE_ID: 'instance-b' }), db, { clock: t.clock, log: createLogger('silent') });
});
afterAll(() => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

function recordingJob(name: string, runs: string[], instance: string, schedule = '* * * * *', ms = 0): Job {
  return {
    name,
    schedule,
    async run() {
      if (ms) await sleep(ms);
      runs.push(instance);
    },
  };
}

const claims = (prefix: string) =>
  t.ctx.prisma.jobClaim.findMany({ where: { key: { startsWith: `${prefix}:` } }, orderBy: { key: 'asc' } });

describe('claimKey', () => {
  it("when node-cron names an occurrence, then the claim key is the job name and the time to the minute", () => {
    expect(claimKey('escalate-alerts:2026-11-23T14:05:00.000Z')).toBe('escalate-alerts:2026-11-23T14:05Z');
    // A schedule with a seconds field keeps them, so its occurrences within one minute stay apart.
    expect(claimKey('every-second:2026-11-23T14:05:07.000Z')).toBe('every-second:2026-11-23T14:05:07Z');
    expect(claimKey('odd key')).toBe('odd key');
  });
});

describe('createScheduler', () => {
  it('when two instances claim the same occurrence, then exactly one gets it', async () => {
    const name = unique('claim');
    const sa = createScheduler(a, [recordingJob(name, [], 'a')]);
    const sb = createScheduler(b, [recordingJob(name, [], 'b')]);
    const key = `${name}:2026-11-23T14:05:00.000Z`;

    const [wonA, wonB] = await Promise.all([sa.coordinator.shouldRun(key), sb.coordinator.shouldRun(key)]);

    expect([wonA, wonB].filter(Boolean)).toHaveLength(1);
    expect(await sa.coordinator.shouldRun(key)).toBe(false);
    expect(await sb.coordinator.shouldRun(`${name}:2026-11-23T14:06:00.000Z`)).toBe(true);
    const rows = await claims(name);
    expect(rows.map((r) => r.key)).toEqual([`${name}:2026-11-23T14:05Z`, `${name}:2026-11-23T14:06Z`]);
    expect(rows[0]!.instanceId).toBe(wonA ? 'instance-a' : 'instance-b');
  });

  it('when both instances tick for one occurrence, then the job runs once', async () => {
    const name = unique('tick');
    const runs: string[] = [];
    const sa = createScheduler(a, [recordingJob(name, runs, 'a')]);
    const sb = createScheduler(b, [recordingJob(name, runs, 'b')]);
    const at = new Date('2026-11-23T14:05:00.000Z');

    const ran = await Promise.all([sa.runOccurrence(name, at), sb.runOccurrence(name, at), sa.runOccurrence(name, at)]);

    expect(ran.filter(Boolean)).toHaveLength(1);
    expect(runs).toHaveLength(1);
    await Promise.all([sa.runOccurrence(name, new Date('2026-11-23T14:06:00.000Z')), sb.runOccurrence(name, new Date('2026-11-23T14:06:00.000Z'))]);
    expect(runs).toHaveLength(2);
  });

  it('when both schedulers run on a real every-second cron, then each occurrence runs on one instance only', async () => {
    const name = unique('live');
    const runs: string[] = [];
    const sa = createScheduler(a, [recordingJob(name, runs, 'a', '* * * * * *')]);
    const sb = createScheduler(b, [recordingJob(name, runs, 'b', '* * * * * *')]);
    sa.start();
    sb.start();
    await sleep(2_600);
    await Promise.all([sa.stop(), sb.stop()]);

    const rows = await claims(name);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(runs).toHaveLength(rows.length);
    // Each occurrence's claim names the instance that ran it.
    expect([...runs].sort()).toEqual(rows.map((r) => (r.instanceId === 'instance-a' ? 'a' : 'b')).sort());
    for (const r of rows) expect(r.key).toMatch(new RegExp(`^${name}:\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d(:\\d\\d)?Z$`));

    // Stopped: no more runs.
    const before = runs.length;
    await sleep(1_100);
    expect(runs).toHaveLength(before);
  });

  it('when stop() is called while a job runs, then it waits for the job to finish', async () => {
    const name = unique('slow');
    const runs: string[] = [];
    let started = false;
    const scheduler: Scheduler = createScheduler(a, [
      { name, schedule: '* * * * * *', run: async () => { started = true; await sleep(400); runs.push('done'); } },
    ]);
    scheduler.start();
    while (!started) await sleep(20);

    await scheduler.stop();

    expect(runs).toEqual(['done']);
  });

  it('when a job throws, then the failure is contained and the claim stays (no second run for that occurrence)', async () => {
    const name = unique('failing');
    let calls = 0;
    const s = createScheduler(a, [{ name, schedule: '* * * * *', run: async () => { calls++; throw new Error('boom'); } }]);
    const at = new Date('2026-11-23T15:00:00.000Z');
    await expect(s.runOccurrence(name, at)).resolves.toBe(true);
    await expect(s.runOccurrence(name, at)).resolves.toBe(false);
    expect(calls).toBe(1);
  });

  it('when claims are older than two days, then the next claim deletes them', async () => {
    const name = unique('old');
    const day = 24 * 3600_000;
    await t.ctx.prisma.jobClaim.createMany({
      data: [
        { key: `${name}:old`, instanceId: 'x', claimedAt: new Date(Date.now() - 3 * day) },
        { key: `${name}:recent`, instanceId: 'x', claimedAt: new Date(Date.now() - day) },
      ],
    });
    const s = createScheduler(a, [recordingJob(name, [], 'a')]);

    await s.coordinator.shouldRun(`${name}:2026-11-23T16:00:00.000Z`);

    let keys: string[] = [];
    for (let i = 0; i < 50; i++) {
      keys = (await claims(name)).map((r) => r.key);
      if (!keys.includes(`${name}:old`)) break;
      await sleep(20);
    }
    expect(keys).toEqual([`${name}:2026-11-23T16:00Z`, `${name}:recent`]);
  });

  it('the escalation job has a schedule node-cron accepts', () => {
    const job = createEscalationJob(a);
    expect(job.schedule).toBe('* * * * *');
    expect(cron.validate(job.schedule)).toBe(true);
    expect(() => createScheduler(a, [job, job])).toThrow(/unique/);
  });
});
