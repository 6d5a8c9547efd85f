// Zod at the edge of /api/teams: clearance teams, the admin units they cover and their on-call contacts.
import { z } from 'zod';
import { PcodeSchema } from '../lib/schemas.js';
import { SUPPORTED_LOCALES } from '../config.js';

const ContactSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(1).max(40),
  // Omitted: the service's default locale.
  language: z.enum(SUPPORTED_LOCALES).optional(),
});
export type ContactInput = z.infer<typeof ContactSchema>;

// Whether http is allowed depends on NODE_ENV, so the service checks the scheme against the config.
const WebhookUrlSchema = z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2000);
const WebhookSecretSchema = z.string().min(16, 'must be at least 16 characters').max(200);

const fields = {
  name: z.string().trim().min(1).max(100),
  organisation: z.string().trim().max(200).transform((v) => v || null).nullable().optional(),
  isFallback: z.boolean().optional(),
  // In on-call order: the first is alerted first, escalation walks down the list.
  contacts: z.array(ContactSchema).min(1, 'a team needs at least one on-call contact').max(50),
  // A province P-code covers all its districts: routing walks a report's ancestors.
  coverage: z.array(PcodeSchema).max(1000),
};

export const CreateTeamBodySchema = z.strictObject({
  ...fields,
  coverage: fields.coverage.default([]),
  webhookUrl: WebhookUrlSchema.optional(),
  webhookSecret: WebhookSecretSchema.optional(),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBodySchema>;

export const UpdateTeamBodySchema = z
  .strictObject({
    name: fields.name.optional(),
    organisation: fields.organisation,
    isFallback: fields.isFallback,
    contacts: fields.contacts.optional(),
    coverage: fields.coverage.optional(),
    // null removes the webhook (and its secret).
    webhookUrl: WebhookUrlSchema.nullable().optional(),
    webhookSecret: WebhookSecretSchema.nullable().optional(),
    // true brings back a team that was deleted (deactivated).
    active: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one field to change' });
export type UpdateTeamBody = z.infer<typeof UpdateTeamBodySchema>;

export const TeamIdSchema = z.strictObject({
  id: z.string().regex(/^\d{1,10}$/, 'must be a team id').transform(Number).pipe(z.number().int().min(1).max(2_147_483_647)),
});

export const ListTeamsQuerySchema = z.strictObject({
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
