// First run: with no user, start-up makes a one-time setup link and says it in the log and on stdout.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_BASE_URL, type TestApp } from '../support/app.js';
import { announceFirstRun } from '../../src/accounts/first-run.js';
import { createLogger } from '../../src/lib/logger.js';
import { makeUser, PASSWORD, randomEmail } from '../support/accounts.js';
import { testConfig } from '../../src/config.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A logger that keeps its lines, to see what an operator would. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', {}, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { log, lines };
}

describe('first run', () => {
  it('when no user exists, then a setup link is logged at warn and printed, and it creates the admin once', async () => {
    const { log, lines } = capturingLogger();
    const printed: string[] = [];

    const link = await announceFirstRun({ ...t.ctx, log }, (l) => printed.push(l));

    expect(link).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/setup\\?token=[A-Za-z0-9_-]{20,}$`));
    expect(printed.join('\n')).toContain(`First run: open ${link} to create the administrator`);
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ setupLink: link });
    const token = new URL(link!).searchParams.get('token')!;
    await request(t.app).post('/api/setup').send({ token, email: randomEmail(), name: 'Admin', password: PASSWORD }).expect(201);
    expect((await request(t.app).post('/api/setup').send({ token, email: randomEmail(), name: 'Again', password: PASSWORD })).status).toBe(409);
  });

  it('when PUBLIC_BASE_URL is not set, then the link points at localhost and the port', () => {
    expect(testConfig({ PORT: '3123' }).publicBaseUrl).toBe('http://localhost:3123');
  });

  it('when a user exists, then nothing is made or printed', async () => {
    await makeUser(t.ctx);
    const printed: string[] = [];
    const before = await t.ctx.prisma.setupToken.count();

    expect(await announceFirstRun(t.ctx, (l) => printed.push(l))).toBeNull();

    expect(printed).toEqual([]);
    expect(await t.ctx.prisma.setupToken.count()).toBe(before);
  });

  it('when a setup token is older than 24 hours, then it no longer works', async () => {
    const other = await createTestApp();
    try {
      const link = await announceFirstRun(other.ctx, () => {});
      other.clock.advance(24 * 3_600_000 + 1000);
      const token = new URL(link!).searchParams.get('token')!;
      const res = await request(other.app).post('/api/setup').send({ token, email: randomEmail(), name: 'Late', password: PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('setup_token_invalid');
    } finally {
      await other.close();
    }
  });
});
