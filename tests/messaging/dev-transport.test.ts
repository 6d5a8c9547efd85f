// The dev transport must let the whole service run without an account: it records, logs masked, and
// reports every send as delivered.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createDevTransport, type DevSend } from '../../src/messaging/dev-transport.js';
import { createTransport } from '../../src/messaging/index.js';
import { testConfig } from '../../src/config.js';
import { randomKhPhone, randomSid } from '../support/factories.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({}, stream), lines };
}

describe('dev transport', () => {
  it('when an SMS is sent, then it is recorded and reported delivered with a DEV id', async () => {
    const { log } = capture();
    const seen: DevSend[] = [];
    const dev = createDevTransport({ log, onSend: (s) => seen.push(s) });
    const to = randomKhPhone();

    const result = await dev.sendSms({ to, from: '+85523000111', body: 'Stop. Go back in your own footsteps.' });

    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^DEV[0-9a-f]{32}$/), status: 'delivered' });
    expect(dev.sent).toEqual([{ kind: 'sms', to, from: '+85523000111', body: 'Stop. Go back in your own footsteps.', at: expect.any(Date), providerId: result.ok ? result.providerId : '' }]);
    expect(seen).toEqual(dev.sent);
  });

  it('when a send is logged, then the phone is masked and a long body is cut to 200 characters', async () => {
    const { log, lines } = capture();
    const dev = createDevTransport({ log });
    const to = randomKhPhone();

    await dev.sendSms({ to, body: 'x'.repeat(500) });
    await new Promise((r) => setImmediate(r));

    const raw = JSON.stringify(lines);
    expect(raw).not.toContain(to);
    expect(lines[0]?.to).toBe(`+855****${to.slice(-4)}`);
    expect(String(lines[0]?.body)).toHaveLength(201); // 200 characters and an ellipsis
    expect(dev.sent[0]?.body).toHaveLength(500); // the record keeps the whole body
  });

  it('when a call is placed, then its TwiML is recorded as the body', async () => {
    const { log } = capture();
    const dev = createDevTransport({ log });

    const result = await dev.placeCall({ to: randomKhPhone(), twiml: '<Response><Say>Alert</Say></Response>' });

    expect(result).toMatchObject({ ok: true, status: 'delivered' });
    expect(dev.sent[0]).toMatchObject({ kind: 'call', body: '<Response><Say>Alert</Say></Response>' });
  });

  it('when more than 1,000 sends are made, then only the last 1,000 are kept', async () => {
    const dev = createDevTransport({ log: pino({ level: 'silent' }) });

    for (let i = 0; i < 1005; i++) await dev.sendSms({ to: randomKhPhone(), body: `m${i}` });

    expect(dev.sent).toHaveLength(1000);
    expect(dev.sent[0]?.body).toBe('m5');
    expect(dev.sent.at(-1)?.body).toBe('m1004');
  });
});

describe('createTransport', () => {
  const log = pino({ level: 'silent' });

  it('when no Twilio account is configured, then the dev transport is used', () => {
    expect(createTransport(testConfig(), log).name).toBe('dev');
  });

  it('when an account and a sender are configured, then the Twilio transport is used', () => {
    const config = testConfig({ TWILIO_ACCOUNT_SID: randomSid('AC'), TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+85523000111' });
    expect(createTransport(config, log).name).toBe('twilio');
  });

  it('when an account has no sender, then start-up fails naming TWILIO_FROM', () => {
    const config = testConfig({ TWILIO_ACCOUNT_SID: randomSid('AC'), TWILIO_AUTH_TOKEN: 'token' });
    expect(() => createTransport(config, log)).toThrow(/TWILIO_FROM/);
  });
});
