// What a signed-in user may do: CSRF on changes, roles, province limits, and what admins do to users and keys.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { makeUser, PASSWORD, randomEmail, signedIn } from '../support/accounts.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer();
});
afterAll(() => t.close());

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
}

const report = (districtPcode: string | null) =>
  t.ctx.prisma.hazardReport.create({
    data: { originalText: 'mine near the school', reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], districtPcode, provincePcode: districtPcode?.slice(0, 2) ?? null },
  });

describe('CSRF', () => {
  it('when a cookie request changes something without the right X-CSRF-Token, then it is 403 csrf_failed and nothing changes', async () => {
    const admin = await makeUser(t.ctx, { role: 'admin' });
    const { agent, csrf } = await signedIn(t.app, admin.email);
    const body = { email: randomEmail(), name: 'New', role: 'educator', password: PASSWORD };

    expectError(await agent.post('/api/users').send(body), 403, 'csrf_failed');
    expectError(await agent.post('/api/users').set('X-CSRF-Token', `${csrf}x`).send(body), 403, 'csrf_failed');
    expect(await t.ctx.prisma.user.findUnique({ where: { email: body.email } })).toBeNull();

    await agent.post('/api/users').set('X-CSRF-Token', csrf).send(body).expect(201);
    await agent.get('/api/users').expect(200); // reads need no token
  });

  it('when a bearer key changes something, then no CSRF token is needed (a key is not sent by the browser on its own)', async () => {
    await t.api('post', '/api/users').send({ email: randomEmail(), name: 'By key', role: 'educator', password: PASSWORD }).expect(201);
  });
});

describe('roles', () => {
  it('when an educator signs in, then users and reports are 403 and campaigns are allowed', async () => {
    const educator = await makeUser(t.ctx, { role: 'educator' });
    const { agent } = await signedIn(t.app, educator.email);

    expectError(await agent.get('/api/users'), 403, 'forbidden');
    expectError(await agent.get('/api/reports'), 403, 'forbidden');
    expectError(await agent.get('/api/keys'), 403, 'forbidden');
    expectError(await agent.get('/api/audit'), 403, 'forbidden');
    await agent.get('/api/campaigns').expect(200);
  });

  it('when a coordinator signs in, then campaigns are 403 and reports are allowed', async () => {
    const coordinator = await makeUser(t.ctx, { role: 'coordinator' });
    const { agent } = await signedIn(t.app, coordinator.email);

    expectError(await agent.get('/api/campaigns'), 403, 'forbidden');
    await agent.get('/api/reports').expect(200);
  });

  it('when a coordinator is limited to province 01, then only its reports are listed, read, changed and exported', async () => {
    const inside = await report('0102');
    const outside = await report('0201');
    const nowhere = await report(null);
    const limited = await makeUser(t.ctx, { role: 'coordinator', provinces: ['01'] });
    const { agent, csrf } = await signedIn(t.app, limited.email);

    const list = (await agent.get('/api/reports?limit=200').expect(200)).body.data.map((r: { id: number }) => r.id);
    expect(list).toContain(inside.id);
    expect(list).not.toContain(outside.id);
    expect(list).not.toContain(nowhere.id);
    await agent.get(`/api/reports/${inside.id}`).expect(200);
    expectError(await agent.get(`/api/reports/${outside.id}`), 404, 'not_found');
    expectError(await agent.patch(`/api/reports/${outside.id}`).set('X-CSRF-Token', csrf).send({ note: 'not mine' }), 404, 'not_found');
    expect(await t.ctx.prisma.reportEvent.count({ where: { reportId: outside.id } })).toBe(0);
    await agent.patch(`/api/reports/${inside.id}`).set('X-CSRF-Token', csrf).send({ note: 'on it' }).expect(200);
    expect(await t.ctx.prisma.reportEvent.findFirst({ where: { reportId: inside.id, kind: 'note' } })).toMatchObject({ actor: `user:${limited.email}`, actorType: 'user' });
    const exported = await agent.get('/api/reports/export?format=geojson').expect(200);
    const ids = (JSON.parse(exported.text) as { features: { properties: { id: number } }[] }).features.map((f) => f.properties.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);

    // An unlimited coordinator and an API key see everything.
    const all = await makeUser(t.ctx, { role: 'coordinator' });
    const unlimited = (await (await signedIn(t.app, all.email)).agent.get('/api/reports?limit=200').expect(200)).body.data.map((r: { id: number }) => r.id);
    expect(unlimited).toEqual(expect.arrayContaining([inside.id, outside.id, nowhere.id]));
    await t.api('get', `/api/reports/${outside.id}`).expect(200);
  });

  it('when a province that is not one is given to a user, then it is 422 naming it', async () => {
    const res = await t.api('post', '/api/users').send({ email: randomEmail(), name: 'X', role: 'coordinator', provinces: ['0102', '99'], password: PASSWORD });

    expectError(res, 422, 'unprocessable');
    expect(res.body.error.details).toMatchObject({ unknown: ['0102', '99'] });
  });
});

describe('admins and users', () => {
  it('when an admin resets a password, then every session of the user ends, the back-off clears and the new password works', async () => {
    const user = await makeUser(t.ctx);
    const { agent } = await signedIn(t.app, user.email);
    for (let i = 0; i < 6; i += 1) await request(t.app).post('/api/session').send({ login: user.email, password: 'wrong password!' });
    expectError(await request(t.app).post('/api/session').send({ login: user.email, password: PASSWORD }), 429, 'too_many_attempts');

    await t.api('post', `/api/users/${user.id}/password`).send({ password: 'reset by the admin' }).expect(204);

    expectError(await agent.get('/api/session'), 401, 'unauthorized');
    await signedIn(t.app, user.email, 'reset by the admin');
    expect(await t.ctx.prisma.auditLog.findFirst({ where: { action: 'user.password_reset', entityId: String(user.id) } })).toMatchObject({ actor: 'env:ADMIN_API_KEY', actorType: 'api_key' });
  });

  it('when a user is disabled, then their session stops at once and they cannot sign in; enabled again, they can', async () => {
    const user = await makeUser(t.ctx);
    const { agent } = await signedIn(t.app, user.email);

    const res = await t.api('patch', `/api/users/${user.id}`).send({ disabled: true }).expect(200);

    expect(res.body).toMatchObject({ id: user.id, disabled: true });
    expectError(await agent.get('/api/reports'), 401, 'unauthorized');
    expectError(await request(t.app).post('/api/session').send({ login: user.email, password: PASSWORD }), 403, 'forbidden');
    await t.api('patch', `/api/users/${user.id}`).send({ disabled: false }).expect(200);
    await signedIn(t.app, user.email);
    const lines = await t.ctx.prisma.auditLog.findMany({ where: { action: 'user.update', entityId: String(user.id) }, orderBy: { id: 'asc' } });
    expect(lines.map((l) => l.details)).toEqual([{ fields: ['disabled'], disabled: true }, { fields: ['disabled'], disabled: false }]);
  });

  it('when the last active admin would be demoted or disabled, then it is 409', async () => {
    // The only admins in this file's database are made here and by the CSRF test; disable those first.
    const admin = await makeUser(t.ctx, { role: 'admin' });
    const others = await t.ctx.prisma.user.findMany({ where: { role: 'admin', id: { not: admin.id } } });
    for (const o of others) await t.api('patch', `/api/users/${o.id}`).send({ disabled: true }).expect(200);

    expectError(await t.api('patch', `/api/users/${admin.id}`).send({ role: 'educator' }), 409, 'conflict');
    expectError(await t.api('patch', `/api/users/${admin.id}`).send({ disabled: true }), 409, 'conflict');
    for (const o of others) await t.api('patch', `/api/users/${o.id}`).send({ disabled: false }).expect(200);
  });

  it('when a user is created with an email that exists (any case), then it is 409', async () => {
    const user = await makeUser(t.ctx);
    expectError(await t.api('post', '/api/users').send({ email: user.email.toUpperCase(), name: 'Twin', role: 'educator', password: PASSWORD }), 409, 'conflict');
  });
});

describe('API keys in the console', () => {
  it('when an admin creates, lists and revokes a key, then the secret is shown once, works, and stops working', async () => {
    const admin = await makeUser(t.ctx, { role: 'admin' });
    const { agent, csrf } = await signedIn(t.app, admin.email);

    const created = await agent.post('/api/keys').set('X-CSRF-Token', csrf).send({ name: 'GIS sync', role: 'coordinator' }).expect(201);
    expect(created.body).toEqual({ id: expect.any(Number), name: 'GIS sync', role: 'coordinator', prefix: created.body.secret.slice(0, 8), secret: expect.stringMatching(/^hl_/) });
    await request(t.app).get('/api/reports').set('Authorization', `Bearer ${created.body.secret}`).expect(200);
    const list = await agent.get('/api/keys').expect(200);
    expect(list.body.data.find((k: { id: number }) => k.id === created.body.id)).toEqual({
      id: created.body.id, name: 'GIS sync', role: 'coordinator', prefix: created.body.prefix, createdAt: expect.any(String), lastUsedAt: expect.anything(), revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    await agent.delete(`/api/keys/${created.body.id}`).set('X-CSRF-Token', csrf).expect(204);
    await agent.delete(`/api/keys/${created.body.id}`).set('X-CSRF-Token', csrf).expect(204);
    expectError(await agent.delete('/api/keys/999999').set('X-CSRF-Token', csrf), 404, 'not_found');

    expectError(await request(t.app).get('/api/reports').set('Authorization', `Bearer ${created.body.secret}`), 401, 'unauthorized');
    const actions = (await t.ctx.prisma.auditLog.findMany({ where: { entity: 'api_key', entityId: String(created.body.id) } })).map((l) => [l.action, l.actor, l.actorType]);
    expect(actions).toEqual([['api_key.create', admin.email, 'user'], ['api_key.revoke', admin.email, 'user']]);
  });
});

describe('the audit trail and leaks', () => {
  it('when the audit trail is read page by page, then it is newest first with a cursor', async () => {
    const first = await t.api('get', '/api/audit?limit=2').expect(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].id).toBeGreaterThan(first.body.data[1].id);
    expect(Object.keys(first.body.data[0]).sort()).toEqual(['action', 'actor', 'actorType', 'at', 'details', 'entity', 'entityId', 'id']);
    const second = await t.api('get', `/api/audit?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.data[0].id).toBeLessThan(first.body.data[1].id);
    expectError(await t.api('get', '/api/audit?since=yesterday'), 400, 'validation_failed');
  });

  it('when every accounts response is read, then none holds a password hash, a session token hash or a key hash', async () => {
    const user = await makeUser(t.ctx, { role: 'admin' });
    const { agent, csrf, res: signIn } = await signedIn(t.app, user.email);
    const key = await agent.post('/api/keys').set('X-CSRF-Token', csrf).send({ name: 'leak check', role: 'educator' }).expect(201);
    const responses = [
      signIn,
      key,
      await agent.get('/api/session'),
      await agent.get('/api/users'),
      await agent.patch(`/api/users/${user.id}`).set('X-CSRF-Token', csrf).send({ name: 'Renamed' }),
      await agent.get('/api/keys'),
      await agent.get('/api/audit?limit=200'),
    ];
    const secrets = [
      ...(await t.ctx.prisma.user.findMany()).map((u) => u.passwordHash),
      ...(await t.ctx.prisma.session.findMany()).map((s) => s.tokenHash),
      ...(await t.ctx.prisma.apiKey.findMany()).map((k) => k.keyHash),
    ];
    expect(secrets.length).toBeGreaterThan(3);
    for (const r of responses) {
      expect(r.status).toBeLessThan(300);
      const text = `${JSON.stringify(r.body)} ${JSON.stringify(r.headers)}`;
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toMatch(/scrypt\$/);
    }
    expect(JSON.stringify(responses[3]!.body)).not.toMatch(/passwordHash|password/);
    // The cookie holds the token, never its hash; the token itself is not in any body.
    const token = /hl_session=([^;]+)/.exec(String(signIn.headers['set-cookie']))![1]!;
    for (const r of responses) expect(JSON.stringify(r.body)).not.toContain(token);
  });
});
