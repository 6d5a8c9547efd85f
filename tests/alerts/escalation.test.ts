import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { onPostgres } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { routeReport } from '../../src/reports/dispatch.js';
import { createEscalationJob } from '../../src/reports/escalation-job.js';
import { sayTwiml as callTwiml } from '../../src/messaging/twiml.js';
import { handleTeamCommand } from '../../src/reports/team-commands.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { ReportPriority } from '../../src/generated/prisma/enums.js';
import type { TeamContact } from '../../src/generated/prisma/client.js';

const MIN = 60_000;
const suffix = Math.random().toString(36).slice(2, 8);

async function seedGazetteer(t: TestApp) {
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
}

/** A triaged report from a Khmer-speaking subscriber, created and routed at the test clock's time. */
async function routedReport(t: TestApp, opts: { priority?: ReportPriority; district?: string } = {}) {
  const p = t.ctx.prisma;
  const district = opts.district ?? '0102';
  const reporter = await p.subscriber.create({ data: { phone: randomKhPhone(), language: 'km', status: 'active' } });
  const report = await p.hazardReport.create({
    data: {
      status: 'triaged',
      priority: opts.priority ?? 'normal',
      deviceClass: 'uxo',
      originalText: 'គ្រាប់បែកនៅជិតសាលា',
      reporterPhone: reporter.phone,
      reporterId: reporter.id,
      locale: 'km',
      districtPcode: district,
      adminPcode: district,
      provincePcode: district.slice(0, 2),
      createdAt: t.clock.now(),
    },
  });
  const routed = await p.$transaction((tx) => routeReport(t.ctx, tx, report));
  return { report, alertId: routed.alertId!, t0: t.clock.now().getTime() };
}

const rowsOf = (t: TestApp, alertId: number) =>
  t.ctx.prisma.outboxMessage.findMany({ where: { alertId, kind: { in: ['escalation', 'call'] } }, orderBy: { id: 'asc' } });

describe('escalation with a fallback team', () => {
  let t: TestApp;
  let km: TeamContact; // position 0: gets the alert and, later, the call
  let en: TeamContact; // position 1: the "next contact"
  let fallback: TeamContact;
  let job: ReturnType<typeof createEscalationJob>;

  beforeAll(async () => {
    t = await createTestApp();
    await seedGazetteer(t);
    const p = t.ctx.prisma;
    const team = await p.clearanceTeam.create({ data: { name: `BM ${suffix}`, coverages: { create: [{ pcode: '01' }] } } });
    // Created out of position order on purpose: the escalation follows `position`, not ids.
    en = await p.teamContact.create({ data: { teamId: team.id, name: 'Jane', phone: randomKhPhone(), language: 'en', position: 1 } });
    km = await p.teamContact.create({ data: { teamId: team.id, name: 'Sokha', phone: randomKhPhone(), language: 'km', position: 0 } });
    const fb = await p.clearanceTeam.create({ data: { name: `Coordination ${suffix}`, isFallback: true } });
    fallback = await p.teamContact.create({ data: { teamId: fb.id, name: 'Vanna', phone: randomKhPhone(), language: 'km', position: 0 } });
    job = createEscalationJob(t.ctx);
  });
  afterAll(() => t.close());
  // Alerts of earlier tests must not take part in later runs' counts. The clock goes back to the wall clock
  // because routeReport leaves alerts.created_at to the database default (the "no ACK for N min" counts from it).
  beforeEach(async () => {
    t.clock.set(new Date());
    await t.ctx.prisma.alert.updateMany({ where: { state: 'open' }, data: { state: 'closed', nextEscalationAt: null } });
  });

  it('is a job as data on the configured cron', () => {
    expect(job.name).toBe('escalate-alerts');
    expect(job.schedule).toBe(t.ctx.config.reports.escalationCron);
  });

  it('when nobody ACKs, then next contact SMS → call to the first contact in English → fallback SMS, one step per interval', async () => {
    const { report, alertId, t0 } = await routedReport(t);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ contactId: km.id, step: 0 });

    expect(await job.run(new Date(t0 + 14 * MIN))).toMatchObject({ escalated: 0 });
    expect(await rowsOf(t, alertId)).toHaveLength(0);

    // Step 1: the next contact by position, with the "no ACK for 15 min" prefix in their language.
    expect(await job.run(new Date(t0 + 15 * MIN))).toMatchObject({ escalated: 1 });
    let rows = await rowsOf(t, alertId);
    expect(rows).toHaveLength(1);
    const prefix = t.ctx.i18n.t('en', 'teams:escalation', { minutes: 15 });
    expect(rows[0]).toMatchObject({ kind: 'escalation', channel: 'sms', recipient: en.phone, locale: 'en', priority: 10, reportId: report.id, status: 'pending', dedupeKey: `escalation:${alertId}:1` });
    expect(rows[0]!.body.startsWith(prefix)).toBe(true);
    expect(rows[0]!.body).toContain(`#${report.id}`);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({
      state: 'open', step: 1, nextEscalationAt: new Date(t0 + 30 * MIN),
    });

    // Not yet due again.
    expect(await job.run(new Date(t0 + 29 * MIN))).toMatchObject({ escalated: 0 });

    // Step 2: a call to the first contact; Khmer has no Twilio voice, so the call is read in English.
    await job.run(new Date(t0 + 30 * MIN));
    rows = await rowsOf(t, alertId);
    expect(rows).toHaveLength(2);
    const call = rows[1]!;
    expect(call).toMatchObject({ kind: 'call', channel: 'voice', recipient: km.phone, locale: 'en', priority: 10, dedupeKey: `escalation:${alertId}:2` });
    expect(call.body).toMatch(/^<\?xml[^>]*\?><Response><Say language="en-US" voice="Polly\.Joanna">[^<]+<\/Say><Pause length="1"\/><Say language="en-US" voice="Polly\.Joanna">[^<]+<\/Say><\/Response>$/);
    expect(call.body).toContain(`Urgent alert number ${report.id}`);
    expect(call.body).toContain('Mongkol Borey');
    expect(call.body).toContain('30 minutes');

    // Step 3: the fallback team's first contact.
    await job.run(new Date(t0 + 45 * MIN));
    rows = await rowsOf(t, alertId);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ kind: 'escalation', recipient: fallback.phone, locale: 'km', dedupeKey: `escalation:${alertId}:3` });
    expect(rows[2]!.body.startsWith(t.ctx.i18n.t('km', 'teams:escalation', { minutes: 45 }))).toBe(true);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'open', step: 3, nextEscalationAt: null });

    // Nothing more, ever; the alert stays open so a late ACK still counts.
    await job.run(new Date(t0 + 120 * MIN));
    expect(await rowsOf(t, alertId)).toHaveLength(3);

    const events = await t.ctx.prisma.reportEvent.findMany({ where: { reportId: report.id, kind: 'escalation' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.note)).toEqual([
      `no ACK after 15 min: step 1, SMS to contact ${en.id}`,
      `no ACK after 30 min: step 2, call to contact ${km.id}`,
      `no ACK after 45 min: step 3, SMS to fallback team ${fallback.teamId} contact ${fallback.id}`,
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ actor: 'system', actorType: 'system' });
      expect(JSON.stringify(e)).not.toMatch(/\+855/);
    }
    expect(events.map((e) => e.at.getTime())).toEqual([t0 + 15 * MIN, t0 + 30 * MIN, t0 + 45 * MIN]);

    const contact = await t.ctx.prisma.teamContact.findUniqueOrThrow({ where: { id: km.id }, include: { team: true } });
    const late = await t.ctx.prisma.$transaction((tx) => handleTeamCommand(t.ctx, tx, contact, { kind: 'ack', reportId: report.id, note: null }));
    expect(late.handledAs).toBe('team:ack');
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).state).toBe('acknowledged');
  });

  it('when someone ACKs after step 1, then later runs send nothing and the pending escalation SMS is cancelled', async () => {
    const { report, alertId, t0 } = await routedReport(t);
    await job.run(new Date(t0 + 15 * MIN));
    expect(await rowsOf(t, alertId)).toHaveLength(1);

    const contact = await t.ctx.prisma.teamContact.findUniqueOrThrow({ where: { id: en.id }, include: { team: true } });
    t.clock.set(new Date(t0 + 17 * MIN));
    await t.ctx.prisma.$transaction((tx) => handleTeamCommand(t.ctx, tx, contact, { kind: 'ack', reportId: report.id, note: null }));

    expect(await job.run(new Date(t0 + 30 * MIN))).toMatchObject({ escalated: 0 });
    expect(await job.run(new Date(t0 + 45 * MIN))).toMatchObject({ escalated: 0 });
    const rows = await rowsOf(t, alertId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'escalation', status: 'cancelled' });
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'acknowledged', step: 1, nextEscalationAt: null });
  });

  it('when the report is critical, then it escalates after 5 minutes and every 5 minutes after', async () => {
    const { alertId, t0 } = await routedReport(t, { priority: 'critical' });
    await job.run(new Date(t0 + 4 * MIN));
    expect(await rowsOf(t, alertId)).toHaveLength(0);
    await job.run(new Date(t0 + 5 * MIN));
    const rows = await rowsOf(t, alertId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body.startsWith(t.ctx.i18n.t('en', 'teams:escalation', { minutes: 5 }))).toBe(true);
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).nextEscalationAt).toEqual(new Date(t0 + 10 * MIN));
    await job.run(new Date(t0 + 10 * MIN));
    expect((await rowsOf(t, alertId)).map((r) => r.kind)).toEqual(['escalation', 'call']);
  });

  it('when run() runs twice at the same time, then each step is queued once', async () => {
    const { report, alertId, t0 } = await routedReport(t);
    const at = new Date(t0 + 15 * MIN);

    const results = await Promise.all([job.run(at), job.run(at)]);

    expect(results.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    expect(await rowsOf(t, alertId)).toHaveLength(1);
    expect(await t.ctx.prisma.reportEvent.count({ where: { reportId: report.id, kind: 'escalation' } })).toBe(1);
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).step).toBe(1);
  });

  it.runIf(onPostgres)('when two instances run at the same time on one PostgreSQL, then each step is queued once', async () => {
    const other = await t.testDb.openAnother();
    const ctx2 = buildContext(testConfig({ INSTANCE_ID: 'second' }), other, { clock: t.clock, log: createLogger('silent') });
    const job2 = createEscalationJob(ctx2);
    const alerts = await Promise.all([routedReport(t), routedReport(t), routedReport(t)]);
    const at = new Date(Math.max(...alerts.map((a) => a.t0)) + 15 * MIN);

    const results = await Promise.all([job.run(at), job2.run(at), job.run(at), job2.run(at)]);

    expect(results.reduce((n, r) => n + r.escalated, 0)).toBe(3);
    for (const a of alerts) expect(await rowsOf(t, a.alertId)).toHaveLength(1);
  });

  it('when the report was closed without an ACK, then its alert is closed and nothing is sent', async () => {
    const { report, alertId, t0 } = await routedReport(t);
    await t.ctx.prisma.hazardReport.update({ where: { id: report.id }, data: { status: 'false_alarm', closedAt: new Date(t0 + MIN) } });

    expect(await job.run(new Date(t0 + 15 * MIN))).toMatchObject({ escalated: 0, closed: 1 });

    expect(await rowsOf(t, alertId)).toHaveLength(0);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'closed', nextEscalationAt: null });
  });

  it('when the report was taken on without an SMS ACK (e.g. through the API), then its alert is settled and nothing is sent', async () => {
    const { report, alertId, t0 } = await routedReport(t);
    await t.ctx.prisma.hazardReport.update({ where: { id: report.id }, data: { status: 'tasked' } });

    expect(await job.run(new Date(t0 + 15 * MIN))).toMatchObject({ escalated: 0, closed: 1 });

    expect(await rowsOf(t, alertId)).toHaveLength(0);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'acknowledged', nextEscalationAt: null });
  });

  it('when one alert cannot be escalated, then it is rolled back alone and the others still go out', async () => {
    const good = await routedReport(t);
    // An alert whose SMS cannot be built (a place text far over the 1,600-character SMS limit).
    const bad = await t.ctx.prisma.hazardReport.create({
      data: { status: 'dispatched', originalText: 'x', reporterPhone: randomKhPhone(), locationText: 'far away '.repeat(300), createdAt: new Date(good.t0) },
    });
    const badAlert = await t.ctx.prisma.alert.create({
      data: { reportId: bad.id, teamId: km.teamId, contactId: km.id, nextEscalationAt: new Date(good.t0 + 15 * MIN - 1) },
    });

    expect(await job.run(new Date(good.t0 + 15 * MIN))).toMatchObject({ escalated: 1 });

    expect(await rowsOf(t, good.alertId)).toHaveLength(1);
    expect(await rowsOf(t, badAlert.id)).toHaveLength(0);
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: badAlert.id } })).toMatchObject({ state: 'open', step: 0 });
    expect(await t.ctx.prisma.reportEvent.count({ where: { reportId: bad.id, kind: 'escalation' } })).toBe(0);
  });

  it('when a report waits for its place longer than the dialogue wait, then it is routed without it', async () => {
    const p = t.ctx.prisma;
    const t0 = t.clock.now().getTime();
    const report = await p.hazardReport.create({
      data: {
        status: 'triaged', originalText: 'មានមីន', reporterPhone: randomKhPhone(), locale: 'km', createdAt: new Date(t0),
        dialogueState: 'awaiting_location', questionsAsked: 1, dialogueUntil: new Date(t0 + 24 * 60 * MIN),
      },
    });
    const wait = t.ctx.config.reports.dialogueWaitMinutes;

    expect(await job.run(new Date(t0 + (wait - 1) * MIN))).toMatchObject({ routed: 0 });
    expect((await p.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).dialogueState).toBe('awaiting_location');

    expect(await job.run(new Date(t0 + wait * MIN))).toMatchObject({ routed: 1 });
    const after = await p.hazardReport.findUniqueOrThrow({ where: { id: report.id } });
    // No place, so no covering team: the fallback team has it.
    expect(after).toMatchObject({ dialogueState: null, status: 'dispatched', teamId: fallback.teamId });
    const alert = await p.alert.findFirstOrThrow({ where: { reportId: report.id } });
    expect(alert).toMatchObject({ contactId: fallback.id, nextEscalationAt: new Date(t0 + (wait + 15) * MIN) });
    expect(await p.outboxMessage.count({ where: { alertId: alert.id, kind: 'alert' } })).toBe(1);

    // Routed once: a second run does not route it again.
    expect(await job.run(new Date(t0 + (wait + 1) * MIN))).toMatchObject({ routed: 0 });
    expect(await p.alert.count({ where: { reportId: report.id } })).toBe(1);
  });
});

describe('escalation with FALLBACK_COORDINATOR_PHONE and a one-contact team', () => {
  const coordinator = randomKhPhone();
  let t: TestApp;
  let es: TeamContact;

  beforeAll(async () => {
    t = await createTestApp({ FALLBACK_COORDINATOR_PHONE: coordinator, ALERT_ACK_MINUTES: '10' });
    await seedGazetteer(t);
    const team = await t.ctx.prisma.clearanceTeam.create({ data: { name: `Solo ${suffix}`, coverages: { create: [{ pcode: '0103' }] } } });
    es = await t.ctx.prisma.teamContact.create({ data: { teamId: team.id, name: 'María', phone: randomKhPhone(), language: 'es', position: 0 } });
  });
  afterAll(() => t.close());

  it('when there is no next contact, then the call comes first (in Spanish), then the coordinator SMS', async () => {
    const { alertId, t0 } = await routedReport(t, { district: '0103' });
    const job = createEscalationJob(t.ctx);

    await job.run(new Date(t0 + 10 * MIN));
    let rows = await rowsOf(t, alertId);
    expect(rows.map((r) => [r.kind, r.recipient])).toEqual([['call', es.phone]]);
    expect(rows[0]!.body).toContain('<Say language="es-MX" voice="Polly.Mia">');
    expect(rows[0]!.body).toContain('Le habla Hazardline');
    expect(rows[0]!.dedupeKey).toBe(`escalation:${alertId}:2`);
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).step).toBe(2);

    await job.run(new Date(t0 + 20 * MIN));
    rows = await rowsOf(t, alertId);
    expect(rows.map((r) => [r.kind, r.recipient])).toEqual([['call', es.phone], ['escalation', coordinator]]);
    expect(rows[1]!.body.startsWith(t.ctx.i18n.t('en', 'teams:escalation', { minutes: 20 }))).toBe(true);
    const events = await t.ctx.prisma.reportEvent.findMany({ where: { kind: 'escalation', details: { path: ['alertId'], equals: alertId } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.note)).toEqual([
      `no ACK after 10 min: step 2, call to contact ${es.id}`,
      'no ACK after 20 min: step 3, SMS to fallback coordinator',
    ]);
  });

  it('callTwiml reads a text twice, escaped, with a voice only where Twilio has one', () => {
    expect(callTwiml('Mine at "Ou Thum" & more', 'lo')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" voice="Polly.Joanna">Mine at "Ou Thum" &amp; more</Say>' +
        '<Pause length="1"/><Say language="en-US" voice="Polly.Joanna">Mine at "Ou Thum" &amp; more</Say></Response>',
    );
    expect(callTwiml('Hola', 'es')).toContain('<Say language="es-MX" voice="Polly.Mia">Hola</Say>');
  });
});
