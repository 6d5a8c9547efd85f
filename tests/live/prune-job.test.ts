import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createLiveEventsPruneJob, KEEP_LIVE_EVENTS_MINUTES } from '../../src/live/prune-job.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the live events pruning job', () => {
  it('when it runs, then events older than the kept window are deleted and newer ones stay', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - (KEEP_LIVE_EVENTS_MINUTES + 5) * 60_000);
    const recent = new Date(now.getTime() - 60_000);
    await t.ctx.prisma.$executeRaw`INSERT INTO live_events (topic, ref_id, kind, at) VALUES ('report', 1, 'created', ${old}), ('outbox', 2, 'updated', ${recent})`;

    const result = await createLiveEventsPruneJob(t.ctx).run(now);

    expect(result.deleted).toBe(1);
    const left = await t.ctx.prisma.$queryRaw<{ topic: string }[]>`SELECT topic FROM live_events`;
    expect(left.map((r) => r.topic)).toEqual(['outbox']);
  });
});
