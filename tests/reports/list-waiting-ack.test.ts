// The triage queue's "waiting for ACK" timer: each listed report says since when its oldest still-open alert
// was sent, so the console counts from the alert, not from the report's arrival.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const seed = () =>
  t.ctx.prisma.hazardReport.create({
    data: { originalText: 'uxo by the road', reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], status: 'dispatched' },
  });

describe('the reports list and open alerts', () => {
  it('when a report has open and acknowledged alerts, then alertOpenSince is the oldest open one; without open alerts it is null', async () => {
    const waiting = await seed();
    const acked = await seed();
    const early = new Date('2026-01-01T08:00:00Z');
    const later = new Date('2026-01-01T08:15:00Z');
    await t.ctx.prisma.alert.createMany({
      data: [
        { reportId: waiting.id, state: 'acknowledged', createdAt: new Date('2026-01-01T07:00:00Z') },
        { reportId: waiting.id, state: 'open', createdAt: later },
        { reportId: waiting.id, state: 'open', createdAt: early },
        { reportId: acked.id, state: 'acknowledged', createdAt: early },
      ],
    });

    const res = await t.api('get', '/api/reports?status=dispatched&limit=200');

    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((r: { id: number; alertOpenSince: string | null }) => [r.id, r.alertOpenSince]));
    expect(byId.get(waiting.id)).toBe(early.toISOString());
    expect(byId.get(acked.id)).toBeNull();
  });
});
