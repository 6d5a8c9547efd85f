// A signed webhook is ours only if it is for our account: with TWILIO_ACCOUNT_SID set, another AccountSid is 403.
import request from 'supertest';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { PUBLIC_BASE_URL, TEST_AUTH_TOKEN, signTwilio } from '../support/app.js';
import { inboundSms, randomKhPhone, randomSid } from '../support/factories.js';

const OUR_ACCOUNT = `AC${'ab12'.repeat(8)}`;
const OTHER_ACCOUNT = `AC${'cd34'.repeat(8)}`;
let testDb: TestDatabase;
let ctx: AppContext;
let app: Express;
const lines: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  const config = testConfig({
    TWILIO_ACCOUNT_SID: OUR_ACCOUNT,
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    TWILIO_FROM: '+85523000111',
    PUBLIC_BASE_URL,
  });
  const log = createLogger('info', {}, { write: (line: string) => void lines.push(line) });
  ctx = buildContext(config, testDb.db, { clock: manualClock(new Date()), log });
  app = createApp(ctx);
});
afterAll(() => testDb.cleanup());

const post = (path: string, params: Record<string, string>) =>
  request(app).post(path).type('form').set('X-Twilio-Signature', signTwilio(path, params)).send(params);

describe('AccountSid of a signed webhook', () => {
  it('when an inbound SMS is for our account, then it is accepted and stored', async () => {
    const params = inboundSms(randomKhPhone(), 'hello', { AccountSid: OUR_ACCOUNT });

    await post('/webhooks/twilio/sms', params).expect(200);

    expect(await ctx.prisma.inboundMessage.count({ where: { messageSid: params.MessageSid } })).toBe(1);
  });

  it('when a correctly signed inbound SMS names another account, then it is 403, not stored, and logged with the SID masked', async () => {
    const params = inboundSms(randomKhPhone(), 'hello', { AccountSid: OTHER_ACCOUNT });

    const res = await post('/webhooks/twilio/sms', params);

    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    expect(await ctx.prisma.inboundMessage.count({ where: { messageSid: params.MessageSid } })).toBe(0);
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === 'rejected Twilio webhook for another account');
    expect(warning).toMatchObject({ level: 'warn', accountSid: 'ACcd…cd34' });
    expect(lines.join('')).not.toContain(OTHER_ACCOUNT);
  });

  it('when a status callback names another account, then it is 403', async () => {
    const params = { MessageSid: randomSid(), MessageStatus: 'delivered', AccountSid: OTHER_ACCOUNT };

    const res = await post('/webhooks/twilio/status', params);

    expect(res.status).toBe(403);
  });

  it('when a status callback is for our account, then it is accepted', async () => {
    const params = { MessageSid: randomSid(), MessageStatus: 'delivered', AccountSid: OUR_ACCOUNT };

    await post('/webhooks/twilio/status', params).expect(204);
  });
});
