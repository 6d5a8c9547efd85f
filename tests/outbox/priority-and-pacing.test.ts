// Alerts overtake campaign messages, and pacing charges one slot per SMS segment.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { enqueue } from '../../src/outbox/enqueue.js';
import { PACING_HEADROOM, reserveSlot } from '../../src/outbox/pacing.js';
import type { Db } from '../../src/lib/db.js';
import type { OutboxMessage } from '../../src/generated/prisma/client.js';
import {
  useOutboxFixture, createSubscriber, createTestDispatcher, fakeTransport, maxInWindow, outboxRow, uniqueBody,
} from '../support/outbox.js';
import { randomKhPhone } from '../support/factories.js';

const fixture = useOutboxFixture();
const fake = fixture.fake;
let prisma: Db;
beforeAll(() => {
  prisma = fixture.prisma;
});

async function enqueueCampaign(n: number, label: string) {
  const rows: OutboxMessage[] = [];
  for (let i = 0; i < n; i++) rows.push(await enqueue(prisma, { kind: 'campaign', to: randomKhPhone(), body: uniqueBody(`${label} ${i}`) }));
  return rows;
}

const indexOf = (body: string) => fake.requests.findIndex((r) => r.params.Body === body);

describe('priority', () => {
  it('when an alert is queued after 50 campaign messages, then it is among the first requests the fake receives', async () => {
    await enqueueCampaign(50, 'Campaign');
    const sub = await createSubscriber(prisma);
    const alertBody = uniqueBody('Alert: mine reported');
    const alert = await enqueue(prisma, { kind: 'alert', to: sub.phone, body: alertBody, subscriberId: sub.id });
    // 100/s: a batch is 50 rows, half a second of sending.
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { smsRatePerSecond: 100 });

    await dispatcher.runOnce();

    expect(fake.requests).toHaveLength(50);
    // Claimed and paced first; only network jitter between 10 ms-spaced sends could reorder arrivals.
    expect(indexOf(alertBody)).toBeLessThan(5);
    expect(await outboxRow(prisma, alert.id)).toMatchObject({ status: 'sent' });
    expect(await prisma.outboxMessage.count({ where: { kind: 'campaign', status: 'pending' } })).toBe(1);
  });

  it('when an alert is queued while a campaign is being sent, then it goes out within the next batch', async () => {
    await enqueueCampaign(60, 'Running campaign');
    // 40/s: batches of 20 rows.
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { smsRatePerSecond: 40 });
    dispatcher.start();
    try {
      await fake.waitFor(() => fake.requests.length >= 5);
      const seenBefore = fake.requests.length;
      const alertBody = uniqueBody('Alert: cluster submunition');
      await enqueue(prisma, { kind: 'alert', to: randomKhPhone(), body: alertBody });
      dispatcher.notify();

      await fake.waitFor(() => indexOf(alertBody) >= 0, 5000);

      expect(indexOf(alertBody)).toBeLessThan(seenBefore + 2 * 20);
      expect(fake.requests.length).toBeLessThan(60);
    } finally {
      await dispatcher.stop();
    }
  });
});

describe('pacing', () => {
  it('when a 3-segment SMS reserves a slot, then the next reservation on that sender waits three slots', async () => {
    const sender = `+8552399${randomBytes(3).toString('hex')}`;
    const rate = 2;
    const slotMs = 1000 / (rate * (1 - PACING_HEADROOM));

    const first = await reserveSlot(prisma, sender, 3, rate);
    const second = await reserveSlot(prisma, sender, 1, rate);
    const third = await reserveSlot(prisma, sender, 1, rate);
    const other = await reserveSlot(prisma, `${sender}0`, 1, rate);

    // Interval arithmetic rounds to microseconds, so "no wait" can come back as a fraction of a microsecond.
    expect(first).toBeLessThan(0.01);
    // The database's own clock moves between the statements; a few ms of that is all the slack allowed.
    expect(second).toBeGreaterThan(3 * slotMs - 200);
    expect(second).toBeLessThanOrEqual(3 * slotMs);
    expect(third - second).toBeCloseTo(slotMs, -2);
    expect(other).toBeLessThan(0.01);
    const [row] = await prisma.$queryRaw<{ ahead_ms: number }[]>`
      SELECT EXTRACT(EPOCH FROM (next_free_at - clock_timestamp())) * 1000 AS ahead_ms FROM sender_pacing WHERE sender = ${sender}`;
    expect(Number(row!.ahead_ms)).toBeGreaterThan(5 * slotMs - 200);
    expect(Number(row!.ahead_ms)).toBeLessThanOrEqual(5 * slotMs);
  });

  it('when the busiest window is counted, then every start point and the half-open 1-second end are used', () => {
    // The two-instance rate check relies on this helper; a bug here would let a burst pass unseen.
    // [999.9, 1999.9) holds 999.9, 1000, 1500 and 1999; [0, 1000) stops before 1000.
    expect(maxInWindow([0, 999.9, 1000, 1500, 1999, 2000.5], 1000)).toBe(4);
    expect(maxInWindow([0, 500, 1000], 1000)).toBe(2);
    expect(maxInWindow([5, 1, 3, 2, 4], 1000)).toBe(5);
    expect(maxInWindow([], 1000)).toBe(0);
  });

  it('when the rate is 0, then pacing is off and no wait is asked', async () => {
    expect(await reserveSlot(prisma, `+8552398${randomBytes(3).toString('hex')}`, 3, 0)).toBe(0);
  });

  it('when a 3-segment message is sent among single ones, then the gap after it is about three single gaps', async () => {
    const single = (i: number) => uniqueBody(`Short ${i}`);
    const long = `${'Never touch, pick up, kick or move an unknown object. '.repeat(8)}`.trim();
    const bodies = [single(0), single(1), long, single(2), single(3), single(4)];
    const rows: OutboxMessage[] = [];
    for (const body of bodies) rows.push(await enqueue(prisma, { kind: 'reply', to: randomKhPhone(), body }));
    expect(rows[2]!.segments).toBe(3);
    expect(rows.filter((r) => r.segments === 1)).toHaveLength(5);

    await createTestDispatcher(prisma, fakeTransport(fake), { smsRatePerSecond: 20 }).drain();

    const at = bodies.map((b) => fake.requests.find((r) => r.params.Body === b)!.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const singleGaps = [gaps[0]!, gaps[1]!, gaps[3]!, gaps[4]!].sort((a, b) => a - b);
    const typicalSingle = (singleGaps[1]! + singleGaps[2]!) / 2;
    // Three slots, not one. The bar is 2x, not 3x: on a loaded 2-core machine (CI runs both databases' suites)
    // the long message itself can leave a few tens of ms late while the next one keeps its reserved slot, which
    // shortens the observed gap; a one-slot bug would still show about 1x. Exact rates are the bench's job.
    expect(gaps[2]!).toBeGreaterThanOrEqual(2 * typicalSingle);
  });
});
