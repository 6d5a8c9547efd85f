// A whole app on a real test database, with signature checking ON and helpers to sign like Twilio does.
import twilio from 'twilio';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { buildContext, createInboundWorkerFor } from '../../src/bootstrap.js';
import type { InboundWorker } from '../../src/inbound/inbound-worker.js';
import type { InboundMessage } from '../../src/generated/prisma/client.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { inboundSms } from './factories.js';
import { readFileSync } from 'node:fs';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';

export const TEST_AUTH_TOKEN = 'test_auth_token_0123456789abcdef';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
export const PUBLIC_BASE_URL = 'https://hazardline.test';

export interface TestApp {
  app: Express;
  ctx: AppContext;
  clock: ReturnType<typeof manualClock>;
  testDb: TestDatabase;
  /** This app's inbound worker (not started: tests drain it when they want messages processed). */
  inbound: InboundWorker;
  /**
   * A villager or team SMS end to end: the signed webhook (which must answer 200 with an empty TwiML), the
   * inbound worker drained, and the reply the worker queued in the outbox (null when none).
   */
  sms(from: string, body: string, extra?: Record<string, string>): Promise<{ res: request.Response; params: Record<string, string>; inbound: InboundMessage; reply: string | null }>;
  /** POSTs a Twilio-signed form to a webhook path. */
  postTwilio(path: string, params: Record<string, string>): request.Test;
  /** A request with the admin bearer key. */
  api(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, key?: string): request.Test;
  close(): Promise<void>;
}

export function signTwilio(path: string, params: Record<string, string>, token = TEST_AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, `${PUBLIC_BASE_URL}${path}`, params);
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const config = testConfig({
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    PUBLIC_BASE_URL,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    ...env,
  });
  const clock = manualClock(new Date());
  const ctx = buildContext(config, testDb.db, { clock, log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  const inbound = createInboundWorkerFor(ctx);
  const app = createApp(ctx);
  const postTwilio = (path: string, params: Record<string, string>) =>
    request(app).post(path).type('form').set('X-Twilio-Signature', signTwilio(path, params)).send(params);
  return {
    app,
    ctx,
    clock,
    testDb,
    inbound,
    async sms(from, body, extra = {}) {
      const params = inboundSms(from, body, extra);
      const res = await postTwilio('/webhooks/twilio/sms', params);
      if (res.status !== 200 || !/^<\?xml[^>]*><Response\/>$/.test(res.text)) {
        throw new Error(`webhook answered ${res.status} ${res.text}`);
      }
      await inbound.drain();
      const row = await ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: params.MessageSid } });
      const out = await ctx.prisma.outboxMessage.findUnique({ where: { dedupeKey: `inbound:${row.id}:reply` } });
      return { res, params, inbound: row, reply: out?.body ?? null };
    },
    postTwilio,
    api(method, path, key = TEST_ADMIN_KEY) {
      return request(app)[method](path).set('Authorization', `Bearer ${key}`);
    },
    close: () => testDb.cleanup(),
  };
}

/** A test app with the demo gazetteer (north-west Cambodia's provinces and districts) loaded and matched. */
export async function createTestAppWithDemoGazetteer(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp(env);
  await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
  t.ctx.places.invalidate();
  return t;
}
