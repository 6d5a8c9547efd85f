// Team webhooks go through the outbox like SMS: signed with the team's secret at send time, retried on 5xx.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { createOutboxFake, createTestDispatcher, fakeTransport } from '../support/outbox.js';
import type { FakeTwilio } from '../support/fake-twilio.js';
import { createHttpForwarder, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/messaging/forwarder.js';
import { enqueue } from '../../src/outbox/enqueue.js';

interface Received { headers: IncomingMessage['headers']; body: string }

let tdb: TestDatabase;
let fake: FakeTwilio;
let server: Server;
let url: string;
const received: Received[] = [];
let answer = 200;

beforeAll(async () => {
  tdb = await createTestDatabase();
  fake = createOutboxFake();
  await fake.start();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fake.close();
  await tdb.cleanup();
});

async function webhookRow(secret: string | null) {
  const prisma = tdb.db.prisma;
  const team = await prisma.clearanceTeam.create({ data: { name: `Team ${Math.random()}`, webhookUrl: url, webhookSecret: secret } });
  const report = await prisma.hazardReport.create({ data: { originalText: 'mine', reporterPhone: '+85512345678' } });
  const alert = await prisma.alert.create({ data: { reportId: report.id, teamId: team.id } });
  const body = JSON.stringify({ event: 'report.dispatched', report: { id: report.id } });
  return enqueue(prisma, { kind: 'webhook', channel: 'webhook', to: url, body, reportId: report.id, alertId: alert.id });
}

function dispatcher() {
  return createTestDispatcher(tdb.db.prisma, fakeTransport(fake), {}, { forwarder: createHttpForwarder({ timeoutMs: 2000 }) });
}

describe('team webhooks', () => {
  it('when a webhook row is due, then the JSON is POSTed with a signature the team can verify', async () => {
    received.length = 0;
    answer = 200;
    const row = await webhookRow('s3cret-0123456789abcdef');
    await dispatcher().drain();

    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(JSON.parse(got.body)).toEqual(JSON.parse(row.body));
    const ts = String(got.headers[TIMESTAMP_HEADER.toLowerCase()]);
    expect(got.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(signWebhook('s3cret-0123456789abcdef', ts, got.body));
    expect(await tdb.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'delivered' });
    expect(fake.messages()).toHaveLength(0);
  });

  it('when the receiver answers 500, then the webhook is retried; when it answers 404, it fails at once', async () => {
    received.length = 0;
    answer = 500;
    const row = await webhookRow(null);
    const d = dispatcher();
    await d.runOnce();
    expect(await tdb.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'pending', attempts: 1, lastErrorCode: 'HTTP500' });

    answer = 404;
    await tdb.db.prisma.$executeRaw`UPDATE outbox SET next_attempt_at = now() WHERE id = ${row.id}`;
    await d.drain();
    expect(await tdb.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed', attempts: 2, lastErrorCode: 'HTTP404' });
    expect(received).toHaveLength(2);
    expect(received[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });
});

describe('database clock', () => {
  it('when the database opens, then the session runs in UTC so due times compare correctly', async () => {
    const [row] = await tdb.db.prisma.$queryRaw<{ tz: string }[]>`SELECT current_setting('TimeZone') AS tz`;
    expect(row?.tz).toBe('UTC');
  });

  it('when a row is due in an hour, then it is not claimed now', async () => {
    const prisma = tdb.db.prisma;
    const row = await enqueue(prisma, { kind: 'alert', to: '+85512345670', body: 'later', notBefore: new Date(Date.now() + 3_600_000) });
    await dispatcher().drain();
    expect(await prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
