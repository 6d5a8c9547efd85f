import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { routeReport } from '../../src/reports/dispatch.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import {
  asciiDigits,
  findTeamContact,
  handleTeamCommand,
  parseTeamCommand,
  type TeamCommand,
  type TeamContactWithTeam,
} from '../../src/reports/team-commands.js';
import type { ReportPriority } from '../../src/generated/prisma/enums.js';

let t: TestApp;
let team: { id: number; name: string };
let kmContact: TeamContactWithTeam; // position 0: receives the alert
let enContact: TeamContactWithTeam; // position 1
let otherTeam: { id: number; name: string };
let otherContact: TeamContactWithTeam;
let fallbackContact: TeamContactWithTeam;

const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  t = await createTestApp();
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  const p = t.ctx.prisma;
  team = await p.clearanceTeam.create({ data: { name: `Banteay Meanchey ${suffix}`, coverages: { create: [{ pcode: '01' }] } } });
  const km = await p.teamContact.create({ data: { teamId: team.id, name: 'Sokha', phone: randomKhPhone(), language: 'km', position: 0 } });
  const en = await p.teamContact.create({ data: { teamId: team.id, name: 'Jane', phone: randomKhPhone(), language: 'en', position: 1 } });
  otherTeam = await p.clearanceTeam.create({ data: { name: `Battambang ${suffix}`, coverages: { create: [{ pcode: '02' }] } } });
  const other = await p.teamContact.create({ data: { teamId: otherTeam.id, name: 'Dara', phone: randomKhPhone(), language: 'en', position: 0 } });
  const fb = await p.clearanceTeam.create({ data: { name: `Coordination ${suffix}`, isFallback: true } });
  const fbc = await p.teamContact.create({ data: { teamId: fb.id, name: 'Lucía', phone: randomKhPhone(), language: 'es', position: 0 } });
  const withTeam = (id: number) => p.teamContact.findUniqueOrThrow({ where: { id }, include: { team: true } });
  [kmContact, enContact, otherContact, fallbackContact] = await Promise.all([withTeam(km.id), withTeam(en.id), withTeam(other.id), withTeam(fbc.id)]);
});
afterAll(() => t.close());

/** A triaged report in Mongkol Borey from a Khmer-speaking subscriber, routed like intake routes it. */
async function routedReport(opts: { priority?: ReportPriority; district?: string } = {}) {
  const p = t.ctx.prisma;
  const district = opts.district ?? '0102';
  const reporter = await p.subscriber.create({ data: { phone: randomKhPhone(), language: 'km', status: 'active' } });
  const report = await p.hazardReport.create({
    data: {
      status: 'triaged',
      priority: opts.priority ?? 'normal',
      deviceClass: 'ap_mine',
      originalText: 'មានមីននៅវាលស្រែ',
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
  return { report, reporter, alertId: routed.alertId! };
}

const run = (contact: TeamContactWithTeam, cmd: TeamCommand) =>
  t.ctx.prisma.$transaction((tx) => handleTeamCommand(t.ctx, tx, contact, cmd));

const parse = (text: string) => {
  const kw = t.ctx.keywords.parse(text);
  if (!kw) throw new Error(`not a keyword: ${text}`);
  return parseTeamCommand(kw);
};

const reportOf = (id: number) => t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id } });
const updatesOf = (reportId: number) => t.ctx.prisma.outboxMessage.findMany({ where: { reportId, kind: 'report_update' }, orderBy: { id: 'asc' } });

describe('parseTeamCommand', () => {
  it('when a command carries a report number in any form, then the number is read', () => {
    expect(parse('ACK 12')).toEqual({ kind: 'ack', reportId: 12, note: null });
    expect(parse('ack #12')).toEqual({ kind: 'ack', reportId: 12, note: null });
    expect(parse('DONE 7 removed 2 AP mines')).toEqual({ kind: 'done', reportId: 7, note: 'removed 2 AP mines' });
    expect(parse('FALSE 8')).toEqual({ kind: 'false', reportId: 8, note: null });
    expect(parse('NOTFOUND 9')).toEqual({ kind: 'notfound', reportId: 9, note: null });
    expect(parse('NOTE 12 two more items 50 m north')).toEqual({ kind: 'note', reportId: 12, text: 'two more items 50 m north' });
    expect(parse('DUP 12 34')).toEqual({ kind: 'dup', reportId: 12, originalId: 34 });
    expect(parse('DUP #12 #34')).toEqual({ kind: 'dup', reportId: 12, originalId: 34 });
    expect(parse('DUPLICADO 12 de 34')).toEqual({ kind: 'dup', reportId: 12, originalId: 34 });
  });

  it('when the keyword and digits are Khmer or Lao, then the command and number are read', () => {
    expect(asciiDigits('០១២៣៤៥៦៧៨៩ ໐໑໒໓໔໕໖໗໘໙')).toBe('0123456789 0123456789');
    expect(parse('ទទួល ១២')).toEqual({ kind: 'ack', reportId: 12, note: null });
    expect(parse('ទទួល១២')).toEqual({ kind: 'ack', reportId: 12, note: null });
    expect(parse('រួចរាល់ #៤៥')).toEqual({ kind: 'done', reportId: 45, note: null });
    expect(parse('ស្ទួន ១២ ៣៤')).toEqual({ kind: 'dup', reportId: 12, originalId: 34 });
    expect(parse('ຮັບແລ້ວ ໑໒')).toEqual({ kind: 'ack', reportId: 12, note: null });
    expect(parse('ບັນທຶກ ໑໒ ມີລະເບີດອີກ')).toEqual({ kind: 'note', reportId: 12, text: 'ມີລະເບີດອີກ' });
  });

  it('when the number or the text a command needs is missing, then it is a usage error', () => {
    expect(parse('ACK')).toEqual({ error: 'usage' });
    expect(parse('ACK please')).toEqual({ error: 'usage' });
    expect(parse('DUP 12')).toEqual({ error: 'usage' });
    expect(parse('NOTE 12')).toEqual({ error: 'usage' });
    // A villager's "Note: there is a mine…" must stay a report.
    expect(parse('Note: there is a mine near the school')).toEqual({ error: 'usage' });
  });
});

describe('findTeamContact', () => {
  it('when the phone is an active contact, then it is returned with its team; otherwise null', async () => {
    const found = await t.ctx.prisma.$transaction((tx) => findTeamContact(tx, enContact.phone));
    expect(found).toMatchObject({ id: enContact.id, team: { id: team.id } });
    expect(await t.ctx.prisma.$transaction((tx) => findTeamContact(tx, randomKhPhone()))).toBeNull();

    const gone = await t.ctx.prisma.teamContact.create({ data: { teamId: team.id, name: 'Left', phone: randomKhPhone(), position: 9, active: false } });
    expect(await t.ctx.prisma.$transaction((tx) => findTeamContact(tx, gone.phone))).toBeNull();
  });
});

describe('ACK', () => {
  it('when the team ACKs, then the report, its alert and the reporter all learn it, and escalation stops', async () => {
    const { report, reporter, alertId } = await routedReport();
    // An escalation SMS queued but not yet sent must not go out after the ACK.
    const pending = await enqueue(t.ctx.prisma, { kind: 'escalation', to: enContact.phone, body: 'NO ACK', reportId: report.id, alertId, dedupeKey: `escalation:${alertId}:1` });
    t.clock.advance(3 * 60_000);
    const at = t.clock.now();

    const out = await run(kmContact, { kind: 'ack', reportId: report.id, note: null });

    expect(out).toEqual({ reply: t.ctx.i18n.t('km', 'teams:ackConfirmed', { number: report.id }), handledAs: 'team:ack', reportId: report.id });
    expect(out.reply).toMatch(/[\u1780-\u17ff]/);
    expect(await reportOf(report.id)).toMatchObject({ status: 'acknowledged', acknowledgedAt: at, teamId: team.id });
    const event = await t.ctx.prisma.reportEvent.findFirst({ where: { reportId: report.id, toStatus: 'acknowledged' } });
    expect(event).toMatchObject({ kind: 'status', fromStatus: 'dispatched', actor: `team:${team.id}/contact:${kmContact.id}`, actorType: 'team_contact', at });
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({
      state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: `team:${team.id}/contact:${kmContact.id}`, nextEscalationAt: null,
    });
    expect(await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: 'cancelled' });
    const updates = await updatesOf(report.id);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      recipient: reporter.phone, locale: 'km', status: 'pending', subscriberId: reporter.id,
      body: t.ctx.i18n.t('km', 'reports:acknowledged', { number: report.id }),
    });
  });

  it('when a second contact ACKs an acknowledged report, then it gets the same confirmation and the reporter no second message', async () => {
    const { report } = await routedReport();
    await run(kmContact, { kind: 'ack', reportId: report.id, note: null });

    const again = await run(enContact, { kind: 'ack', reportId: report.id, note: null });

    expect(again).toMatchObject({ reply: t.ctx.i18n.t('en', 'teams:ackConfirmed', { number: report.id }), handledAs: 'team:ack' });
    expect(await updatesOf(report.id)).toHaveLength(1);
    expect(await t.ctx.prisma.reportEvent.count({ where: { reportId: report.id, toStatus: 'acknowledged' } })).toBe(1);
  });

  it('when the report number does not exist, then the contact is told to check it, in their language', async () => {
    const out = await run(enContact, { kind: 'ack', reportId: 987_654, note: null });
    expect(out).toEqual({ reply: t.ctx.i18n.t('en', 'teams:unknownReport', { number: 987_654 }), handledAs: 'team:unknown_report', reportId: null });
    const huge = await run(kmContact, { kind: 'ack', reportId: 99_999_999_999, note: null });
    expect(huge.handledAs).toBe('team:unknown_report');
  });

  it("when another team's contact ACKs, then it is refused with the owning team's name and nothing changes", async () => {
    const { report, alertId } = await routedReport();

    const out = await run(otherContact, { kind: 'ack', reportId: report.id, note: null });

    expect(out).toEqual({ reply: t.ctx.i18n.t('en', 'teams:otherTeam', { number: report.id, team: team.name }), handledAs: 'team:other_team', reportId: report.id });
    expect(out.reply).toContain(team.name);
    expect((await reportOf(report.id)).status).toBe('dispatched');
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).state).toBe('open');
  });

  it('when the fallback coordinator ACKs any team\'s report, then it is accepted and stamped with the fallback team', async () => {
    const { report } = await routedReport();

    const out = await run(fallbackContact, { kind: 'ack', reportId: report.id, note: null });

    expect(out).toMatchObject({ reply: t.ctx.i18n.t('es', 'teams:ackConfirmed', { number: report.id }), handledAs: 'team:ack' });
    expect(await reportOf(report.id)).toMatchObject({ status: 'acknowledged', teamId: team.id });
    const event = await t.ctx.prisma.reportEvent.findFirstOrThrow({ where: { reportId: report.id, toStatus: 'acknowledged' } });
    expect(event.actor).toBe(`team:${fallbackContact.teamId}/contact:${fallbackContact.id}`);
  });
});

describe('DONE, FALSE, NOTFOUND', () => {
  it('when the team reports DONE, then the report is cleared, alerts closed, and the reporter thanked in Khmer', async () => {
    const { report, reporter, alertId } = await routedReport();
    await run(kmContact, { kind: 'ack', reportId: report.id, note: null });
    t.clock.advance(60 * 60_000);

    const out = await run(kmContact, { kind: 'done', reportId: report.id, note: 'removed 1 PMN-2' });

    expect(out).toEqual({
      reply: t.ctx.i18n.t('km', 'teams:statusChanged', { number: report.id, status: t.ctx.i18n.t('km', 'teams:status.cleared') }),
      handledAs: 'team:done',
      reportId: report.id,
    });
    expect(out.reply).toContain('បានសម្អាត');
    expect(await reportOf(report.id)).toMatchObject({ status: 'cleared', closedAt: t.clock.now() });
    expect(await t.ctx.prisma.reportEvent.findFirst({ where: { reportId: report.id, toStatus: 'cleared' } })).toMatchObject({
      fromStatus: 'acknowledged', actor: `team:${team.id}/contact:${kmContact.id}`, note: 'removed 1 PMN-2',
    });
    // The alert was acknowledged before; an outcome does not rewrite that.
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).state).toBe('acknowledged');
    const updates = await updatesOf(report.id);
    expect(updates.map((u) => u.body)).toEqual([
      t.ctx.i18n.t('km', 'reports:acknowledged', { number: report.id }),
      t.ctx.i18n.t('km', 'reports:cleared', { number: report.id }),
    ]);
    expect(updates[1]!.recipient).toBe(reporter.phone);
  });

  it('when the team reports FALSE without an ACK first, then the report is a false alarm, its open alert closed and escalation cancelled', async () => {
    const { report, alertId } = await routedReport();
    const call = await enqueue(t.ctx.prisma, { kind: 'call', to: kmContact.phone, body: '<Response/>', reportId: report.id, alertId, dedupeKey: `escalation:${alertId}:2` });

    const out = await run(enContact, { kind: 'false', reportId: report.id, note: null });

    expect(out.reply).toBe(t.ctx.i18n.t('en', 'teams:statusChanged', { number: report.id, status: 'false alarm' }));
    expect((await reportOf(report.id)).status).toBe('false_alarm');
    expect(await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: alertId } })).toMatchObject({ state: 'closed', nextEscalationAt: null });
    expect((await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { id: call.id } })).status).toBe('cancelled');
    expect((await updatesOf(report.id)).map((u) => u.body)).toEqual([t.ctx.i18n.t('km', 'reports:falseAlarm', { number: report.id })]);
  });

  it('when the team reports NOTFOUND, then the report is not_found and the reporter is asked to tell us if seen again', async () => {
    const { report } = await routedReport();
    const out = await run(fallbackContact, { kind: 'notfound', reportId: report.id, note: null });
    expect(out).toMatchObject({ handledAs: 'team:notfound', reply: t.ctx.i18n.t('es', 'teams:statusChanged', { number: report.id, status: 'no encontrado' }) });
    expect((await reportOf(report.id)).status).toBe('not_found');
    expect((await updatesOf(report.id)).map((u) => u.body)).toEqual([t.ctx.i18n.t('km', 'reports:notFound', { number: report.id })]);
  });

  it('when the lifecycle refuses the change, then the contact hears the current and the wanted status, and nothing changes', async () => {
    const { report } = await routedReport();
    await run(enContact, { kind: 'done', reportId: report.id, note: null });

    const out = await run(enContact, { kind: 'false', reportId: report.id, note: null });

    expect(out).toEqual({
      reply: t.ctx.i18n.t('en', 'teams:notAllowed', { number: report.id, status: 'cleared', to: 'false alarm' }),
      handledAs: 'team:not_allowed',
      reportId: report.id,
    });
    expect((await reportOf(report.id)).status).toBe('cleared');
    expect(await updatesOf(report.id)).toHaveLength(1);

    const ack = await run(kmContact, { kind: 'ack', reportId: report.id, note: null });
    expect(ack.reply).toBe(t.ctx.i18n.t('km', 'teams:notAllowed', {
      number: report.id, status: t.ctx.i18n.t('km', 'teams:status.cleared'), to: t.ctx.i18n.t('km', 'teams:status.acknowledged'),
    }));
  });
});

describe('DUP and NOTE', () => {
  it('when the team marks n a duplicate of m, then n is closed as duplicate pointing at m', async () => {
    const original = await routedReport();
    const dup = await routedReport();

    const out = await run(enContact, { kind: 'dup', reportId: dup.report.id, originalId: original.report.id });

    expect(out).toEqual({ reply: t.ctx.i18n.t('en', 'teams:statusChanged', { number: dup.report.id, status: 'duplicate' }), handledAs: 'team:dup', reportId: dup.report.id });
    expect(await reportOf(dup.report.id)).toMatchObject({ status: 'duplicate', duplicateOfId: original.report.id });
    expect((await t.ctx.prisma.alert.findUniqueOrThrow({ where: { id: dup.alertId } })).state).toBe('closed');
    expect((await reportOf(original.report.id)).status).toBe('dispatched');
  });

  it('when m is n itself, does not exist or is itself a duplicate, then a helpful reply and no change', async () => {
    const a = await routedReport();
    const b = await routedReport();
    const c = await routedReport();
    await run(enContact, { kind: 'dup', reportId: b.report.id, originalId: a.report.id });

    const self = await run(enContact, { kind: 'dup', reportId: c.report.id, originalId: c.report.id });
    expect(self.handledAs).toBe('team:dup_invalid');
    const missing = await run(enContact, { kind: 'dup', reportId: c.report.id, originalId: 987_655 });
    expect(missing).toEqual({ reply: t.ctx.i18n.t('en', 'teams:unknownReport', { number: 987_655 }), handledAs: 'team:unknown_report', reportId: c.report.id });
    const chained = await run(enContact, { kind: 'dup', reportId: c.report.id, originalId: b.report.id });
    expect(chained.handledAs).toBe('team:dup_invalid');
    expect(chained.reply.length).toBeGreaterThan(0);

    expect(await reportOf(c.report.id)).toMatchObject({ status: 'dispatched', duplicateOfId: null });
  });

  it('when the team sends a NOTE, then it is in the history with who and when, and the contact is told', async () => {
    const { report } = await routedReport();
    const out = await run(kmContact, { kind: 'note', reportId: report.id, text: 'ឃើញមីនពីរទៀត' });
    expect(out).toEqual({ reply: t.ctx.i18n.t('km', 'teams:noteAdded', { number: report.id }), handledAs: 'team:note', reportId: report.id });
    expect(await t.ctx.prisma.reportEvent.findFirst({ where: { reportId: report.id, kind: 'note' } })).toMatchObject({
      note: 'ឃើញមីនពីរទៀត', actor: `team:${team.id}/contact:${kmContact.id}`, actorType: 'team_contact', at: t.clock.now(),
    });
    expect((await reportOf(report.id)).status).toBe('dispatched');
  });
});

describe('through the SMS webhook', () => {
  const SMS = '/webhooks/twilio/sms';
  const replyOf = (xml: string) => /<Message>([\s\S]*)<\/Message>/.exec(xml)?.[1] ?? null;
  const unescape = (s: string | null) => s?.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'") ?? null;
  const send = async (from: string, body: string) => (await t.sms(from, body)).reply;

  it('when a contact texts ACK n in Khmer with Khmer digits, then the report is acknowledged and the reply is Khmer', async () => {
    const { report } = await routedReport();
    const khmerNumber = String(report.id).replace(/\d/g, (d) => String.fromCodePoint(0x17e0 + Number(d)));

    const reply = await send(kmContact.phone, `ទទួល ${khmerNumber}`);

    expect(reply).toBe(t.ctx.i18n.t('km', 'teams:ackConfirmed', { number: report.id }));
    expect((await reportOf(report.id)).status).toBe('acknowledged');
    const inbound = await t.ctx.prisma.inboundMessage.findFirstOrThrow({ where: { fromPhone: kmContact.phone }, orderBy: { id: 'desc' } });
    expect(inbound).toMatchObject({ handledAs: 'team:ack', reportId: report.id });
  });

  it('when a contact texts DONE n, a bad command, or a stranger texts ACK n, then each gets the right answer', async () => {
    const { report } = await routedReport();
    expect(await send(enContact.phone, `DONE ${report.id}`)).toBe(t.ctx.i18n.t('en', 'teams:statusChanged', { number: report.id, status: 'cleared' }));
    expect((await reportOf(report.id)).status).toBe('cleared');
    expect(await send(enContact.phone, 'ACK')).toBe(t.ctx.i18n.t('en', 'teams:usage'));
    expect(await send(randomKhPhone(), `ACK ${report.id}`)).toBe(t.ctx.i18n.t('km', 'teams:notTeam'));
    expect(await send(otherContact.phone, `FALSE ${report.id}`)).toBe(t.ctx.i18n.t('en', 'teams:otherTeam', { number: report.id, team: team.name }));
  });
});
