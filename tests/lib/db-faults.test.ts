// The database layer under faults: sessions killed mid-transaction, a server that does not answer, statements
// and transactions that would wait forever. Each must cost a bounded number of failed calls, never a hung
// service, and /ready must say so while it lasts. The server-side faults need PostgreSQL.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { maskDatabaseUrl, openDatabase, type Database } from '../../src/lib/db.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestApp, PUBLIC_BASE_URL, signTwilio, TEST_ADMIN_KEY, TEST_AUTH_TOKEN, type TestApp } from '../support/app.js';
import { inboundSms } from '../support/factories.js';
import { createTestDatabase, onPostgres, TEST_DATABASE_URL } from '../support/db.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function adminQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Kills every session of one pool, as an operator or a failover would. Other test files' sessions are spared. */
async function terminateSessions(applicationName: string): Promise<number> {
  const rows = await adminQuery<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
     WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [applicationName],
  );
  return rows.filter((r) => r.killed).length;
}

async function sessionsOf(applicationName: string): Promise<{ state: string | null }[]> {
  return adminQuery(`SELECT state FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
}

function uniqueAppName() {
  return `hazardline:test-${randomBytes(4).toString('hex')}`;
}

/** Every client handed out has come back: nothing checked out, nobody waiting, never more than max. */
function expectNoLeak(db: Database) {
  const stats = db.poolStats()!;
  expect(stats.total).toBeLessThanOrEqual(stats.max);
  expect(stats.waiting).toBe(0);
  expect(stats.idle).toBe(stats.total);
}

describe.skipIf(!onPostgres)('PostgreSQL sessions dropped under load', () => {
  it('when every session of the pool is terminated while transactions and queries run, then within seconds new queries and transactions succeed and no pool slot is leaked', async () => {
    const applicationName = uniqueAppName();
    const logged: string[] = [];
    const testDb = await createTestDatabase({
      database: { applicationName, poolSize: 5, connectTimeoutMs: 2_000, onError: (err) => logged.push(err.message) },
    });
    const { db } = testDb;
    try {
      let stop = false;
      const outcome = { ok: 0, failed: 0 };
      const work = async (i: number) => {
        while (!stop) {
          try {
            if (i % 3 === 2) {
              await db.prisma.$executeRaw`SELECT pg_sleep(0.01)`;
            } else {
              await db.prisma.$transaction(
                async (tx) => {
                  await tx.$executeRaw`SELECT pg_sleep(0.02)`;
                  await tx.$queryRaw`SELECT 1`;
                },
                { timeout: 5_000, maxWait: 2_000 },
              );
            }
            outcome.ok++;
          } catch {
            outcome.failed++;
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, i) => work(i));
      let killed = 0;
      for (let round = 0; round < 4; round++) {
        await sleep(250);
        killed += await terminateSessions(applicationName);
      }
      await sleep(250);
      stop = true;
      await Promise.all(workers);

      // The fault really struck, in use and idle, and was reported rather than swallowed.
      expect(killed).toBeGreaterThanOrEqual(4);
      expect(outcome.ok).toBeGreaterThan(0);
      expect(outcome.failed).toBeGreaterThan(0);
      expect(logged.length).toBeGreaterThan(0);

      const started = Date.now();
      // Twice the pool's size at once: with even one slot leaked for good, some of these would time out.
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          i % 2
            ? db.prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`
            : db.prisma.$transaction(async (tx) => tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`, { timeout: 5_000, maxWait: 5_000 }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expectNoLeak(db);
      expect((await sessionsOf(applicationName)).length).toBeLessThanOrEqual(5);
    } finally {
      await testDb.cleanup();
    }
  }, 30_000);
});

describe.skipIf(!onPostgres)('PostgreSQL server-side bounds', () => {
  it('when a statement runs longer than the statement timeout, then it fails with a statement-timeout error instead of hanging', async () => {
    const testDb = await createTestDatabase({ database: { statementTimeoutMs: 300 } });
    const { db } = testDb;
    try {
      const started = Date.now();

      await expect(db.prisma.$executeRaw`SELECT pg_sleep(5)`).rejects.toThrow(/statement timeout/);

      expect(Date.now() - started).toBeLessThan(3_000);
      await expect(db.prisma.$queryRaw`SELECT 1 AS one`).resolves.toEqual([{ one: 1 }]);
      expectNoLeak(db);
    } finally {
      await testDb.cleanup();
    }
  });

  it('when a transaction sits idle past the idle-in-transaction timeout, then the server ends it, the caller gets an error and the pool recovers', async () => {
    const applicationName = uniqueAppName();
    const logged: string[] = [];
    const testDb = await createTestDatabase({
      database: { applicationName, idleInTransactionTimeoutMs: 300, onError: (err) => logged.push(err.message) },
    });
    const { db } = testDb;
    try {
      const tx = db.prisma.$transaction(
        async (t) => {
          await t.$queryRaw`SELECT 1`;
          await sleep(1_200); // idle inside the transaction, holding whatever it locked
          await t.$queryRaw`SELECT 2`;
        },
        { timeout: 10_000 },
      );

      await expect(tx).rejects.toThrow();

      expect(logged.join('\n')).toMatch(/idle-in-transaction/);
      expect((await sessionsOf(applicationName)).filter((s) => s.state?.startsWith('idle in transaction'))).toEqual([]);
      await expect(
        db.prisma.$transaction(async (t) => t.$queryRaw<{ one: number }[]>`SELECT 1 AS one`),
      ).resolves.toEqual([{ one: 1 }]);
      expectNoLeak(db);
    } finally {
      await testDb.cleanup();
    }
  });
});

describe('a PostgreSQL server that cannot be used', () => {
  let blackhole: Server;
  let blackholePort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a server that hangs, or a link that silently drops packets.
    blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    blackholePort = (blackhole.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  it('when the server never answers, then a query fails after the connect timeout instead of waiting forever', async () => {
    const db = await openDatabase({ databaseUrl: `postgres://hazardline@127.0.0.1:${blackholePort}/test`, connectTimeoutMs: 500 });
    try {
      const started = Date.now();

      await expect(db.prisma.$queryRaw`SELECT 1`).rejects.toThrow();
      await expect(db.prisma.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)).rejects.toThrow();

      expect(Date.now() - started).toBeLessThan(3_000);
      expect(db.poolStats()).toMatchObject({ total: 0, waiting: 0 });
    } finally {
      await db.close();
    }
  });

  it('when the database refuses connections, then a signed webhook and an API call get 503 with a retry hint, not a 500', async () => {
    const db = await openDatabase({ databaseUrl: 'postgres://hazardline@127.0.0.1:1/test', connectTimeoutMs: 1_000 });
    const config = testConfig({ TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, PUBLIC_BASE_URL, ADMIN_API_KEY: TEST_ADMIN_KEY });
    const app = createApp(buildContext(config, db, { log: createLogger('silent') }));
    try {
      const params = inboundSms('+85512345678', 'mine near the school');
      const hook = await request(app).post('/webhooks/twilio/sms').type('form').set('X-Twilio-Signature', signTwilio('/webhooks/twilio/sms', params)).send(params);
      expect(hook.status).toBe(503);
      expect(hook.headers['retry-after']).toBe('5');
      expect(hook.body.error).toMatchObject({ code: 'unavailable' });
      const api = await request(app).get('/api/outbox').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`);
      expect(api.status).toBe(503);
    } finally {
      await db.close();
    }
  });

  it('when nothing listens on the database port, then /ready answers 503 with the pool, in about the readiness timeout at most, and /health still 200', async () => {
    // Port 1: nothing listens there, so every connection attempt is refused.
    const db = await openDatabase({ databaseUrl: 'postgres://hazardline@127.0.0.1:1/test', connectTimeoutMs: 1_000 });
    const app = createApp(buildContext(testConfig(), db, { log: createLogger('silent') }));
    try {
      const started = Date.now();

      const res = await request(app).get('/ready').expect(503);

      expect(Date.now() - started).toBeLessThan(2_500);
      expect(res.body).toMatchObject({ status: 'not_ready', database: 'postgres', error: 'database unusable' });
      expect(res.body.pool).toMatchObject({ max: 10, waiting: 0 });
      await request(app).get('/health').expect(200);
    } finally {
      await db.close();
    }
  });

  it('when the server never answers, then /ready gives up after its timeout and answers 503', async () => {
    const db = await openDatabase({ databaseUrl: `postgres://hazardline@127.0.0.1:${blackholePort}/test`, connectTimeoutMs: 10_000 });
    const app = createApp(buildContext(testConfig(), db, { log: createLogger('silent') }));
    try {
      const started = Date.now();

      const res = await request(app).get('/ready').expect(503);

      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(Date.now() - started).toBeLessThan(3_500);
      expect(res.body).toMatchObject({ status: 'not_ready', error: 'database unusable' });
    } finally {
      for (const s of sockets) s.destroy(); // lets the pending connection attempt fail so the pool can end
      await db.close();
    }
  });
});

describe('/ready on the test database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('when the database answers, then /ready is 200 and shows the pool on PostgreSQL', async () => {
    const res = await request(t.app).get('/ready').expect(200);

    expect(res.body).toMatchObject({ status: 'ready', migrations: { pending: [] } });
    if (onPostgres) expect(res.body.pool).toMatchObject({ max: 5, waiting: 0 });
    if (onPostgres) {
      const metrics = await request(t.app).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/hazardline_db_pool_connections\{state="max"\} 5/);
    }
  });

  it.skipIf(!onPostgres)('when every pool connection is held, then /ready answers 503 within its timeout, and 200 once they are back', async () => {
    const holding = Array.from({ length: 5 }, () =>
      t.ctx.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_sleep(3)`;
      }, { timeout: 10_000, maxWait: 5_000 }),
    );
    await sleep(200);
    const started = Date.now();

    const res = await request(t.app).get('/ready').expect(503);

    expect(Date.now() - started).toBeLessThan(2_500);
    expect(res.body.pool).toMatchObject({ max: 5, total: 5, idle: 0 });
    expect(res.body.pool.waiting).toBeGreaterThan(0);
    await Promise.all(holding);
    await request(t.app).get('/ready').expect(200);
  }, 15_000);
});

describe('database error messages', () => {
  it('when a message carries a connection URL, then its password is masked', () => {
    expect(maskDatabaseUrl('connect to postgres://hazardline:s3cr3t@db:5432/x failed')).toBe(
      'connect to postgres://hazardline:****@db:5432/x failed',
    );
    expect(maskDatabaseUrl('postgresql://u@db/x')).toBe('postgresql://u@db/x');
  });
});
