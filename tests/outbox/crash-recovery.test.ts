// Crash safety without killing anything: rows claimed by an instance that then "died" (claims made stale by
// hand), and a clean shutdown in the middle of a paced batch. Runs on PGlite and on PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomKhPhone } from '../support/factories.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { claimMessages, recoverStaleClaims, releaseClaims } from '../../src/outbox/claim.js';
import type { Db } from '../../src/lib/db.js';
import type { OutboxMessage } from '../../src/generated/prisma/client.js';
import {
  countBy, useOutboxFixture, createTestDispatcher, fakeTransport, makeClaimsStale, outboxRow, statusCounts, uniqueBody, waitUntil,
} from '../support/outbox.js';

const fixture = useOutboxFixture();
const fake = fixture.fake;
let prisma: Db;
beforeAll(() => {
  prisma = fixture.prisma;
});

const queue = (kind: 'alert' | 'campaign', label: string) => enqueue(prisma, { kind, to: randomKhPhone(), body: uniqueBody(label) });
const bodiesSent = () => countBy(fake.requests, (r) => r.params.Body ?? '');

describe('recovering claims of a dead instance', () => {
  it('when claims are stale, then rows whose send had started are reconciled with Twilio and every one is delivered exactly once', async () => {
    const alerts = [await queue('alert', 'Alert A'), await queue('alert', 'Alert B'), await queue('alert', 'Alert C')];
    const campaign: OutboxMessage[] = [];
    for (let i = 0; i < 7; i++) campaign.push(await queue('campaign', `Campaign ${i}`));
    // Instance "dead" claims the 3 alerts and the first 4 campaign rows and hands them to the provider (unpaced:
    // started at once), then dies before recording anything. Two alerts and two campaign messages reached Twilio.
    const claimed = await claimMessages(prisma, 'dead-instance', 7, true);
    expect(claimed.map((r) => r.id)).toEqual([...alerts, ...campaign.slice(0, 4)].map((r) => r.id));
    const reached = [alerts[0]!, alerts[1]!, campaign[0]!, campaign[1]!];
    const deadTransport = fakeTransport(fake);
    for (const r of reached) expect((await deadTransport.sendSms({ to: r.recipient, body: r.body })).ok).toBe(true);
    expect(await makeClaimsStale(prisma)).toBe(7);

    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), {
      claimTimeoutSeconds: 5, reconcileGraceMs: 200, reconcileResendAfterMs: 1500,
    });
    dispatcher.start();
    try {
      await waitUntil(async () => {
        const c = await statusCounts(prisma);
        return !c.pending && !c.sending && !c.unknown;
      }, 15_000, 'all rows settled');
    } finally {
      await dispatcher.stop();
    }

    const sent = countBy(fake.accepted(), (r) => r.params.Body ?? '');
    for (const r of [...alerts, ...campaign]) {
      expect(sent.get(r.body)).toBe(1);
      const row = await outboxRow(prisma, r.id);
      expect(row).toMatchObject({ status: 'sent', claimedBy: null });
      expect(row.providerId).toBe(fake.accepted().find((a) => a.params.Body === r.body)!.sid);
    }
    // Those that had reached Twilio were found there, not sent again.
    for (const r of reached) expect(await outboxRow(prisma, r.id)).toMatchObject({ attempts: 1 });
    for (const r of [alerts[2]!, campaign[2]!, campaign[3]!]) {
      expect(await outboxRow(prisma, r.id)).toMatchObject({ attempts: 2 });
    }
    expect(fake.listRequests).toBeGreaterThan(0);
  });

  it('when claims are younger than the timeout, then recovery leaves them alone', async () => {
    const rows = [await queue('alert', 'Fresh alert'), await queue('campaign', 'Fresh campaign')];
    await claimMessages(prisma, 'live-instance', 10);

    const result = await recoverStaleClaims(prisma, 60);

    expect(result).toEqual({ resent: 0, unknown: 0 });
    for (const r of rows) expect(await outboxRow(prisma, r.id)).toMatchObject({ status: 'sending', claimedBy: 'live-instance', attempts: 1 });
  });

  it('when stale claims are recovered, then the counts say how many were resent and how many became unknown', async () => {
    await queue('alert', 'Stale alert');
    await queue('campaign', 'Stale campaign 1');
    await claimMessages(prisma, 'dead-instance', 10, true);
    await queue('campaign', 'Stale campaign 2');
    await claimMessages(prisma, 'dead-instance', 10, false);
    await makeClaimsStale(prisma);

    // Started SMS (alert and campaign alike) may have reached Twilio: unknown; the one never started is resent.
    expect(await recoverStaleClaims(prisma, 60)).toEqual({ resent: 1, unknown: 2 });
    expect(await recoverStaleClaims(prisma, 60)).toEqual({ resent: 0, unknown: 0 });
  });

  it('when a dead instance had claimed paced campaign rows whose send never started, then they are sent once, not lost', async () => {
    const waiting = [await queue('campaign', 'Never started 1'), await queue('campaign', 'Never started 2')];
    // Paced claim: no send time is stamped until the pacing slot is reserved, and the process died before that.
    await claimMessages(prisma, 'dead-instance', 10, false);
    await makeClaimsStale(prisma);

    expect(await recoverStaleClaims(prisma, 60)).toEqual({ resent: 2, unknown: 0 });
    for (const r of waiting) expect(await outboxRow(prisma, r.id)).toMatchObject({ status: 'pending', attempts: 0, sendStartedAt: null });

    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake));
    await dispatcher.drain();
    const sent = bodiesSent();
    for (const r of waiting) {
      expect(sent.get(r.body)).toBe(1);
      expect(await outboxRow(prisma, r.id)).toMatchObject({ status: 'sent', attempts: 1 });
    }
  });
});

describe('releasing claims', () => {
  it('when an instance releases its claims, then the rows are pending again with their attempts restored', async () => {
    const rows = [await queue('campaign', 'Release 1'), await queue('campaign', 'Release 2')];
    const claimed = await claimMessages(prisma, 'instance-a', 10);

    expect(await releaseClaims(prisma, 'instance-b', claimed.map((r) => r.id))).toBe(0);
    expect(await releaseClaims(prisma, 'instance-a', claimed.map((r) => r.id))).toBe(2);

    for (const r of rows) expect(await outboxRow(prisma, r.id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null, claimedAt: null });
  });
});

describe('clean shutdown', () => {
  it('when the dispatcher is stopped mid-batch, then nothing is left sending and each row was sent once or is pending untouched', async () => {
    const rows: OutboxMessage[] = [];
    for (let i = 0; i < 10; i++) rows.push(await queue('campaign', `Shutdown ${i}`));
    fake.delayAllMs = 200;
    // 5/s: batches of 3 rows, 200 ms apart, each send answered after 200 ms.
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { smsRatePerSecond: 5 });
    dispatcher.start();
    await fake.waitFor(() => fake.requests.length >= 1);

    await dispatcher.stop();

    const counts = await statusCounts(prisma);
    expect(counts.sending).toBeUndefined();
    const sent = bodiesSent();
    let sentRows = 0;
    for (const r of rows) {
      const row = await outboxRow(prisma, r.id);
      if (row.status === 'sent') {
        sentRows++;
        expect(sent.get(r.body)).toBe(1);
        expect(row.attempts).toBe(1);
      } else {
        expect(row).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null });
        expect(sent.get(r.body)).toBeUndefined();
      }
    }
    expect(sentRows).toBeGreaterThanOrEqual(1);
    expect(sentRows).toBeLessThan(10);
    // Every request the fake got was answered before stop() returned: no send was abandoned mid-flight.
    expect(fake.requests.every((r) => r.responseStatus === 201)).toBe(true);
  });

  it('when a stopped dispatcher is drained afterwards, then the remaining rows are sent, each exactly once', async () => {
    const rows: OutboxMessage[] = [];
    for (let i = 0; i < 6; i++) rows.push(await queue('campaign', `Restart ${i}`));
    const dispatcher = createTestDispatcher(prisma, fakeTransport(fake), { smsRatePerSecond: 10 });
    dispatcher.start();
    await fake.waitFor(() => fake.requests.length >= 1);
    await dispatcher.stop();

    await dispatcher.drain(20);

    expect(fake.messages()).toHaveLength(6);
    expect([...bodiesSent().values()].every((n) => n === 1)).toBe(true);
    for (const r of rows) expect(await outboxRow(prisma, r.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
