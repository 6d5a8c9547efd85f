// Provider faults (issue 8): Twilio hangs, answers slowly, resets connections, answers 429/5xx. The service
// keeps answering webhooks and /health, no transaction stays open across a provider call, and once Twilio
// recovers every alert has been delivered exactly once. Transport and dispatcher come from the server's own
// factories (createTransport through buildContext, createDispatcher) over a config pointing at the fake.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { onPostgres } from '../support/db.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';
import { enqueue } from '../../src/outbox/enqueue.js';
import { createDispatcher } from '../../src/bootstrap.js';
import type { Dispatcher } from '../../src/outbox/dispatcher.js';
import type { OutboxMessage } from '../../src/generated/prisma/client.js';
import { countBy, createOutboxFake, FROM, uniqueBody, waitUntil } from '../support/outbox.js';

const TIMEOUT_MS = 300;
const fake = createOutboxFake();
let t: TestApp;
let dispatcher: Dispatcher | undefined;

beforeAll(async () => {
  await fake.start();
  t = await createTestApp({
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_FROM: FROM,
    TWILIO_API_BASE_URL: fake.baseUrl,
    TWILIO_TIMEOUT_MS: String(TIMEOUT_MS),
    SEND_CLAIM_TIMEOUT_SECONDS: '5',
  });
});
afterAll(async () => {
  await fake.close();
  await t.close();
});
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  fake.clear();
  await t.ctx.prisma.outboxMessage.updateMany({ where: { status: { in: ['pending', 'sending', 'unknown'] } }, data: { status: 'cancelled' } });
});

function startDispatcher() {
  dispatcher = createDispatcher(t.ctx, {
    pollMs: 20, retryBaseMs: 50, retryMaxMs: 300, maxAttempts: 50, reconcileGraceMs: 200, reconcileResendAfterMs: 1500,
  });
  dispatcher.start();
  return dispatcher;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

it('when Twilio accepts the connection and never answers, then a send fails within about TWILIO_TIMEOUT_MS', async () => {
  fake.hang();
  const [result, ms] = await timed(() => t.ctx.transport.sendSms({ to: randomKhPhone(), body: uniqueBody('Hang') }));

  expect(result).toMatchObject({ ok: false, error: { kind: 'transient', maybeDelivered: true } });
  expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
});

type Fault = 'hang' | 'slow' | 'reset' | '429' | '503';

function applyFault(fault: Fault, label: string): () => void {
  switch (fault) {
    case 'hang':
      fake.hang();
      return () => fake.recover();
    case 'slow':
      fake.slow(2000);
      return () => fake.recover();
    case 'reset':
      fake.resets();
      return () => fake.recover();
    default:
      return fake.failWhen((p) => (p.Body ?? '').startsWith(label), { status: Number(fault) });
  }
}

describe.each(['hang', 'slow', 'reset', '429', '503'] as const)('when Twilio %s for a few seconds', (fault) => {
  it('then webhooks and /health answer at once, no transaction waits on Twilio, and every alert is delivered exactly once', async () => {
    const label = `Fault ${fault}`;
    const alerts: OutboxMessage[] = [];
    for (let i = 0; i < 10; i++) alerts.push(await enqueue(t.ctx.prisma, { kind: 'alert', to: randomKhPhone(), body: uniqueBody(`${label} ${i}`) }));
    const recover = applyFault(fault, label);
    startDispatcher();
    await new Promise((r) => setTimeout(r, 400));

    const until = performance.now() + 2500;
    let worst = 0;
    while (performance.now() < until) {
      const [, health] = await timed(() => request(t.app).get('/health').expect(200));
      const sms = inboundSms(randomKhPhone(), 'HELP', { AccountSid: fake.accountSid });
      const [, hook] = await timed(() => t.postTwilio('/webhooks/twilio/sms', sms).expect(200));
      // Another writer touching the very rows the dispatcher holds is not blocked by it.
      const [, write] = await timed(() =>
        t.ctx.prisma.$executeRaw`UPDATE outbox SET updated_at = updated_at WHERE id = ANY(${alerts.map((a) => a.id)}::int[])`);
      worst = Math.max(worst, health, hook, write);
      if (onPostgres) {
        const [open] = await t.ctx.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second'`;
        expect(Number(open!.n)).toBe(0);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(worst).toBeLessThan(1000);
    recover();

    await waitUntil(async () => {
      const n = await t.ctx.prisma.outboxMessage.count({ where: { id: { in: alerts.map((a) => a.id) }, status: { in: ['sent', 'delivered'] } } });
      return n === alerts.length;
    }, 20_000, `all alerts sent after ${fault}`);

    const delivered = countBy(fake.accepted(), (r) => `${r.params.To}|${r.params.Body}`);
    for (const a of alerts) expect(delivered.get(`${a.recipient}|${a.body}`)).toBe(1);
  }, 40_000);
});
