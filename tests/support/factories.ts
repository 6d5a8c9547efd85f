// Test data with random phone numbers and SIDs so tests never collide, even on a shared PostgreSQL.
import { randomBytes, randomInt } from 'node:crypto';

/** A valid Cambodian mobile number (Smart 010/015/016/069/070/081/086/087/093/096/098 ranges). */
export function randomKhPhone(): string {
  const prefix = ['10', '15', '16', '69', '70', '81', '86', '93', '96', '98'][randomInt(10)];
  return `+855${prefix}${String(randomInt(1_000_000)).padStart(6, '0')}`;
}

/** A Lao mobile number (020 + 8 digits). */
export function randomLaPhone(): string {
  return `+85620${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

/** A Colombian mobile number (3xx + 7 digits). */
export function randomCoPhone(): string {
  return `+57310${String(randomInt(10_000_000)).padStart(7, '0')}`;
}

export function randomSid(prefix = 'SM'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export function inboundSms(from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: randomSid(),
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: '+85523000000',
    Body: body,
    NumMedia: '0',
    ...extra,
  };
}
