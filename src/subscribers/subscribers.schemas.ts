// Zod at the edge of the subscribers admin API; the services below take the plain inferred types.
import { z } from 'zod';
import { CursorSchema, PcodeSchema, encodeCursor } from '../lib/schemas.js';
import { SUPPORTED_LOCALES } from '../config.js';
import { SubscriberStatus } from '../generated/prisma/enums.js';

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

export { encodeCursor };
