// Zod pieces every API shares: P-codes and the opaque pagination cursor.
import { z } from 'zod';

// P-codes are digits with an optional country prefix (0102, KH0102); anything else is a typo, not a filter.
export const PcodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{0,3}\d{1,12}$/, 'must be a P-code such as 01 or 0102')
  .transform((v) => v.toUpperCase());

/** The cursor is the last id seen, base64url-encoded so clients treat it as opaque and never do arithmetic on it. */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

export const CursorSchema = z.string().transform((value, ctx) => {
  const decoded = /^[A-Za-z0-9_-]{1,24}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
  const id = /^\d{1,10}$/.test(decoded) ? Number(decoded) : NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
    return z.NEVER;
  }
  return id;
});
