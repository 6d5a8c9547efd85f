import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The one error shape, and nothing that leaks internals. */
function expectErrorBody(body: unknown, code: string) {
  expect(body).toEqual({
    error: { code, message: expect.any(String), requestId: expect.any(String) },
  });
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stack/i);
  expect(text).not.toMatch(/\bat .+[/\\].+:\d+/);
  expect(text).not.toMatch(/node_modules|\.ts:\d+/);
}

describe('ops endpoints', () => {
  it('when /health is asked, then it answers 200 ok', async () => {
    const res = await request(t.app).get('/health').expect(200);

    expect(res.body).toMatchObject({ status: 'ok' });
  });

  it('when /ready is asked on a migrated database, then it answers 200 ready', async () => {
    const res = await request(t.app).get('/ready').expect(200);

    expect(res.body).toMatchObject({ status: 'ready', migrations: { pending: [] } });
  });

  it('when /metrics is scraped, then it serves the Prometheus text with our metrics', async () => {
    await request(t.app).get('/health').expect(200);

    const res = await request(t.app).get('/metrics').expect(200);

    expect(res.type).toBe('text/plain');
    expect(res.text).toContain('hazardline_http_request_duration_seconds');
    expect(res.text).toContain('hazardline_outbox_messages');
    expect(res.text).toContain('hazardline_inbound_messages_total');
  });
});

describe('authentication', () => {
  it('when /api is called without a key, then it is 401 in the error shape without a stack trace', async () => {
    const res = await request(t.app).get('/api/districts').expect(401);

    expectErrorBody(res.body, 'unauthorized');
  });

  it('when the Authorization header is not a bearer key, then it is 401', async () => {
    const res = await request(t.app).get('/api/districts').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);

    expectErrorBody(res.body, 'unauthorized');
  });

  it('when a wrong key is given, then it is 401', async () => {
    const res = await t.api('get', '/api/districts', 'hl_not-a-real-key-at-all').expect(401);

    expectErrorBody(res.body, 'unauthorized');
  });

  it('when the environment admin key is given, then the request goes through', async () => {
    const res = await t.api('get', '/api/districts').expect(200);

    expect(res.body).toEqual({ data: expect.any(Array) });
  });

  it('when a key has been revoked, then it is 401 although it worked before', async () => {
    const key = await createApiKey(t.ctx.prisma, { name: 'to-revoke', role: 'admin' });
    await t.api('get', '/api/districts', key.secret).expect(200);

    await revokeApiKey(t.ctx.prisma, key.id, new Date());
    const res = await t.api('get', '/api/districts', key.secret).expect(401);

    expectErrorBody(res.body, 'unauthorized');
  });

  it('when an educator key reads districts, then it may; when it imports a gazetteer, then it is 403', async () => {
    const key = await createApiKey(t.ctx.prisma, { name: 'educator', role: 'educator' });

    await t.api('get', '/api/districts', key.secret).expect(200);
    const res = await t
      .api('post', '/api/districts/import', key.secret)
      .set('Content-Type', 'text/csv')
      .send('ADM1_PCODE,ADM1_EN\n98,Nowhere\n')
      .expect(403);

    expectErrorBody(res.body, 'forbidden');
    expect(await t.ctx.prisma.adminUnit.findUnique({ where: { pcode: '98' } })).toBeNull();
  });
});

describe('request errors', () => {
  it('when the JSON body is malformed, then it is 400 invalid_json', async () => {
    const res = await t
      .api('post', '/api/subscribers')
      .set('Content-Type', 'application/json')
      .send('{"phone":')
      .expect(400);

    expectErrorBody(res.body, 'invalid_json');
  });

  it('when the JSON body is larger than JSON_BODY_LIMIT, then it is 413 payload_too_large', async () => {
    const small = await createTestApp({ JSON_BODY_LIMIT: '1kb' });
    try {
      const body = JSON.stringify({ phone: '+85512345678', note: 'x'.repeat(4096) });

      const res = await small
        .api('post', '/api/subscribers')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(413);

      expectErrorBody(res.body, 'payload_too_large');
    } finally {
      await small.close();
    }
  });

  it('when the body is XML, then it is 415 unsupported_media_type', async () => {
    const res = await t
      .api('post', '/api/subscribers')
      .set('Content-Type', 'application/xml')
      .send('<subscriber><phone>+85512345678</phone></subscriber>')
      .expect(415);

    expectErrorBody(res.body, 'unsupported_media_type');
  });

  it('when the route does not exist, then it is 404 not_found', async () => {
    const res = await request(t.app).get('/no/such/route').expect(404);

    expectErrorBody(res.body, 'not_found');
  });

  it('when an authenticated call names an unknown /api route, then it is 404 not_found', async () => {
    const res = await t.api('get', '/api/no-such-thing').expect(404);

    expectErrorBody(res.body, 'not_found');
  });
});

describe('request ids', () => {
  it('when the caller sends X-Request-Id, then it is echoed back and named in the error', async () => {
    const id = 'proxy-req.42:abc';

    const res = await request(t.app).get('/api/districts').set('X-Request-Id', id).expect(401);

    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.error.requestId).toBe(id);
  });

  it('when the caller sends an unsafe X-Request-Id, then a fresh id is used instead', async () => {
    const res = await request(t.app).get('/no/such/route').set('X-Request-Id', 'bad id <script>').expect(404);

    expect(res.headers['x-request-id']).not.toBe('bad id <script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('when no id is sent, then each response gets its own', async () => {
    const a = await request(t.app).get('/health').expect(200);
    const b = await request(t.app).get('/health').expect(200);

    expect(a.headers['x-request-id']).toEqual(expect.any(String));
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});
