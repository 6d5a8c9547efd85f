// A login is an email (compared lower-case) or an E.164 phone number. Normalised once here, so the throttle,
// the lookup and the audit line all see the same value.
import { createHash } from 'node:crypto';
import { maskPhone } from '../lib/logger.js';

export const E164_RE = /^\+[1-9]\d{6,14}$/;

export type Login = { kind: 'email'; value: string } | { kind: 'phone'; value: string };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normaliseLogin(login: string): Login {
  const trimmed = login.trim();
  if (!trimmed.includes('@')) {
    // Spaces, dashes, dots and brackets are how people write numbers; a leading 00 means +.
    const phone = trimmed.replace(/[\s().-]/g, '').replace(/^00/, '+');
    if (E164_RE.test(phone)) return { kind: 'phone', value: phone };
  }
  return { kind: 'email', value: normaliseEmail(trimmed) };
}

/** The throttle's key: a hash, so the table holds no addresses (also of people who only mistyped theirs). */
export function loginKey(login: Login): string {
  return createHash('sha256').update(`${login.kind}:${login.value}`, 'utf8').digest('hex');
}

/** For audit lines and logs: enough to recognise one's own login, not enough to harvest it. */
export function maskLogin(login: Login): string {
  if (login.kind === 'phone') return maskPhone(login.value);
  const at = login.value.lastIndexOf('@');
  if (at < 0) return `${login.value.slice(0, 1)}***`;
  return `${login.value.slice(0, Math.min(2, at))}***${login.value.slice(at)}`.slice(0, 120);
}
