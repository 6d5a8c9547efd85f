import { describe, expect, it } from 'vitest';
import { InboundSmsSchema, OptOutTypeSchema, type OptOutType } from '../../src/webhooks/twilio.schemas.js';
import { inboundSms, randomKhPhone } from '../support/factories.js';

describe('InboundSmsSchema OptOutType (Twilio Advanced Opt-Out)', () => {
  it.each(['STOP', 'START', 'HELP'] as const)('when Twilio posts OptOutType=%s, then it is parsed', (value) => {
    const body = InboundSmsSchema.parse(inboundSms(randomKhPhone(), 'stop', { OptOutType: value }));
    const type: OptOutType | undefined = body.OptOutType;
    expect(type).toBe(value);
  });

  it('when there is no OptOutType, then it is undefined', () => {
    expect(InboundSmsSchema.parse(inboundSms(randomKhPhone(), 'hello')).OptOutType).toBeUndefined();
  });

  it('when the value is in another case or unknown, then it is normalised or ignored, never a reason to refuse the message', () => {
    expect(InboundSmsSchema.parse(inboundSms(randomKhPhone(), 'stop', { OptOutType: ' stop ' })).OptOutType).toBe('STOP');
    expect(InboundSmsSchema.parse(inboundSms(randomKhPhone(), 'x', { OptOutType: 'UNSUBSCRIBE' })).OptOutType).toBeUndefined();
    expect(OptOutTypeSchema.parse('help\u0000')).toBeUndefined();
  });
});

describe('InboundSmsSchema cleaning', () => {
  it('when any field holds a NUL, then the parsed body has it removed, also in fields the schema does not list', () => {
    const body = InboundSmsSchema.parse(inboundSms(randomKhPhone(), 'a\u0000b', { FromCity: 'Pailin\u0000', NumMedia: '1', MediaUrl0: 'https://example.test/m\u0000' }));
    expect(body).toMatchObject({ Body: 'ab', FromCity: 'Pailin', MediaUrl0: 'https://example.test/m' });
  });
});
