import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { createLiveHub } from '../../src/live/live-hub.js';
import type { LiveEvent } from '../../src/live/read-events.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer();
});
afterAll(() => t.close());

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the live events poller', () => {
  it('when an event with a lower id commits after a higher one was read (a slower transaction), then it is still delivered', async () => {
    const { inbound } = await t.sms(randomKhPhone(), 'mine near my house in Mongkol Borei');
    const hub = createLiveHub({ prisma: t.ctx.prisma, log: t.ctx.log, pollMs: 20 });
    const got: LiveEvent[] = [];
    const client = { send: (e: LiveEvent) => void got.push(e) };
    const cursor = await hub.add(client);
    try {
      // Ids taken out of the sequence's order, as two concurrent transactions would: the later commits first.
      const late = cursor + 5;
      const early = cursor + 10;
      await t.ctx.prisma.$executeRaw`INSERT INTO live_events (id, topic, ref_id, kind) VALUES (${early}, 'report', ${inbound.reportId}, 'updated')`;
      await until(() => got.some((e) => e.id === early));
      await t.ctx.prisma.$executeRaw`INSERT INTO live_events (id, topic, ref_id, kind) VALUES (${late}, 'report', ${inbound.reportId}, 'updated')`;
      await until(() => got.some((e) => e.id === late));

      expect(got.filter((e) => e.id === late || e.id === early).map((e) => e.id)).toEqual([early, late]);
      expect(got.find((e) => e.id === late)!.data).toMatchObject({ id: inbound.reportId, districtPcode: '0102' });
    } finally {
      hub.remove(client);
      await hub.stop();
      // The ids were chosen by hand: move the sequence past them so later inserts cannot collide.
      await t.ctx.prisma.$queryRaw`SELECT setval(pg_get_serial_sequence('live_events', 'id'), (SELECT max(id) FROM live_events))`;
    }
  });

  it('when the last client leaves, then polling stops, and the next client starts it again from the newest event', async () => {
    const hub = createLiveHub({ prisma: t.ctx.prisma, log: t.ctx.log, pollMs: 20 });
    const first = { send: () => {} };
    await hub.add(first);
    hub.remove(first);
    expect(hub.size).toBe(0);

    const { inbound } = await t.sms(randomKhPhone(), 'bomb near the road in Mongkol Borei');
    const got: LiveEvent[] = [];
    const second = { send: (e: LiveEvent) => void got.push(e) };
    const cursor = await hub.add(second);
    const [row] = await t.ctx.prisma.$queryRaw<{ max: bigint }[]>`SELECT max(id) AS max FROM live_events`;
    expect(cursor).toBe(Number(row!.max));
    await new Promise((r) => setTimeout(r, 100));
    // Older events are the route's catch-up (Last-Event-ID), never pushed again by the poller.
    expect(got.filter((e) => e.data?.id === inbound.reportId && e.topic === 'report')).toEqual([]);
    hub.remove(second);
    await hub.stop();
  });
});
