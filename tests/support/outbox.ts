// Helpers for outbox tests: a Dispatcher with test-sized timings, the real twilio transport pointed at the
// fake, row factories, and the sliding-window count used to check pacing from the fake's arrival times.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Dispatcher, DispatcherOptions } from '../../src/outbox/dispatcher.js';
import { createTransport } from '../../src/messaging/index.js';
import type { Transport } from '../../src/messaging/transport.js';
import type { Forwarder } from '../../src/messaging/forwarder.js';
import { createDispatcher } from '../../src/bootstrap.js';
import { testConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';
import type { Db } from '../../src/lib/db.js';
import { createFakeTwilio, type FakeTwilio, type FakeTwilioOptions } from './fake-twilio.js';
import { PUBLIC_BASE_URL, TEST_AUTH_TOKEN } from './app.js';
import { randomKhPhone, randomSid } from './factories.js';

export const FROM = '+85523000000';
export const STATUS_PATH = '/webhooks/twilio/status';

/** A fake Twilio that signs callbacks with the test app's auth token, so they pass its signature check. */
export function createOutboxFake(opts: Partial<FakeTwilioOptions> = {}): FakeTwilio {
  return createFakeTwilio({ accountSid: randomSid('AC'), authToken: TEST_AUTH_TOKEN, ...opts });
}

/** How tests talk to the fake: overrides of the TWILIO_* settings a server would have. */
export interface FakeTransportOptions {
  timeoutMs?: number;
  from?: string;
  messagingServiceSid?: string;
}

/** The config a server pointed at the fake would load (plus any other variables in `env`). */
export function fakeConfig(fake: FakeTwilio, over: FakeTransportOptions = {}, env: Record<string, string> = {}): Config {
  return testConfig({
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM: over.from ?? (over.messagingServiceSid ? undefined : FROM),
    TWILIO_MESSAGING_SERVICE_SID: over.messagingServiceSid,
    TWILIO_API_BASE_URL: fake.baseUrl,
    TWILIO_TIMEOUT_MS: String(over.timeoutMs ?? 5000),
    PUBLIC_BASE_URL,
    ...env,
  });
}

/** The real twilio transport pointed at the fake, built by the server's own factory from a config. */
export function fakeTransport(fake: FakeTwilio, over: FakeTransportOptions = {}): Transport {
  return createTransport(fakeConfig(fake, over), createLogger('silent'));
}

/** Test-sized timings the config would not allow (retries after milliseconds); unpaced unless asked. */
export function dispatcherOptions(over: Partial<DispatcherOptions> = {}): Partial<DispatcherOptions> {
  return {
    instanceId: `test-${randomBytes(4).toString('hex')}`,
    smsRatePerSecond: 0,
    callsConcurrent: 2,
    concurrency: 10,
    claimTimeoutSeconds: 60,
    pollMs: 20,
    maxAttempts: 5,
    retryBaseMs: 20,
    retryMaxMs: 100,
    defaultSender: FROM,
    publicBaseUrl: PUBLIC_BASE_URL,
    ...over,
  };
}

/**
 * A dispatcher built by the server's createDispatcher, over a test config, with test-sized timings.
 * `forwarder` null (the default) means no team webhooks, like before; pass one to send them.
 */
export function createTestDispatcher(
  prisma: Db,
  transport: Transport,
  over: Partial<DispatcherOptions> = {},
  deps: { config?: Config; forwarder?: Forwarder | null } = {},
): Dispatcher {
  return createDispatcher(
    {
      config: deps.config ?? testConfig({ PUBLIC_BASE_URL, TWILIO_FROM: FROM }),
      prisma,
      transport,
      log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      clock: systemClock,
      forwarder: deps.forwarder ?? null,
    },
    dispatcherOptions(over),
  );
}

export async function createSubscriber(prisma: Db, over: { phone?: string; status?: 'active' | 'inactive' } = {}) {
  return prisma.subscriber.create({
    data: { phone: over.phone ?? randomKhPhone(), status: over.status ?? 'active', language: 'en', joinedAt: new Date() },
  });
}

export const outboxRow = (prisma: Db, id: number) => prisma.outboxMessage.findUniqueOrThrow({ where: { id } });

/** Makes every pending row (or the given ones) due now, instead of waiting out the backoff. */
export async function makeDue(prisma: Db, ids?: number[]): Promise<void> {
  if (ids) await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ANY(${ids}::int[])`;
  else await prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'`;
}

/** Makes every current claim look as if its process died ten minutes ago. */
export async function makeClaimsStale(prisma: Db): Promise<number> {
  return prisma.$executeRaw`UPDATE outbox SET claimed_at = now() - interval '10 minutes' WHERE status = 'sending'`;
}

/** A unique body, so the fake's requests can be matched back to rows. */
export const uniqueBody = (label: string) => `${label} ${randomBytes(5).toString('hex')}`;

/** The most timestamps in any half-open window [t, t + windowMs) starting at one of them. */
export function maxInWindow(times: number[], windowMs = 1000): number {
  const t = [...times].sort((a, b) => a - b);
  let max = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    if (j < i) j = i;
    while (j < t.length && t[j]! - t[i]! < windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

/** Counts occurrences of each key. */
export function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Counts rows by status, for "nothing left pending or sending". */
export async function statusCounts(prisma: Db): Promise<Record<string, number>> {
  const rows = await prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}

export const CHILD_SCRIPT = fileURLToPath(new URL('./outbox-dispatcher-child.ts', import.meta.url));

export interface ChildDispatcherEnv {
  databaseUrl: string;
  schema: string;
  fakeUrl: string;
  accountSid: string;
  authToken: string;
  instanceId: string;
  ratePerSecond: number;
}

/** Runs a Dispatcher in another process (see outbox-dispatcher-child.ts); resolves once it has started. */
export async function spawnChildDispatcher(env: ChildDispatcherEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], {
    env: {
      ...process.env,
      CHILD_DATABASE_URL: env.databaseUrl,
      CHILD_SCHEMA: env.schema,
      CHILD_FAKE_URL: env.fakeUrl,
      CHILD_ACCOUNT_SID: env.accountSid,
      CHILD_AUTH_TOKEN: env.authToken,
      CHILD_INSTANCE_ID: env.instanceId,
      CHILD_RATE: String(env.ratePerSecond),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child dispatcher exited (${code}) before starting: ${stderr}`)));
  });
  return child;
}

/**
 * The usual outbox test file: a started fake Twilio and a fresh test database for the file, and after each
 * test the fake forgotten (failures, delays, requests) and anything left queued cancelled, so nothing a test
 * leaves behind is sent by the next one. `prisma` is set once the database is open (use it inside tests).
 */
export function useOutboxFixture(): { fake: FakeTwilio; readonly prisma: Db } {
  const fake = createOutboxFake();
  let testDb: TestDatabase | undefined;
  beforeAll(async () => {
    await fake.start();
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await fake.close();
    await testDb?.cleanup();
  });
  afterEach(async () => {
    fake.clear();
    fake.delayAllMs = 0;
    await testDb!.db.prisma.outboxMessage.updateMany({ where: { status: { in: ['pending', 'sending'] } }, data: { status: 'cancelled' } });
  });
  return {
    fake,
    get prisma() {
      if (!testDb) throw new Error('the outbox fixture is used before its database is open');
      return testDb.db.prisma;
    },
  };
}
