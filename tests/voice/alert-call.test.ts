// The escalation call: the fake Twilio answers the contact's phone (a person or a machine), our answer URL
// reads the alert and "press 1 to acknowledge"; pressing 1 is ACK n by SMS exactly and stops escalation.
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone, randomSid } from '../support/factories.js';
import { createOutboxFake, createTestDispatcher, fakeTransport } from '../support/outbox.js';
import { findAll, twimlOf } from '../support/voice-xml.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { routeReport } from '../../src/reports/dispatch.js';
import { createEscalationJob } from '../../src/reports/escalation-job.js';
import type { TeamContact } from '../../src/generated/prisma/client.js';

const MIN = 60_000;
const BASE = 'https://hazardline.test';
const suffix = Math.random().toString(36).slice(2, 8);
let t: TestApp;
const fake = createOutboxFake({
  deliver: async (cb) => {
    const r = await request(t.app).post(cb.path).type('form').set('X-Twilio-Signature', cb.signature).send(cb.params);
    return { status: r.status, text: r.text };
  },
});
let first: TeamContact;
let second: TeamContact;

beforeAll(async () => {
  await fake.start();
  t = await createTestApp();
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  const p = t.ctx.prisma;
  const team = await p.clearanceTeam.create({ data: { name: `BM ${suffix}`, coverages: { create: [{ pcode: '01' }] } } });
  first = await p.teamContact.create({ data: { teamId: team.id, name: 'Dara', phone: randomKhPhone(), language: 'en', position: 0 } });
  second = await p.teamContact.create({ data: { teamId: team.id, name: 'Jane', phone: randomKhPhone(), language: 'en', position: 1 } });
});
beforeEach(async () => {
  t.clock.set(new Date());
  await t.ctx.prisma.alert.updateMany({ where: { state: 'open' }, data: { state: 'closed', nextEscalationAt: null } });
});
afterEach(() => fake.clear());
afterAll(async () => {
  await fake.close();
  await t.close();
});

/** A routed report whose alert has been escalated to step 2 (the call to the first contact), call placed. */
async function escalatedToCall() {
  const p = t.ctx.prisma;
  const reporter = await p.subscriber.create({ data: { phone: randomKhPhone(), language: 'km', status: 'active' } });
  const report = await p.hazardReport.create({
    data: {
      status: 'triaged', priority: 'normal', deviceClass: 'uxo', originalText: 'UXO near the school', reporterPhone: reporter.phone,
      reporterId: reporter.id, locale: 'km', districtPcode: '0102', adminPcode: '0102', provincePcode: '01', createdAt: t.clock.now(),
    },
  });
  const routed = await p.$transaction((tx) => routeReport(t.ctx, tx, report));
  const alertId = routed.alertId!;
  const t0 = t.clock.now().getTime();
  const job = createEscalationJob(t.ctx);
  await job.run(new Date(t0 + 15 * MIN));
  await job.run(new Date(t0 + 30 * MIN));
  const call = await p.outboxMessage.findFirstOrThrow({ where: { alertId, kind: 'call' } });
  expect(call).toMatchObject({ recipient: first.phone, callUrl: '/webhooks/twilio/voice/out/answer', machineDetection: 'DetectMessageEnd' });
  await p.outboxMessage.updateMany({ where: { alertId, status: 'pending' }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
  await createTestDispatcher(p, fakeTransport(fake)).drain();
  await fake.settled();
  expect(fake.callbackErrors).toEqual([]);
  return { report, alertId, call, job, t0 };
}

const sidOf = (phone: string) => fake.calls().find((c) => c.params.To === phone)!.sid!;

describe('an escalation call', () => {
  it('when the contact answers and presses 1, then the report is acknowledged exactly like ACK n by SMS and escalation stops', async () => {
    fake.answerCalls(first.phone, 'human');
    const { report, alertId, call, job, t0 } = await escalatedToCall();

    const fetched = fake.callWebhooks.find((w) => w.url.includes('/voice/out/answer'))!;
    expect(fetched.params.AnsweredBy).toBe('human');
    const { verbs, names } = twimlOf(fetched.text);
    expect(names).toEqual(['Say', 'Pause', 'Say', 'Gather', 'Say', 'Hangup']);
    expect(verbs[0]!.text).toContain(String(report.id));
    expect(verbs[3]!.attrs).toMatchObject({ action: `${BASE}/webhooks/twilio/voice/out/menu?o=${call.id}`, numDigits: '1' });
    expect(findAll(verbs[3]!, 'Say')[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:ackMenu', { number: report.id }));

    // Twilio posts the key from the contact's call; the caller ID plays no part (the row says who was called).
    const res = await t.postTwilio(`/webhooks/twilio/voice/out/menu?o=${call.id}`, { CallSid: sidOf(first.phone), Digits: '1', From: '+15005550006', To: first.phone }).expect(200);
    const confirmed = twimlOf(res.text);
    expect(confirmed.names).toEqual(['Say', 'Hangup']);
    expect(confirmed.verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:ackConfirmed', { number: report.id }));

    const p = t.ctx.prisma;
    expect(await p.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ status: 'acknowledged' });
    expect(await p.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'acknowledged', nextEscalationAt: null, acknowledgedBy: `team:${first.teamId}/contact:${first.id}` });
    const event = await p.reportEvent.findFirstOrThrow({ where: { reportId: report.id, kind: 'status', toStatus: 'acknowledged' } });
    expect(event).toMatchObject({ actor: `team:${first.teamId}/contact:${first.id}`, details: { via: 'voice', command: 'ack' } });
    // The reporter is told, as after an SMS ACK; the fallback step never comes.
    expect(await p.outboxMessage.count({ where: { reportId: report.id, kind: 'report_update' } })).toBe(1);
    expect(await job.run(new Date(t0 + 60 * MIN))).toMatchObject({ escalated: 0 });
    expect(await p.outboxMessage.count({ where: { alertId, kind: 'escalation', recipient: { not: second.phone } } })).toBe(0);
    expect(await p.outboxMessage.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ menuChoice: '1', answeredBy: 'human' });

    // Twilio retrying the same post acknowledges nothing twice and still confirms.
    const again = await t.postTwilio(`/webhooks/twilio/voice/out/menu?o=${call.id}`, { CallSid: sidOf(first.phone), Digits: '1' }).expect(200);
    expect(twimlOf(again.text).verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:ackConfirmed', { number: report.id }));
    expect(await p.reportEvent.count({ where: { reportId: report.id, toStatus: 'acknowledged' } })).toBe(1);
  });

  it('when the contact presses another key or nothing, then the prompt is repeated twice, then "text ACK n", and nothing is acknowledged', async () => {
    fake.answerCalls(first.phone, 'human');
    const { report, call } = await escalatedToCall();
    const menu = (digits: string, q = '') => t.postTwilio(`/webhooks/twilio/voice/out/menu?o=${call.id}${q}`, { CallSid: sidOf(first.phone), Digits: digits });
    const wrong = twimlOf((await menu('7').expect(200)).text);
    expect(wrong.names).toEqual(['Say', 'Gather', 'Say', 'Hangup']);
    expect(wrong.verbs[1]!.attrs.action).toBe(`${BASE}/webhooks/twilio/voice/out/menu?o=${call.id}&t=1&r=0`);
    const last = twimlOf((await menu('', '&t=2').expect(200)).text);
    expect(last.names).toEqual(['Say', 'Hangup']);
    expect(last.verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:ackBySms', { number: report.id }));
    expect(await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ status: 'dispatched' });
  });

  it('when an answering machine takes the call, then the alert is left on it and escalation moves on at once', async () => {
    fake.answerCalls(first.phone, 'machine');
    const { alertId } = await escalatedToCall();
    const fetched = fake.callWebhooks.find((w) => w.url.includes('/voice/out/answer'))!;
    expect(fetched.params.AnsweredBy).toBe('machine_end_beep');
    const { names, verbs } = twimlOf(fetched.text);
    expect(names).toEqual(['Say', 'Pause', 'Say', 'Say', 'Hangup']);
    expect(findAll(twimlOf(fetched.text).root, 'Gather')).toHaveLength(0);
    expect(verbs[3]!.text).toContain('A C K');
    // Step 3 (the fallback) was taken without waiting for the ACK timeout.
    const alert = await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } });
    expect(alert.step).toBe(3);
    const history = await t.ctx.prisma.reportEvent.findMany({ where: { reportId: alert.reportId, kind: 'escalation' }, orderBy: { id: 'asc' } });
    expect(history.at(-1)!.note).toMatch(/^call undelivered/);
  });

  it('when the menu post names an alert call but another call\'s SID, then nothing is acknowledged', async () => {
    fake.answerCalls(first.phone, 'human');
    const { report, call } = await escalatedToCall();
    const res = await t.postTwilio(`/webhooks/twilio/voice/out/menu?o=${call.id}`, { CallSid: randomSid('CA'), Digits: '1' }).expect(200);
    expect(twimlOf(res.text).verbs[0]!.text).toBe(t.ctx.i18n.t('en', 'voice:unavailable'));
    expect(await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ status: 'dispatched' });
  });
});
