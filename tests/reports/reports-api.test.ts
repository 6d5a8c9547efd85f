import { readFileSync } from 'node:fs';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { authenticate } from '../../src/auth/auth.middleware.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { errorHandler, notFound, requestId, requireContentType } from '../../src/lib/http.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { allowedNext } from '../../src/reports/lifecycle.js';
import { createReportsRouter } from '../../src/reports/reports.routes.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { randomKhPhone, randomSid } from '../support/factories.js';

// The router on a real database behind the same /api middleware as src/app.ts (authenticate, content-type
// guard, the one error handler), so these tests do not depend on the app's wiring of other features.
const ADMIN_KEY = 'test-admin-key-0123456789';
let testDb: TestDatabase;
let ctx: AppContext;
let app: express.Express;
let coordinator: { name: string; secret: string };
let educator: { secret: string };

beforeAll(async () => {
  testDb = await createTestDatabase();
  ctx = buildContext(testConfig({ ADMIN_API_KEY: ADMIN_KEY }), testDb.db, { clock: manualClock(new Date()), log: createLogger('silent') });
  app = express();
  app.set('query parser', 'simple');
  app.use(requestId(), (req, _res, next) => ((req.log = ctx.log), next()));
  const api = express.Router();
  api.use(authenticate(ctx));
  api.use('/reports', createReportsRouter(ctx));
  app.use('/api', requireContentType('application/json', 'text/csv', 'text/plain', 'application/csv'), api);
  app.use(notFound(), errorHandler());

  await importGazetteer(ctx.prisma, readFileSync(DEMO_GAZETTEER), { country: 'KH' });
  // The demo gazetteer stops at districts; a commune and a village of Mongkol Borey for the finer filters.
  await ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '010201', level: 'commune', parentPcode: '0102', nameEn: 'Banteay Neang' },
      { pcode: '01020101', level: 'village', parentPcode: '010201', nameEn: 'Ou Thum' },
    ],
  });
  coordinator = await createApiKey(ctx.prisma, { name: 'ops-room', role: 'coordinator' });
  educator = await createApiKey(ctx.prisma, { name: 'educator-kampot', role: 'educator' });
});
afterAll(() => testDb.cleanup());

const URL = '/api/reports';
const api = (method: 'get' | 'patch', path: string, key = coordinator.secret) =>
  request(app)[method](path).set('Authorization', `Bearer ${key}`);

const seed = (data: Partial<Prisma.HazardReportUncheckedCreateInput> = {}) =>
  ctx.prisma.hazardReport.create({
    data: { originalText: 'mine near the school', reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], ...data },
  });
const stored = (id: number) => ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id } });
const events = (id: number) => ctx.prisma.reportEvent.findMany({ where: { reportId: id }, orderBy: { id: 'asc' } });
const ids = (res: request.Response) => res.body.data.map((r: { id: number }) => r.id);
// Each test seeds in a window of its own, so tests sharing the database never see each other's reports.
let window = 0;
function newWindow() {
  window += 1;
  const start = new Date(Date.UTC(2001, 0, window * 3));
  return { at: (hours: number) => new Date(start.getTime() + hours * 3_600_000), from: start.toISOString(), to: new Date(start.getTime() + 86_400_000 - 1).toISOString() };
}

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
}

async function dispatchedReport(opts: { language?: string } = {}) {
  const reporter = await ctx.prisma.subscriber.create({ data: { phone: randomKhPhone(), language: opts.language ?? 'en' } });
  const team = await ctx.prisma.clearanceTeam.create({
    data: { name: `Team ${randomSid('T')}`, contacts: { create: [{ name: 'Leader', phone: randomKhPhone(), position: 0 }] } },
    include: { contacts: true },
  });
  const report = await seed({ status: 'dispatched', reporterPhone: reporter.phone, reporterId: reporter.id, teamId: team.id, districtPcode: '0102', provincePcode: '01', adminPcode: '0102' });
  const alert = await ctx.prisma.alert.create({
    data: { reportId: report.id, teamId: team.id, contactId: team.contacts[0]!.id, nextEscalationAt: new Date(Date.now() + 60_000) },
  });
  const row = (kind: 'escalation' | 'call' | 'alert') =>
    ctx.prisma.outboxMessage.create({ data: { kind, recipient: team.contacts[0]!.phone, body: `${kind} ${report.id}`, reportId: report.id, alertId: alert.id } });
  const outbox = { escalation: await row('escalation'), call: await row('call'), alert: await row('alert') };
  return { report, reporter, team, alert, outbox };
}

describe('authentication and roles', () => {
  it('when no key is sent, then the list is refused with 401', async () => {
    expectError(await request(app).get(URL), 401, 'unauthorized');
  });

  it('when an educator key is used, then list, detail, export and PATCH are 403 and the report is untouched', async () => {
    const r = await seed({ status: 'received' });
    expectError(await api('get', URL, educator.secret), 403, 'forbidden');
    expectError(await api('get', `${URL}/${r.id}`, educator.secret), 403, 'forbidden');
    expectError(await api('get', `${URL}/export`, educator.secret), 403, 'forbidden');
    expectError(await api('patch', `${URL}/${r.id}`, educator.secret).send({ status: 'triaged' }), 403, 'forbidden');
    expect(await stored(r.id)).toMatchObject({ status: 'received' });
    expect(await events(r.id)).toEqual([]);
  });

  it('when the admin key is used, then the coordinator routes work too', async () => {
    await api('get', URL, ADMIN_KEY).expect(200);
  });
});

describe('GET /api/reports', () => {
  it('when filtering by a comma-separated status list and a date range, then only matching reports come back newest first', async () => {
    const w = newWindow();
    const received = await seed({ status: 'received', createdAt: w.at(1) });
    const dispatched = await seed({ status: 'dispatched', createdAt: w.at(2) });
    await seed({ status: 'cleared', createdAt: w.at(3) });
    await seed({ status: 'received', createdAt: w.at(30) }); // the next day: outside the range
    const res = await api('get', URL).query({ status: 'received,dispatched', from: w.from, to: w.to }).expect(200);
    expect(ids(res)).toEqual([dispatched.id, received.id]);
  });

  it('when "to" is a date, then the whole of that day is included', async () => {
    const w = newWindow();
    const late = await seed({ createdAt: w.at(23.9) });
    await seed({ createdAt: w.at(24.1) });
    const res = await api('get', URL).query({ from: w.from.slice(0, 10), to: w.from.slice(0, 10) }).expect(200);
    expect(ids(res)).toEqual([late.id]);
  });

  it('when filtering by province, district, commune or village P-code, then each matches its own column', async () => {
    const w = newWindow();
    const inVillage = await seed({ createdAt: w.at(1), adminPcode: '01020101', districtPcode: '0102', provincePcode: '01' });
    const inCommune = await seed({ createdAt: w.at(2), adminPcode: '010201', districtPcode: '0102', provincePcode: '01' });
    const inDistrict = await seed({ createdAt: w.at(3), adminPcode: '0102', districtPcode: '0102', provincePcode: '01' });
    const otherDistrict = await seed({ createdAt: w.at(4), adminPcode: '0103', districtPcode: '0103', provincePcode: '01' });
    // Placed only by province (the villager named it and nothing finer).
    const provinceOnly = await seed({ createdAt: w.at(5), provincePcode: '01' });
    await seed({ createdAt: w.at(6), adminPcode: '0204', districtPcode: '0204', provincePcode: '02' });
    const q = (district: string) => api('get', URL).query({ district, from: w.from, to: w.to }).expect(200).then(ids);
    expect(await q('01')).toEqual([provinceOnly.id, otherDistrict.id, inDistrict.id, inCommune.id, inVillage.id]);
    expect(await q('0102')).toEqual([inDistrict.id, inCommune.id, inVillage.id]);
    expect(await q('010201')).toEqual([inCommune.id, inVillage.id]);
    expect(await q('01020101')).toEqual([inVillage.id]);
  });

  it('when filtering by priority and team, then only that team\'s reports of those priorities come back', async () => {
    const w = newWindow();
    const team = await ctx.prisma.clearanceTeam.create({ data: { name: `Team ${randomSid('T')}` } });
    const critical = await seed({ createdAt: w.at(1), priority: 'critical', teamId: team.id });
    const high = await seed({ createdAt: w.at(2), priority: 'high', teamId: team.id });
    await seed({ createdAt: w.at(3), priority: 'normal', teamId: team.id });
    await seed({ createdAt: w.at(4), priority: 'critical' });
    const res = await api('get', URL).query({ priority: 'critical,high', team: team.id, from: w.from, to: w.to }).expect(200);
    expect(ids(res)).toEqual([high.id, critical.id]);
  });

  it('when 5 reports match and limit is 2, then the cursor walks 2, 2, 1 newest first and then stops', async () => {
    const w = newWindow();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await seed({ createdAt: w.at(i) }));
    const seen: number[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await api('get', URL).query({ from: w.from, to: w.to, limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      sizes.push(res.body.data.length);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(made.map((r) => r.id).reverse());
  });

  it('when a report is listed, then it has the public fields and the reporter phone masked', async () => {
    const w = newWindow();
    const r = await seed({
      createdAt: w.at(1), reporterPhone: '+85512345678', priority: 'high', priorityReasons: ['children'], deviceClass: 'uxo',
      casualties: true, contextFlags: ['school'], lat: 13.49, lon: 102.97, accuracyM: 10, locationSource: 'decimal',
      locationText: '13.49 102.97', adminPcode: '0102', districtPcode: '0102', provincePcode: '01', assignee: 'Sokha',
    });
    const res = await api('get', URL).query({ from: w.from, to: w.to }).expect(200);
    expect(res.body).toEqual({
      data: [{
        id: r.id, status: 'received', priority: 'high', priorityReasons: ['children'], deviceClass: 'uxo', casualties: true,
        contextFlags: ['school'], originalText: 'mine near the school', reporterPhone: '+855****5678',
        location: { lat: 13.49, lon: 102.97, accuracyM: 10, source: 'decimal', text: '13.49 102.97', adminPcode: '0102', districtPcode: '0102', provincePcode: '01' },
        teamId: null, assignee: 'Sokha', duplicateOfId: null, createdAt: r.createdAt.toISOString(), acknowledgedAt: null, closedAt: null, alertOpenSince: null,
      }],
      nextCursor: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('12345678');
  });

  it('when the query has bad values or an unknown parameter, then 400 validation_failed names each', async () => {
    const res = await api('get', URL).query({ status: 'lost', priority: 'urgent', limit: '500', cursor: 'not a cursor!', from: 'yesterday', colour: 'red' });
    expectError(res, 400, 'validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'priority', 'limit', 'cursor', 'from']));
    expect(JSON.stringify(res.body.error.details)).toContain('colour');
    expectError(await api('get', URL).query({ from: '2026-02-01', to: '2026-01-01' }), 400, 'validation_failed');
    expectError(await api('get', URL).query({ team: 'abc' }), 400, 'validation_failed');
  });

  it('when the district P-code is unknown, then 422', async () => {
    expectError(await api('get', URL).query({ district: '9999' }), 422, 'unprocessable');
  });
});

describe('GET /api/reports/:id', () => {
  it('when a report has history, messages, duplicates and alerts, then the detail shows them all, unmasked phone, and the read is audited', async () => {
    const { report, reporter, alert, outbox } = await dispatchedReport();
    await ctx.prisma.hazardReport.update({ where: { id: report.id }, data: { parse: { device: { value: 'uxo', source: 'keyword', match: 'bomb' } } } });
    const e1 = await ctx.prisma.reportEvent.create({ data: { reportId: report.id, kind: 'status', fromStatus: 'received', toStatus: 'dispatched', actor: 'system', actorType: 'system', at: new Date('2026-01-01T10:00:00Z') } });
    const e0 = await ctx.prisma.reportEvent.create({ data: { reportId: report.id, kind: 'note', note: 'first', actor: 'system', actorType: 'system', at: new Date('2026-01-01T09:00:00Z') } });
    const inbound = await ctx.prisma.inboundMessage.create({ data: { messageSid: randomSid(), fromPhone: reporter.phone, toPhone: '+85523000000', body: 'bomb near well', reportId: report.id, handledAs: 'report' } });
    const dup = await seed({ status: 'duplicate', duplicateOfId: report.id, originalText: 'same bomb' });
    const other = await seed({});

    const res = await api('get', `${URL}/${report.id}`).expect(200);
    expect(res.body).toMatchObject({ id: report.id, status: 'dispatched', reporterPhone: reporter.phone, allowedTransitions: [...allowedNext('dispatched')] });
    expect(res.body.parse).toEqual({ device: { value: 'uxo', source: 'keyword', match: 'bomb' } });
    expect(res.body.location.admin).toEqual([
      { pcode: '0102', level: 'district', name: 'Mongkol Borey', nameLocal: 'មង្គលបូរី' },
      { pcode: '01', level: 'province', name: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
    ]);
    expect(res.body.history.map((e: { id: number }) => e.id)).toEqual([e0.id, e1.id]);
    expect(res.body.history[1]).toMatchObject({ kind: 'status', fromStatus: 'received', toStatus: 'dispatched', actor: 'system' });
    expect(res.body.messages.inbound).toEqual([expect.objectContaining({ id: inbound.id, body: 'bomb near well', handledAs: 'report', from: expect.stringContaining('****') })]);
    expect(res.body.messages.outbox.map((m: { id: number }) => m.id)).toEqual([outbox.escalation.id, outbox.call.id, outbox.alert.id]);
    expect(res.body.messages.outbox[0].recipient).toContain('****');
    expect(res.body.duplicates).toEqual([{ id: dup.id, status: 'duplicate', createdAt: dup.createdAt.toISOString(), originalText: 'same bomb' }]);
    expect(res.body.alerts).toEqual([expect.objectContaining({ id: alert.id, teamId: alert.teamId, contactId: alert.contactId, state: 'open', step: 0 })]);
    expect(res.body.duplicates.map((d: { id: number }) => d.id)).not.toContain(other.id);

    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'report.read', entityId: String(report.id) } });
    expect(entry).toMatchObject({ actor: 'ops-room', actorType: 'api_key', entity: 'report', requestId: res.headers['x-request-id'] });
  });

  it('when the report does not exist, then 404; when the id is not a number, then 400', async () => {
    expectError(await api('get', `${URL}/99999999`), 404, 'not_found');
    expectError(await api('get', `${URL}/abc`), 400, 'validation_failed');
    expectError(await api('get', `${URL}/0`), 400, 'validation_failed');
  });
});

describe('PATCH /api/reports/:id', () => {
  it('when a dispatched report is acknowledged, then history, a report_update to the reporter, alerts acknowledged and escalations cancelled', async () => {
    const { report, reporter, alert, outbox } = await dispatchedReport({ language: 'km' });
    const res = await api('patch', `${URL}/${report.id}`).send({ status: 'acknowledged', note: 'team leaving now' }).expect(200);

    expect(res.body).toMatchObject({ id: report.id, status: 'acknowledged', changed: true, allowedTransitions: [...allowedNext('acknowledged')] });
    expect(res.body.acknowledgedAt).toBe(ctx.clock.now().toISOString());
    expect(await stored(report.id)).toMatchObject({ status: 'acknowledged', acknowledgedAt: ctx.clock.now() });
    const history = await events(report.id);
    expect(history).toEqual([
      expect.objectContaining({ kind: 'status', fromStatus: 'dispatched', toStatus: 'acknowledged', actor: 'api:ops-room', actorType: 'api_key' }),
      expect.objectContaining({ kind: 'note', note: 'team leaving now', actor: 'api:ops-room' }),
    ]);
    const updates = await ctx.prisma.outboxMessage.findMany({ where: { reportId: report.id, kind: 'report_update' } });
    expect(updates).toEqual([expect.objectContaining({ recipient: reporter.phone, locale: 'km', status: 'pending', subscriberId: reporter.id })]);
    expect(updates[0]!.body).toContain(String(report.id));
    expect(await ctx.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({
      state: 'acknowledged', acknowledgedBy: 'api:ops-room', acknowledgedAt: ctx.clock.now(), nextEscalationAt: null,
    });
    const row = (id: number) => ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(await row(outbox.escalation.id)).toMatchObject({ status: 'cancelled' });
    expect(await row(outbox.call.id)).toMatchObject({ status: 'cancelled' });
    expect(await row(outbox.alert.id)).toMatchObject({ status: 'pending' }); // the first alert is history, not an escalation
    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'report.update', entityId: String(report.id) } });
    expect(entry?.details).toMatchObject({ status: { from: 'dispatched', to: 'acknowledged' }, fields: ['note'] });
  });

  it('when an acknowledged report is cleared, then it is closed, its alerts closed and the reporter told', async () => {
    const { report, reporter, alert } = await dispatchedReport();
    await api('patch', `${URL}/${report.id}`).send({ status: 'acknowledged' }).expect(200);
    const res = await api('patch', `${URL}/${report.id}`).send({ status: 'cleared' }).expect(200);
    expect(res.body).toMatchObject({ status: 'cleared', allowedTransitions: [], closedAt: ctx.clock.now().toISOString() });
    const kinds = (await ctx.prisma.outboxMessage.findMany({ where: { reportId: report.id, kind: 'report_update' }, orderBy: { id: 'asc' } }));
    expect(kinds.map((m) => [m.recipient, m.dedupeKey])).toEqual([[reporter.phone, `update:${report.id}:acknowledged`], [reporter.phone, `update:${report.id}:cleared`]]);
    // Acknowledged alerts stay acknowledged (that is history); an open one would be closed.
    expect(await ctx.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ state: 'acknowledged' });
    const second = await ctx.prisma.alert.create({ data: { reportId: report.id, state: 'open', nextEscalationAt: new Date() } });
    await ctx.prisma.hazardReport.update({ where: { id: report.id }, data: { status: 'dispatched', closedAt: null } });
    await api('patch', `${URL}/${report.id}`).send({ status: 'false_alarm' }).expect(200);
    expect(await ctx.prisma.alert.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ state: 'closed', nextEscalationAt: null });
  });

  it('when the transition is not allowed, then 422 lists the allowed statuses and nothing changes', async () => {
    const r = await seed({ status: 'received' });
    const res = await api('patch', `${URL}/${r.id}`).send({ status: 'cleared', assignee: 'Dara' });
    expectError(res, 422, 'unprocessable');
    expect(res.body.error.details).toEqual({ from: 'received', to: 'cleared', allowed: [...allowedNext('received')] });
    // The assignee in the same request is rolled back with the refused status.
    expect(await stored(r.id)).toMatchObject({ status: 'received', assignee: null, closedAt: null });
    expect(await events(r.id)).toEqual([]);
    expect(await ctx.prisma.outboxMessage.count({ where: { reportId: r.id } })).toBe(0);
  });

  it('when the location is given as a commune P-code, then the place, district and province are set and the history has from/to', async () => {
    const r = await seed({ status: 'received', locationText: 'near the pagoda' });
    const res = await api('patch', `${URL}/${r.id}`).send({ location: { pcode: '010201' } }).expect(200);
    const expected = { adminPcode: '010201', districtPcode: '0102', provincePcode: '01', locationSource: 'api', locationText: 'Banteay Neang' };
    expect(res.body.location).toMatchObject({ adminPcode: '010201', districtPcode: '0102', provincePcode: '01', source: 'api' });
    expect(await stored(r.id)).toMatchObject(expected);
    const [event] = await events(r.id);
    expect(event).toMatchObject({ kind: 'field', actor: 'api:ops-room' });
    expect(event!.details).toMatchObject({ field: 'location', from: { adminPcode: null, locationText: 'near the pagoda' }, to: expected });
  });

  it('when a dispatched report\'s place is corrected, then the team holding it gets a note', async () => {
    const { report, team } = await dispatchedReport();
    await api('patch', `${URL}/${report.id}`).send({ location: { pcode: '0103' } }).expect(200);
    expect(await stored(report.id)).toMatchObject({ adminPcode: '0103', districtPcode: '0103', provincePcode: '01' });
    const notes = await ctx.prisma.outboxMessage.findMany({ where: { reportId: report.id, kind: 'alert_note' } });
    expect(notes).toEqual([expect.objectContaining({ recipient: team.contacts[0]!.phone, status: 'pending' })]);
  });

  it('when the location P-code is unknown, then 422 and nothing changes', async () => {
    const r = await seed({ adminPcode: '0102', districtPcode: '0102', provincePcode: '01' });
    expectError(await api('patch', `${URL}/${r.id}`).send({ location: { pcode: '0999' } }), 422, 'unprocessable');
    expect(await stored(r.id)).toMatchObject({ adminPcode: '0102', locationSource: null });
    expect(await events(r.id)).toEqual([]);
  });

  it('when the location is given as lat/lon on an unplaced report, then the point is stored and the nearest district derived', async () => {
    const r = await seed({});
    const res = await api('patch', `${URL}/${r.id}`).send({ location: { lat: 13.495, lon: 102.98, accuracyM: 15 } }).expect(200);
    expect(res.body.location).toMatchObject({ lat: 13.495, lon: 102.98, accuracyM: 15, source: 'api', districtPcode: '0102' });
    expect(await stored(r.id)).toMatchObject({ lat: 13.495, lon: 102.98, accuracyM: 15, locationSource: 'api', adminPcode: '0102', districtPcode: '0102', provincePcode: '01' });
    expect((await events(r.id))[0]!.details).toMatchObject({ field: 'location', from: { lat: null, lon: null }, to: { lat: 13.495, lon: 102.98 } });
  });

  it('when the location is out of range or mixes both forms, then 400 and nothing changes', async () => {
    const r = await seed({});
    expectError(await api('patch', `${URL}/${r.id}`).send({ location: { lat: 91, lon: 102 } }), 400, 'validation_failed');
    expectError(await api('patch', `${URL}/${r.id}`).send({ location: { lat: 13, lon: 181 } }), 400, 'validation_failed');
    expectError(await api('patch', `${URL}/${r.id}`).send({ location: { lat: 13, lon: 102, pcode: '0102' } }), 400, 'validation_failed');
    expect(await stored(r.id)).toMatchObject({ lat: null, lon: null });
  });

  it('when device class and assignee change, then each writes a field event; an unchanged value writes none', async () => {
    const r = await seed({ deviceClass: 'unknown', assignee: 'Dara' });
    await api('patch', `${URL}/${r.id}`).send({ deviceClass: 'cluster_submunition', assignee: 'Sokha' }).expect(200);
    await api('patch', `${URL}/${r.id}`).send({ assignee: null, deviceClass: 'cluster_submunition' }).expect(200);
    const again = await api('patch', `${URL}/${r.id}`).send({ assignee: '' }).expect(200);
    expect(again.body.changed).toBe(false);
    expect(await stored(r.id)).toMatchObject({ deviceClass: 'cluster_submunition', assignee: null });
    expect((await events(r.id)).map((e) => e.details)).toEqual([
      { field: 'deviceClass', from: 'unknown', to: 'cluster_submunition' },
      { field: 'assignee', from: 'Dara', to: 'Sokha' },
      { field: 'assignee', from: 'Sokha', to: null },
    ]);
  });

  it('when the body is empty, unknown, too long or not JSON, then 400 or 415; a missing report is 404', async () => {
    const r = await seed({});
    const patch = () => api('patch', `${URL}/${r.id}`);
    expectError(await patch().send({}), 400, 'validation_failed');
    expectError(await patch().send({ status: 'triaged', priority: 'critical' }), 400, 'validation_failed');
    expectError(await patch().send({ status: 'asleep' }), 400, 'validation_failed');
    expectError(await patch().send({ note: 'x'.repeat(1601) }), 400, 'validation_failed');
    expectError(await patch().send({ assignee: 'x'.repeat(101) }), 400, 'validation_failed');
    expectError(await patch().type('text/csv').send('status\ntriaged'), 415, 'unsupported_media_type');
    expectError(await patch().type('json').send('{"status":'), 400, 'invalid_json');
    expectError(await api('patch', `${URL}/99999999`).send({ status: 'triaged' }), 404, 'not_found');
    expectError(await api('patch', `${URL}/x1`).send({ status: 'triaged' }), 400, 'validation_failed');
    expect(await stored(r.id)).toMatchObject({ status: 'received' });
    expect(await events(r.id)).toEqual([]);
  });
});
