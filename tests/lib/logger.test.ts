import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildContext } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { manualClock } from '../../src/lib/clock.js';
import { createLogger, maskPhone, maskPhonesIn } from '../../src/lib/logger.js';
import { createTestDatabase } from '../support/db.js';

/** A logger whose JSON lines are kept in memory. */
function capturingLogger(level = 'info') {
  const lines: string[] = [];
  const log = createLogger(level, { instance: 'test' }, { write: (line: string) => void lines.push(line) });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, entries };
}

describe('maskPhone', () => {
  it('when given a Cambodian number, then it keeps the country code and the last four digits', () => {
    expect(maskPhone('+85512345678')).toBe('+855****5678');
  });

  it('when the number is written with spaces and dashes, then it is masked the same way', () => {
    expect(maskPhone('+855 12-345-678')).toBe('+855****5678');
  });

  it('when the text is too short to be a phone number, then nothing of it is shown', () => {
    expect(maskPhone('+8551')).toBe('****');
  });
});

describe('maskPhonesIn', () => {
  it('when text holds phone numbers, then each is masked and the rest of the text is kept', () => {
    const masked = maskPhonesIn('SMS from +85512345678 forwarded to +573001234567.');

    expect(masked).toBe('SMS from +855****5678 forwarded to +573****4567.');
  });

  it('when text holds bare digit runs such as ids and timestamps, then they are left alone', () => {
    const text = 'applied migration 20261123190604_init for subscriber 12345678 at 1732390000000';

    expect(maskPhonesIn(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('when a request with an Authorization header is logged, then the header is redacted', () => {
    const { log, lines, entries } = capturingLogger();

    log.info({ req: { headers: { authorization: 'Bearer hl_supersecretvalue', host: 'x' } } }, 'request');

    expect(lines.join('')).not.toContain('hl_supersecretvalue');
    expect(entries()[0]).toMatchObject({ req: { headers: { authorization: '[redacted]', host: 'x' } } });
  });

  it('when an object with an authToken is logged, then the token is redacted', () => {
    const { log, lines, entries } = capturingLogger();

    log.warn({ twilio: { authToken: 'twilio-token-value', accountSid: 'AC123' } }, 'twilio config');

    expect(lines.join('')).not.toContain('twilio-token-value');
    expect(entries()[0]).toMatchObject({ level: 'warn', twilio: { authToken: '[redacted]', accountSid: 'AC123' } });
  });

  it('when secrets sit at the top level or deeper, then they are redacted at every depth', () => {
    const { log, lines } = capturingLogger();

    log.info({ authToken: 'top-secret-1', config: { twilio: { authToken: 'deep-secret-2' } }, headers: { authorization: 'Bearer deep-3' } }, 'cfg');

    expect(lines.join('')).not.toMatch(/top-secret-1|deep-secret-2|deep-3/);
  });

  it('when phone numbers are in fields or error messages, then they are masked there too', () => {
    const { log, lines, entries } = capturingLogger();

    log.error({ phone: '+85512345678', err: new Error('The To number +85598765432 is not valid') }, 'send failed');

    log.error(new Error('boom for +85511223344'));

    expect(lines.join('')).not.toMatch(/12345678|98765432|11223344/);
    expect(entries()[0]).toMatchObject({ phone: '+855****5678', err: { message: 'The To number +855****5432 is not valid' } });
    expect(entries()[1]).toMatchObject({ msg: 'boom for +855****3344', err: { type: 'Error' } });
  });

  it('when a message mentions phone numbers, then they are masked in the message', () => {
    const { log, lines, entries } = capturingLogger();

    log.info({ kind: 'sms' }, 'reply sent to +85512345678');
    log.info('forwarded to %s', '+573001234567');

    expect(lines.join('')).not.toMatch(/12345678|3001234567/);
    expect(entries().map((e) => e.msg)).toEqual(['reply sent to +855****5678', 'forwarded to +573****4567']);
  });

  it('when logging, then each line carries the service name, the bindings and a level label', () => {
    const { log, entries } = capturingLogger();

    log.error('boom');

    expect(entries()[0]).toMatchObject({ service: 'hazardline', instance: 'test', level: 'error', msg: 'boom' });
  });

  it('when the level is above a message, then the message is not written', () => {
    const { log, lines } = capturingLogger('warn');

    log.info('quiet');
    log.debug('quieter');

    expect(lines).toEqual([]);
  });
});

describe('access log lines', () => {
  it('when a request completes, then its line carries the status code and response time, with phones in the path masked', async () => {
    const testDb = await createTestDatabase();
    try {
      const { log, lines, entries } = capturingLogger();
      const adminKey = 'test-admin-key-0123456789';
      const ctx = buildContext(testConfig({ ADMIN_API_KEY: adminKey }), testDb.db, { clock: manualClock(new Date()), log });
      const app = createApp(ctx);

      await request(app).get('/api/teams').set('Authorization', `Bearer ${adminKey}`).expect(200);
      await request(app).get('/nowhere/+85512345678?phone=%2B85598765432').expect(404);

      const access = entries().filter((e) => e.msg === 'request completed');
      expect(access).toHaveLength(2);
      expect(access[0]).toMatchObject({ level: 'info', req: { method: 'GET', path: '/api/teams' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });
      expect(access[1]).toMatchObject({ level: 'warn', req: { path: '/nowhere/+855****5678' }, res: { statusCode: 404 }, responseTime: expect.any(Number) });
      expect(lines.join('')).not.toMatch(/12345678|98765432/);
    } finally {
      await testDb.cleanup();
    }
  });
});
