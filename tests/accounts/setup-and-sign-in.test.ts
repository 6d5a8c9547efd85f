// First-run setup, signing in and out, the back-off after failures and session expiry, through the real app.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_BASE_URL, type TestApp } from '../support/app.js';
import { makeUser, PASSWORD, randomEmail, signedIn } from '../support/accounts.js';
import { createSetupToken } from '../../src/accounts/setup.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function expectError(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });
}

const sessionCookie = (res: request.Response) => ([res.headers['set-cookie'] ?? []].flat() as string[]).find((c) => c.startsWith('hl_session='));

describe('first-run setup', () => {
  it('when no user exists, then a setup link creates the first admin once, signed in, and never again', async () => {
    const token = await createSetupToken(t.ctx.prisma, t.clock.now());
    const agent = request.agent(t.app);
    const email = randomEmail('Admin').toUpperCase();

    expect((await agent.get('/api/setup').expect(200)).body).toEqual({ needed: true });
    expectError(await agent.post('/api/setup').send({ token: 'not-the-token', email, name: 'First Admin', password: PASSWORD }), 403, 'setup_token_invalid');
    expectError(await agent.post('/api/setup').send({ token, email, name: 'First Admin', password: 'short' }), 400, 'validation_failed');
    expect(await t.ctx.prisma.user.count()).toBe(0);

    const res = await agent.post('/api/setup').send({ token, email, name: 'First Admin', password: PASSWORD }).expect(201);

    expect(res.body).toEqual({
      user: { id: expect.any(Number), email: email.toLowerCase(), phone: null, name: 'First Admin', role: 'admin', provinces: [], disabled: false, createdAt: expect.any(String), lastSignInAt: expect.any(String) },
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // NODE_ENV=test; production adds it
    expect((await agent.get('/api/session').expect(200)).body.user.email).toBe(email.toLowerCase());
    expect((await agent.get('/api/setup').expect(200)).body).toEqual({ needed: false });
    expectError(await agent.post('/api/setup').send({ token, email: randomEmail(), name: 'Second', password: PASSWORD }), 409, 'conflict');
    const other = await createSetupToken(t.ctx.prisma, t.clock.now());
    expectError(await request(t.app).post('/api/setup').send({ token: other, email: randomEmail(), name: 'Second', password: PASSWORD }), 409, 'conflict');
    expect(await t.ctx.prisma.user.count({ where: { role: 'admin' } })).toBe(1);
    const line = await t.ctx.prisma.auditLog.findFirst({ where: { action: 'setup.complete' } });
    expect(line).toMatchObject({ actor: email.toLowerCase(), actorType: 'user', entity: 'user' });
  });
});

describe('signing in', () => {
  it('when the email (any case) or the phone and the password are right, then the session works and sign-out ends it', async () => {
    const phone = randomKhPhone();
    const user = await makeUser(t.ctx, { role: 'educator', phone });

    const byEmail = await signedIn(t.app, user.email.toUpperCase());
    expect(byEmail.res.body.user).toMatchObject({ id: user.id, role: 'educator' });
    expect((await byEmail.agent.get('/api/session').expect(200)).body).toMatchObject({ user: { id: user.id }, csrfToken: byEmail.csrf });
    const byPhone = await signedIn(t.app, phone.replace('+855', '+855 '));
    expect(byPhone.res.body.user.id).toBe(user.id);

    const out = await byEmail.agent.delete('/api/session').set('X-CSRF-Token', byEmail.csrf).expect(204);
    expect(sessionCookie(out)).toMatch(/hl_session=;/);
    expectError(await byEmail.agent.get('/api/session'), 401, 'unauthorized');
    await byPhone.agent.get('/api/session').expect(200); // the other browser stays signed in
    const sessions = await t.ctx.prisma.session.count({ where: { userId: user.id } });
    await byPhone.agent.post('/api/session').send({ login: user.email, password: PASSWORD }).expect(200);
    expect(await t.ctx.prisma.session.count({ where: { userId: user.id } })).toBe(sessions); // replaced, not added
    const actions = (await t.ctx.prisma.auditLog.findMany({ where: { entity: 'user', entityId: String(user.id) } })).map((l) => l.action);
    expect(actions).toEqual(expect.arrayContaining(['session.sign_in', 'session.sign_out']));
  });

  it('when the password is wrong or the login unknown, then both are the same 401 and both are audited with the login masked', async () => {
    const user = await makeUser(t.ctx);
    const unknown = randomEmail('nobody');

    const wrong = await request(t.app).post('/api/session').send({ login: user.email, password: 'wrong password!' });
    const nobody = await request(t.app).post('/api/session').send({ login: unknown, password: 'wrong password!' });

    expectError(wrong, 401, 'invalid_credentials');
    expectError(nobody, 401, 'invalid_credentials');
    expect(nobody.body.error.message).toBe(wrong.body.error.message);
    expect(sessionCookie(wrong)).toBeUndefined();
    const lines = await t.ctx.prisma.auditLog.findMany({ where: { action: 'session.sign_in_failed' } });
    const masked = lines.map((l) => l.actor);
    expect(masked).toContain(`${user.email.slice(0, 2)}***@example.org`);
    expect(masked).toContain(`${unknown.slice(0, 2)}***@example.org`);
    expect(JSON.stringify(lines)).not.toContain(user.email);
    expect(JSON.stringify(lines)).not.toContain(unknown);
  });

  it('when a login fails 5 times, then it is locked with Retry-After 30 s, doubling to 60 s, and a success clears it', async () => {
    const user = await makeUser(t.ctx);
    const attempt = (password: string) => request(t.app).post('/api/session').send({ login: user.email, password });

    for (let i = 0; i < 5; i += 1) expectError(await attempt('wrong password!'), 401, 'invalid_credentials');
    const locked = await attempt(PASSWORD);
    expectError(locked, 429, 'too_many_attempts');
    expect(locked.headers['retry-after']).toBe('30');
    expect(locked.body.error.details).toEqual({ retryAfterSeconds: 30 });

    t.clock.advance(30_000);
    expectError(await attempt('wrong password!'), 401, 'invalid_credentials');
    const again = await attempt(PASSWORD);
    expectError(again, 429, 'too_many_attempts');
    expect(again.headers['retry-after']).toBe('60');

    t.clock.advance(60_000);
    await attempt(PASSWORD).expect(200);
    expectError(await attempt('wrong password!'), 401, 'invalid_credentials'); // the count started again
  });

  it('when an unknown login fails 5 times, then it is locked exactly like a real one', async () => {
    const login = randomEmail('ghost');
    for (let i = 0; i < 5; i += 1) expectError(await request(t.app).post('/api/session').send({ login, password: 'wrong password!' }), 401, 'invalid_credentials');

    const res = await request(t.app).post('/api/session').send({ login, password: 'wrong password!' });

    expectError(res, 429, 'too_many_attempts');
    expect(res.headers['retry-after']).toBe('30');
  });

  it('when 12 guesses arrive at once, then no more than 5 get their password checked', async () => {
    const user = await makeUser(t.ctx);

    const answers = await Promise.all(Array.from({ length: 12 }, () => request(t.app).post('/api/session').send({ login: user.email, password: 'wrong password!' })));

    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('when sign-in or setup comes from another site, then it is 403 csrf_failed; the own origin is fine', async () => {
    const user = await makeUser(t.ctx);

    expectError(await request(t.app).post('/api/session').set('Origin', 'https://evil.example').send({ login: user.email, password: PASSWORD }), 403, 'csrf_failed');
    expectError(await request(t.app).post('/api/session').set('Sec-Fetch-Site', 'cross-site').send({ login: user.email, password: PASSWORD }), 403, 'csrf_failed');
    expectError(await request(t.app).post('/api/session').set('Origin', 'null').send({ login: user.email, password: PASSWORD }), 403, 'csrf_failed');
    expectError(await request(t.app).post('/api/setup').set('Origin', 'https://evil.example').send({ token: 'x', email: randomEmail(), name: 'X', password: PASSWORD }), 403, 'csrf_failed');
    await request(t.app).post('/api/session').set('Origin', PUBLIC_BASE_URL).set('Sec-Fetch-Site', 'same-origin').send({ login: user.email, password: PASSWORD }).expect(200);
  });

  it('when NODE_ENV=production, then the session cookie is Secure as well', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_FROM: '+15005550006' });
    try {
      const user = await makeUser(prod.ctx);
      const res = await request(prod.app).post('/api/session').send({ login: user.email, password: PASSWORD }).expect(200);
      expect(sessionCookie(res)).toMatch(/; Secure/);
      expect(sessionCookie(res)).toMatch(/HttpOnly/);
    } finally {
      await prod.close();
    }
  });

  it('when the body has an unknown field, then it is 400 naming it', async () => {
    const res = await request(t.app).post('/api/session').send({ login: 'a@example.org', password: 'x', remember: true });

    expectError(res, 400, 'validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain('remember');
  });
});

describe('session expiry', () => {
  it('when a session is idle for 12 hours, then it has ended', async () => {
    const user = await makeUser(t.ctx);
    const { agent } = await signedIn(t.app, user.email);

    t.clock.advance(11 * 3_600_000);
    await agent.get('/api/session').expect(200); // use moves the idle limit
    t.clock.advance(11 * 3_600_000);
    await agent.get('/api/session').expect(200);
    t.clock.advance(12 * 3_600_000 + 1000);

    expectError(await agent.get('/api/session'), 401, 'unauthorized');
  });

  it('when a session is in use for 7 days, then it ends anyway', async () => {
    const user = await makeUser(t.ctx);
    const { agent } = await signedIn(t.app, user.email);

    for (let h = 10; h < 7 * 24; h += 10) {
      t.clock.advance(10 * 3_600_000);
      await agent.get('/api/session').expect(200);
    }
    t.clock.advance(10 * 3_600_000);

    expectError(await agent.get('/api/session'), 401, 'unauthorized');
  });

  it('when a user changes their password, then other sessions end and the new password signs in', async () => {
    const user = await makeUser(t.ctx);
    const here = await signedIn(t.app, user.email);
    const elsewhere = await signedIn(t.app, user.email);

    expectError(await here.agent.post('/api/session/password').set('X-CSRF-Token', here.csrf).send({ currentPassword: 'not it at all', newPassword: 'a brand new password' }), 403, 'forbidden');
    await here.agent.post('/api/session/password').set('X-CSRF-Token', here.csrf).send({ currentPassword: PASSWORD, newPassword: 'a brand new password' }).expect(204);

    await here.agent.get('/api/session').expect(200);
    expectError(await elsewhere.agent.get('/api/session'), 401, 'unauthorized');
    await signedIn(t.app, user.email, 'a brand new password');
    expectError(await request(t.app).post('/api/session').send({ login: user.email, password: PASSWORD }), 401, 'invalid_credentials');
  });
});
