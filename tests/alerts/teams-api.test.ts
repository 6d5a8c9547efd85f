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
import { AppError } from '../../src/lib/errors.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { ancestry } from '../../src/districts/ancestry.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { findCoveringTeam } from '../../src/alerts/route-report.js';
import { createTeamsRouter } from '../../src/alerts/teams.routes.js';
import { createTeam } from '../../src/alerts/teams.service.js';
import { CreateTeamBodySchema } from '../../src/alerts/teams.schemas.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';

// The router on a real database behind the same /api middleware as src/app.ts.
const ADMIN_KEY = 'test-admin-key-0123456789';
let testDb: TestDatabase;
let ctx: AppContext;
let app: express.Express;
let coordinator: { secret: string };
let educator: { secret: string };

beforeAll(async () => {
  testDb = await createTestDatabase();
  ctx = buildContext(testConfig({ ADMIN_API_KEY: ADMIN_KEY }), testDb.db, { clock: manualClock(new Date()), log: createLogger('silent') });
  app = express();
  app.set('query parser', 'simple');
  app.use(requestId(), (req, _res, next) => ((req.log = ctx.log), next()));
  const api = express.Router();
  api.use(authenticate(ctx));
  api.use('/teams', createTeamsRouter(ctx));
  app.use('/api', requireContentType('application/json', 'text/csv', 'text/plain', 'application/csv'), api);
  app.use(notFound(), errorHandler());
  await importGazetteer(ctx.prisma, readFileSync(DEMO_GAZETTEER), { country: 'KH' });
  coordinator = await createApiKey(ctx.prisma, { name: 'ops-room', role: 'coordinator' });
  educator = await createApiKey(ctx.prisma, { name: 'educator-kampot', role: 'educator' });
});
afterAll(() => testDb.cleanup());

const URL = '/api/teams';
const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, key = coordinator.secret) =>
  request(app)[method](path).set('Authorization', `Bearer ${key}`);
const storedTeam = (id: number) =>
  ctx.prisma.clearanceTeam.findUniqueOrThrow({
    where: { id },
    include: { coverages: { orderBy: { pcode: 'asc' } }, contacts: { orderBy: [{ active: 'desc' }, { position: 'asc' }] } },
  });
/** "012 345 678": how a coordinator types a Cambodian number. */
const national = (e164: string) => `0${e164.slice(4, 6)} ${e164.slice(6, 9)} ${e164.slice(9)}`;
let n = 0;
const uniqueName = (label = 'Team') => `${label} ${++n} ${Math.random().toString(36).slice(2, 6)}`;
const body = (over: Record<string, unknown> = {}) => ({
  name: uniqueName(),
  coverage: ['0102'],
  contacts: [{ name: 'Leader', phone: randomKhPhone(), language: 'km' }],
  ...over,
});

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: res.headers['x-request-id'] } });
}

describe('roles', () => {
  it('when an educator key is used, then every route is 403 and nothing is stored', async () => {
    const name = uniqueName();
    expectError(await api('get', URL, educator.secret), 403, 'forbidden');
    expectError(await api('post', URL, educator.secret).send(body({ name })), 403, 'forbidden');
    expectError(await api('delete', `${URL}/1`, educator.secret), 403, 'forbidden');
    expect(await ctx.prisma.clearanceTeam.findUnique({ where: { name } })).toBeNull();
  });
});

describe('POST /api/teams', () => {
  it('when a team is created with a webhook and no secret, then the secret is made, returned once, and never shown again', async () => {
    const [p1, p2] = [randomKhPhone(), randomKhPhone()];
    const name = uniqueName('MAG north-west');
    const res = await api('post', URL)
      .send({
        name, organisation: 'MAG', webhookUrl: 'https://ops.example.org/hazardline', coverage: ['0102', '13'],
        contacts: [{ name: 'Sokha', phone: national(p1), language: 'km' }, { name: 'Dara', phone: p2, language: 'en' }],
      })
      .expect(201);
    expect(res.body).toMatchObject({
      name, organisation: 'MAG', isFallback: false, active: true, webhookUrl: 'https://ops.example.org/hazardline', hasWebhookSecret: true,
      coverages: [{ pcode: '0102', level: 'district', name: 'Mongkol Borey' }, { pcode: '13', level: 'province', name: expect.any(String) }],
      contacts: [
        { id: expect.any(Number), name: 'Sokha', phone: p1, language: 'km', position: 0 },
        { id: expect.any(Number), name: 'Dara', phone: p2, language: 'en', position: 1 },
      ],
    });
    expect(res.body.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const team = await storedTeam(res.body.id);
    expect(team.webhookSecret).toBe(res.body.webhookSecret);
    expect(team.coverages.map((c) => c.pcode)).toEqual(['0102', '13']);
    expect(team.contacts.map((c) => [c.phone, c.position, c.language])).toEqual([[p1, 0, 'km'], [p2, 1, 'en']]);

    const one = await api('get', `${URL}/${res.body.id}`).expect(200);
    expect(one.body).not.toHaveProperty('webhookSecret');
    expect(one.body).toMatchObject({ id: res.body.id, hasWebhookSecret: true });
    const list = await api('get', URL).expect(200);
    expect(list.body.data.find((t: { id: number }) => t.id === res.body.id)).toEqual(one.body);
    expect(JSON.stringify(list.body)).not.toContain(res.body.webhookSecret);

    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'team.create', entityId: String(res.body.id) } });
    expect(entry).toMatchObject({ actor: 'ops-room', entity: 'team', requestId: res.headers['x-request-id'] });
    expect(JSON.stringify(entry?.details)).not.toContain(res.body.webhookSecret);
  });

  it('when a team covers a province, then the P-code is stored as is and routing finds it for every district in it', async () => {
    const res = await api('post', URL).send(body({ coverage: ['22'] })).expect(201);
    expect((await storedTeam(res.body.id)).coverages.map((c) => c.pcode)).toEqual(['22']);
    const districts = await ctx.prisma.adminUnit.findMany({ where: { parentPcode: '22' } });
    expect(districts.length).toBeGreaterThan(1);
    for (const d of districts) {
      const chain = await ancestry(ctx.prisma, d.pcode);
      expect((await findCoveringTeam(ctx.prisma, chain.map((u) => u.pcode)))?.id).toBe(res.body.id);
    }
  });

  it('when the caller gives the webhook secret, then it is stored and not echoed back', async () => {
    const secret = 's3cret-for-the-team-webhook';
    const res = await api('post', URL).send(body({ webhookUrl: 'http://localhost:4000/hook', webhookSecret: secret })).expect(201);
    expect(res.body).not.toHaveProperty('webhookSecret');
    expect(res.body.hasWebhookSecret).toBe(true);
    expect((await storedTeam(res.body.id)).webhookSecret).toBe(secret);
  });

  it('when a team without webhook is created, then it has no secret and the language defaults', async () => {
    const phone = randomKhPhone();
    const res = await api('post', URL).send(body({ contacts: [{ name: 'Vanna', phone }] })).expect(201);
    expect(res.body).toMatchObject({ webhookUrl: null, hasWebhookSecret: false, contacts: [{ phone, language: 'en' }] });
    expect(res.body).not.toHaveProperty('webhookSecret');
  });

  it('when coverage names unknown P-codes, then 422 names every one of them and nothing is stored', async () => {
    const name = uniqueName();
    const res = await api('post', URL).send(body({ name, coverage: ['0102', '0999', '77'] }));
    expectError(res, 422, 'unprocessable');
    expect(res.body.error.details).toEqual({ field: 'coverage', unknown: ['0999', '77'] });
    expect(res.body.error.message).toContain('0999, 77');
    expect(await ctx.prisma.clearanceTeam.findUnique({ where: { name } })).toBeNull();
  });

  it('when a contact phone is invalid, then 422 names its index; when two contacts share a number, 422 names both', async () => {
    const name = uniqueName();
    const good = randomKhPhone();
    const bad = await api('post', URL).send(body({ name, contacts: [{ name: 'A', phone: good, language: 'km' }, { name: 'B', phone: '12345', language: 'km' }] }));
    expectError(bad, 422, 'unprocessable');
    expect(bad.body.error.details).toEqual({ field: 'contacts.1.phone', index: 1 });
    expect(bad.body.error.message).toContain('contacts[1]');
    const dup = await api('post', URL).send(body({ name, contacts: [{ name: 'A', phone: good, language: 'km' }, { name: 'B', phone: national(good), language: 'en' }] }));
    expectError(dup, 422, 'unprocessable');
    expect(dup.body.error.details).toEqual({ field: 'contacts.1.phone', index: 1, duplicateOf: 0 });
    expect(await ctx.prisma.clearanceTeam.findUnique({ where: { name } })).toBeNull();
  });

  it('when the name is taken, then 409 and the existing team is untouched', async () => {
    const first = await api('post', URL).send(body()).expect(201);
    const res = await api('post', URL).send(body({ name: first.body.name, coverage: ['0204'] }));
    expectError(res, 409, 'conflict');
    expect(res.body.error.details).toEqual({ id: first.body.id, active: true });
    expect((await storedTeam(first.body.id)).coverages.map((c) => c.pcode)).toEqual(['0102']);
    expect(await ctx.prisma.clearanceTeam.count({ where: { name: first.body.name } })).toBe(1);
  });

  it('when the body is malformed, then 400 validation_failed', async () => {
    const bad = [
      body({ colour: 'red' }),
      body({ contacts: [] }),
      body({ contacts: [{ name: 'A', phone: randomKhPhone(), language: 'fr' }] }),
      body({ webhookUrl: 'ftp://ops.example.org/x' }),
      body({ webhookUrl: 'https://ops.example.org/x', webhookSecret: 'short' }),
      body({ coverage: ['Battambang'] }),
      { ...body(), name: '' },
    ];
    for (const b of bad) expectError(await api('post', URL).send(b), 400, 'validation_failed');
    expectError(await api('post', URL).type('text/csv').send('name\nx'), 415, 'unsupported_media_type');
  });

  it('when NODE_ENV is production, then an http:// webhook is refused and https:// accepted', async () => {
    const prod = { ...ctx, config: { ...ctx.config, env: 'production' as const } };
    const caller = { name: 'ops-room', requestId: 'r1' };
    const name = uniqueName();
    const err = await createTeam(prod, CreateTeamBodySchema.parse({ ...body({ name }), webhookUrl: 'http://ops.example.org/hook' }), caller).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'validation_failed', details: [{ path: 'webhookUrl' }] });
    expect(await ctx.prisma.clearanceTeam.findUnique({ where: { name } })).toBeNull();
    const ok = await createTeam(prod, CreateTeamBodySchema.parse({ ...body({ name }), webhookUrl: 'https://ops.example.org/hook' }), caller);
    expect(ok.webhookUrl).toBe('https://ops.example.org/hook');
  });
});

describe('PATCH /api/teams/:id', () => {
  it('when contacts and coverage are replaced, then positions are renumbered, a kept number keeps its row and a dropped one is deactivated', async () => {
    const [a, b, c] = [randomKhPhone(), randomKhPhone(), randomKhPhone()];
    const created = await api('post', URL).send(body({
      coverage: ['0102', '0103'],
      contacts: [{ name: 'A', phone: a, language: 'km' }, { name: 'B', phone: b, language: 'km' }],
    })).expect(201);
    const idOfB = created.body.contacts[1].id;
    const alert = await ctx.prisma.alert.create({ data: { reportId: (await ctx.prisma.hazardReport.create({ data: { originalText: 'x', reporterPhone: randomKhPhone() } })).id, teamId: created.body.id, contactId: created.body.contacts[0].id } });

    const res = await api('patch', `${URL}/${created.body.id}`)
      .send({ coverage: ['02'], contacts: [{ name: 'B (lead)', phone: national(b), language: 'en' }, { name: 'C', phone: c, language: 'lo' }] })
      .expect(200);
    expect(res.body.coverages).toEqual([{ pcode: '02', level: 'province', name: 'Battambang' }]);
    expect(res.body.contacts).toEqual([
      { id: idOfB, name: 'B (lead)', phone: b, language: 'en', position: 0 },
      { id: expect.any(Number), name: 'C', phone: c, language: 'lo', position: 1 },
    ]);
    const team = await storedTeam(created.body.id);
    expect(team.coverages.map((x) => x.pcode)).toEqual(['02']);
    expect(team.contacts.map((x) => [x.phone, x.active])).toEqual([[b, true], [c, true], [a, false]]);
    // The alert sent to A still names A.
    expect((await ctx.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).contactId).toBe(created.body.contacts[0].id);
    const entry = await ctx.prisma.auditLog.findFirst({ where: { action: 'team.update', entityId: String(created.body.id) } });
    expect(entry?.details).toMatchObject({ fields: ['contacts', 'coverage'], coverage: ['02'], contacts: 2 });
  });

  it('when a dropped contact is added back, then its old row is reactivated', async () => {
    const [a, b] = [randomKhPhone(), randomKhPhone()];
    const created = await api('post', URL).send(body({ contacts: [{ name: 'A', phone: a, language: 'km' }, { name: 'B', phone: b, language: 'km' }] })).expect(201);
    await api('patch', `${URL}/${created.body.id}`).send({ contacts: [{ name: 'B', phone: b, language: 'km' }] }).expect(200);
    const res = await api('patch', `${URL}/${created.body.id}`).send({ contacts: [{ name: 'A', phone: a, language: 'km' }, { name: 'B', phone: b, language: 'km' }] }).expect(200);
    expect(res.body.contacts.map((x: { id: number }) => x.id)).toEqual(created.body.contacts.map((x: { id: number }) => x.id));
  });

  it('when a webhook URL is added to a team without a secret, then a secret is made and returned in that response only', async () => {
    const created = await api('post', URL).send(body()).expect(201);
    const res = await api('patch', `${URL}/${created.body.id}`).send({ webhookUrl: 'https://ops.example.org/new' }).expect(200);
    expect(res.body.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await storedTeam(created.body.id)).webhookSecret).toBe(res.body.webhookSecret);
    // Changing the URL again keeps the secret and does not show it.
    const again = await api('patch', `${URL}/${created.body.id}`).send({ webhookUrl: 'https://ops.example.org/newer' }).expect(200);
    expect(again.body).not.toHaveProperty('webhookSecret');
    expect((await storedTeam(created.body.id)).webhookSecret).toBe(res.body.webhookSecret);
    // Removing the webhook removes its secret.
    const removed = await api('patch', `${URL}/${created.body.id}`).send({ webhookUrl: null }).expect(200);
    expect(removed.body).toMatchObject({ webhookUrl: null, hasWebhookSecret: false });
  });

  it('when renamed to a name in use, then 409; a rename to a free name works', async () => {
    const [x, y] = [await api('post', URL).send(body()).expect(201), await api('post', URL).send(body()).expect(201)];
    expectError(await api('patch', `${URL}/${y.body.id}`).send({ name: x.body.name }), 409, 'conflict');
    expect((await storedTeam(y.body.id)).name).toBe(y.body.name);
    const fresh = uniqueName('Renamed');
    await api('patch', `${URL}/${y.body.id}`).send({ name: fresh, organisation: 'HALO', isFallback: true }).expect(200);
    expect(await storedTeam(y.body.id)).toMatchObject({ name: fresh, organisation: 'HALO', isFallback: true });
  });

  it('when the patch is empty, unknown, invalid or for a missing team, then 400, 422 or 404', async () => {
    const created = await api('post', URL).send(body()).expect(201);
    const path = `${URL}/${created.body.id}`;
    expectError(await api('patch', path).send({}), 400, 'validation_failed');
    expectError(await api('patch', path).send({ webhookSecret: 'x' }), 400, 'validation_failed');
    expectError(await api('patch', path).send({ coverage: ['0999'] }), 422, 'unprocessable');
    expectError(await api('patch', path).send({ contacts: [{ name: 'A', phone: 'call me', language: 'km' }] }), 422, 'unprocessable');
    expectError(await api('patch', `${URL}/99999999`).send({ name: uniqueName() }), 404, 'not_found');
    expectError(await api('patch', `${URL}/abc`).send({ name: uniqueName() }), 400, 'validation_failed');
    expect((await storedTeam(created.body.id)).coverages.map((c) => c.pcode)).toEqual(['0102']);
  });
});

describe('DELETE /api/teams/:id', () => {
  it('when a team is deleted, then 204, it is deactivated with its history kept, and routing no longer finds it', async () => {
    const created = await api('post', URL).send(body({ coverage: ['24'] })).expect(201);
    const report = await ctx.prisma.hazardReport.create({ data: { originalText: 'mine', reporterPhone: randomKhPhone(), teamId: created.body.id } });
    const res = await api('delete', `${URL}/${created.body.id}`).expect(204);
    expect(res.text).toBe('');

    const team = await storedTeam(created.body.id);
    expect(team).toMatchObject({ active: false });
    expect(team.coverages.map((c) => c.pcode)).toEqual(['24']);
    expect(team.contacts).toHaveLength(1);
    expect((await ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: report.id } })).teamId).toBe(created.body.id);
    expect(await findCoveringTeam(ctx.prisma, ['24'])).toBeNull();
    expect((await api('get', `${URL}/${created.body.id}`).expect(200)).body.active).toBe(false);
    expect((await api('get', URL).query({ active: 'true' })).body.data.map((t: { id: number }) => t.id)).not.toContain(created.body.id);
    expect(await ctx.prisma.auditLog.count({ where: { action: 'team.delete', entityId: String(created.body.id) } })).toBe(1);

    // Deleting again is harmless; the name stays taken and the 409 says how to bring the team back.
    await api('delete', `${URL}/${created.body.id}`).expect(204);
    const again = await api('post', URL).send(body({ name: created.body.name }));
    expectError(again, 409, 'conflict');
    expect(again.body.error.message).toContain('"active": true');
    await api('patch', `${URL}/${created.body.id}`).send({ active: true }).expect(200);
    expect((await findCoveringTeam(ctx.prisma, ['24']))?.id).toBe(created.body.id);
  });

  it('when the team does not exist, then 404', async () => {
    expectError(await api('delete', `${URL}/99999999`), 404, 'not_found');
  });
});
