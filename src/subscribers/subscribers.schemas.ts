// Zod at the edge of the subscribers admin API; the services below take the plain inferred types.
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../config.js';
import { SubscriberStatus } from '../generated/prisma/enums.js';

// P-codes are digits with an optional country prefix (0102, KH0102); anything else is a typo, not a filter.
const PcodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{0,3}\d{1,12}$/, 'must be a P-code such as 01 or 0102')
  .transform((v) => v.toUpperCase());

/** The cursor is the last id seen, base64url-encoded so clients treat it as opaque and never do arithmetic on it. */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

const CursorSchema = z.string().transform((value, ctx) => {
  const decoded = /^[A-Za-z0-9_-]{1,24}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
  const id = /^\d{1,10}$/.test(decoded) ? Number(decoded) : NaN;
  if (!Number.isSafeInteger(id) || id < 0 || id > 2_147_483_647) {
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
    return z.NEVER;
  }
  return id;
});

// Strict, so a misspelt filter (?distrct=01) is a 400 rather than a silently unfiltered list.
export const ListSubscribersQuerySchema = z.strictObject({
  district: PcodeSchema.optional(),
  language: z.enum(SUPPORTED_LOCALES).optional(),
  status: z.enum(SubscriberStatus).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
export type ListSubscribersQuery = z.infer<typeof ListSubscribersQuerySchema>;

export const CreateSubscriberBodySchema = z.strictObject({
  phone: z.string().trim().min(1).max(40),
  // A P-code or a place name; names are resolved against the gazetteer like a JOIN message.
  district: z.string().trim().min(1).max(100),
  language: z.enum(SUPPORTED_LOCALES).optional(),
});
export type CreateSubscriberBody = z.infer<typeof CreateSubscriberBodySchema>;
