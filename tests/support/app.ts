// A whole app on a real test database, with signature checking ON and helpers to sign like Twilio does.
import twilio from 'twilio';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const TEST_AUTH_TOKEN = 'test_auth_token_0123456789abcdef';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
export const PUBLIC_BASE_URL = 'https://hazardline.test';

export interface TestApp {
  app: Express;
  ctx: AppContext;
  clock: ReturnType<typeof manualClock>;
  testDb: TestDatabase;
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
  const app = createApp(ctx);
  return {
    app,
    ctx,
    clock,
    testDb,
    postTwilio(path, params) {
      return request(app).post(path).type('form').set('X-Twilio-Signature', signTwilio(path, params)).send(params);
    },
    api(method, path, key = TEST_ADMIN_KEY) {
      return request(app)[method](path).set('Authorization', `Bearer ${key}`);
    },
    close: () => testDb.cleanup(),
  };
}
