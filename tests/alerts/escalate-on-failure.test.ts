// An alert SMS or call the provider reports undelivered or failed reached nobody: the alert goes to the team's
// next step at once (through the signed status callback), not after the ACK timeout.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone, randomSid } from '../support/factories.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { routeReport } from '../../src/reports/dispatch.js';
import { createEscalationJob } from '../../src/reports/escalation-job.js';
import { recordSendResult } from '../../src/outbox/record-result.js';
import type { ClaimedRow } from '../../src/outbox/claim.js';
import type { TeamContact } from '../../src/generated/prisma/client.js';

const MIN = 60_000;
const suffix = Math.random().toString(36).slice(2, 8);
let t: TestApp;
let first: TeamContact; // position 0: gets the alert
let second: TeamContact; // position 1: the next contact
let notified = 0;

beforeAll(async () => {
  t = await createTestApp();
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  const p = t.ctx.prisma;
  const team = await p.clearanceTeam.create({ data: { name: `BM ${suffix}`, coverages: { create: [{ pcode: '01' }] } } });
  first = await p.teamContact.create({ data: { teamId: team.id, name: 'Sokha', phone: randomKhPhone(), language: 'km', position: 0 } });
  second = await p.teamContact.create({ data: { teamId: team.id, name: 'Jane', phone: randomKhPhone(), language: 'en', position: 1 } });
  t.ctx.outbox = { notify: () => void notified++ };
});
afterAll(() => t.close());
beforeEach(async () => {
  t.clock.set(new Date());
  await t.ctx.prisma.alert.updateMany({ where: { state: 'open' }, data: { state: 'closed', nextEscalationAt: null } });
});

/** A routed report whose alert SMS the provider has accepted (status sent, with a SID). */
async function sentAlert() {
  const p = t.ctx.prisma;
  const report = await p.hazardReport.create({
    data: {
      status: 'triaged', priority: 'normal', deviceClass: 'uxo', originalText: 'គ្រាប់បែកនៅជិតសាលា', reporterPhone: randomKhPhone(), locale: 'km',
      districtPcode: '0102', adminPcode: '0102', provincePcode: '01', createdAt: t.clock.now(),
    },
  });
  const { alertId } = await p.$transaction((tx) => routeReport(t.ctx, tx, report));
  const row = await markSent((await p.outboxMessage.findFirstOrThrow({ where: { alertId: alertId!, kind: 'alert' } })).id);
  return { report, alertId: alertId!, row, t0: t.clock.now().getTime() };
}

async function markSent(id: number) {
  return t.ctx.prisma.outboxMessage.update({ where: { id }, data: { status: 'sent', providerId: randomSid(), sentAt: t.clock.now() } });
}

const callback = (row: { id: number; providerId: string | null }, status: string, errorCode = '') =>
  t.postTwilio(`/webhooks/twilio/status?o=${row.id}`, { MessageSid: row.providerId!, MessageStatus: status, ErrorCode: errorCode, AccountSid: `AC${'0'.repeat(32)}` }).expect(204);

const stepsOf = (alertId: number) =>
  t.ctx.prisma.outboxMessage.findMany({ where: { alertId, kind: { in: ['escalation', 'call'] } }, orderBy: { id: 'asc' } });
const alertOf = (id: number) => t.ctx.prisma.alert.findUniqueOrThrow({ where: { id } });

describe('alert SMS undelivered', () => {
  it('when the alert SMS to contact 1 is undelivered (30003), then an SMS to contact 2 is queued at once, and an ACK stops it as before', async () => {
    const { report, alertId, row, t0 } = await sentAlert();
    t.clock.set(new Date(t0 + 1 * MIN));
    const before = notified;

    await callback(row, 'undelivered', '30003');

    const steps = await stepsOf(alertId);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: 'escalation', channel: 'sms', recipient: second.phone, status: 'pending', dedupeKey: `escalation:${alertId}:1` });
    expect(steps[0]!.body).toContain(`#${report.id}`);
    expect(await alertOf(alertId)).toMatchObject({ state: 'open', step: 1, nextEscalationAt: new Date(t0 + 16 * MIN) });
    expect(notified).toBeGreaterThan(before);
    const event = await t.ctx.prisma.reportEvent.findFirstOrThrow({ where: { reportId: report.id, kind: 'escalation' } });
    expect(event.note).toBe(`SMS undelivered (30003): step 1, SMS to contact ${second.id}`);

    // Contact 2 acknowledges: nothing more is sent, by the job or by a late callback.
    await t.postTwilio('/webhooks/twilio/sms', inboundSms(second.phone, `ACK ${report.id}`)).expect(200);
    await t.inbound.drain();
    expect(await alertOf(alertId)).toMatchObject({ state: 'acknowledged', nextEscalationAt: null });
    expect(await createEscalationJob(t.ctx).run(new Date(t0 + 60 * MIN))).toMatchObject({ escalated: 0 });
    await callback(await markSent(steps[0]!.id), 'failed', '30008');
    expect(await stepsOf(alertId)).toHaveLength(1);
  });

  it('when Twilio repeats the undelivered callback, then the alert moves on one step only', async () => {
    const { alertId, row } = await sentAlert();

    await callback(row, 'undelivered', '30003');
    await callback(row, 'undelivered', '30003');
    await callback(row, 'failed', '30008');

    expect(await stepsOf(alertId)).toHaveLength(1);
    expect((await alertOf(alertId)).step).toBe(1);
  });

  it('when the escalation SMS to contact 2 fails too (30008), then the call to contact 1 is queued at once', async () => {
    const { alertId, row } = await sentAlert();
    await callback(row, 'undelivered', '30003');
    const [sms] = await stepsOf(alertId);

    await callback(await markSent(sms!.id), 'failed', '30008');

    const steps = await stepsOf(alertId);
    expect(steps.map((s) => [s.kind, s.recipient])).toEqual([['escalation', second.phone], ['call', first.phone]]);
    expect((await alertOf(alertId)).step).toBe(2);
  });

  it('when an earlier step fails after the alert has moved on, then nothing more happens', async () => {
    const { alertId, row, t0 } = await sentAlert();
    await createEscalationJob(t.ctx).run(new Date(t0 + 15 * MIN));
    expect((await alertOf(alertId)).step).toBe(1);

    await callback(row, 'undelivered', '30003');

    expect(await stepsOf(alertId)).toHaveLength(1);
    expect((await alertOf(alertId)).step).toBe(1);
  });

  it('when the alert SMS is delivered, then the alert waits for the ACK timeout as before', async () => {
    const { alertId, row, t0 } = await sentAlert();

    await callback(row, 'delivered');

    expect(await stepsOf(alertId)).toHaveLength(0);
    expect(await alertOf(alertId)).toMatchObject({ step: 0, nextEscalationAt: new Date(t0 + 15 * MIN) });
  });

  it('when the send itself fails for good (invalid number), then the alert moves on at once as well', async () => {
    const { alertId, row } = await sentAlert();
    await t.ctx.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: 'sending', providerId: null } });
    const claimed: ClaimedRow = { ...row, status: undefined } as unknown as ClaimedRow;

    await recordSendResult(
      t.ctx.prisma,
      claimed,
      { ok: false, error: { kind: 'invalid_number', code: '21211', message: "The 'To' number is not a valid phone number." } },
      { maxAttempts: 5, retryBaseMs: 1000, retryMaxMs: 60_000 },
      t.clock.now(),
    );

    expect(await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed' });
    expect((await stepsOf(alertId)).map((s) => s.recipient)).toEqual([second.phone]);
  });
});
