// Zod at the edge of /api/victims. Strict objects: an unknown field is a 400 naming it.
import { z } from 'zod';
import { CursorSchema, PcodeSchema } from '../lib/schemas.js';
import { SUPPORTED_LOCALES } from '../config.js';
import {
  ACTIVITIES, AGE_GROUPS, CATEGORIES, CONSENT_GIVERS, CONSENT_METHODS, CONSENT_PURPOSES, DEVICE_CATEGORIES, INJURIES,
  LEGAL_BASES, OUTCOMES, REFERRAL_STATUSES, RELATIONS, SERVICE_TYPES, SEXES,
} from './vocab.js';

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).transform((v) => v || null).nullable().optional();
const Phone = z.string().trim().min(4).max(40);

export const IdParamSchema = z.strictObject({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

const casualtyFields = {
  outcome: z.enum(OUTCOMES),
  sex: z.enum(SEXES),
  age: z.number().int().min(0).max(120).nullable(),
  ageGroup: z.enum(AGE_GROUPS),
  category: z.enum(CATEGORIES),
  activity: z.enum(ACTIVITIES),
  deviceCategory: z.enum(DEVICE_CATEGORIES),
  accidentDate: z.iso.date().nullable(),
  adminPcode: PcodeSchema.nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lon: z.number().min(-180).max(180).nullable(),
  injuries: z.array(z.enum(INJURIES)).max(INJURIES.length),
  name: optionalText(200),
  contactName: optionalText(200),
  contactPhone: Phone.nullable(),
  contactRelation: z.enum(RELATIONS).nullable(),
  language: z.enum(SUPPORTED_LOCALES),
  notes: optionalText(2000),
  reportId: z.number().int().min(1).nullable(),
};
const partial = <T extends Record<string, z.ZodType>>(f: T) =>
  Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };

export const CreateCasualtyBodySchema = z.strictObject({
  ...partial(casualtyFields),
  outcome: casualtyFields.outcome,
});
export type CreateCasualtyBody = z.infer<typeof CreateCasualtyBodySchema>;

export const UpdateCasualtyBodySchema = z
  .strictObject({ ...partial(casualtyFields), complete: z.boolean().optional().describe('true marks a placeholder as completed') })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one field to change' });
export type UpdateCasualtyBody = z.infer<typeof UpdateCasualtyBodySchema>;

export const ListCasualtiesQuerySchema = z.strictObject({
  status: z.enum(['placeholder', 'complete']).optional(),
  reportId: z.coerce.number().int().min(1).optional(),
  province: PcodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
export type ListCasualtiesQuery = z.infer<typeof ListCasualtiesQuerySchema>;

export const CreateConsentBodySchema = z
  .strictObject({
    purpose: z.enum(CONSENT_PURPOSES),
    organisation: optionalText(200).describe('sharing: the organisation the data may be shared with'),
    legalBasis: z.enum(LEGAL_BASES).default('consent'),
    givenBy: z.enum(CONSENT_GIVERS),
    givenByName: optionalText(200),
    method: z.enum(CONSENT_METHODS),
    givenAt: z.iso.datetime({ offset: true }).optional(),
    notes: optionalText(1000),
  })
  .refine((b) => b.purpose !== 'sharing' || Boolean(b.organisation), { message: 'consent to sharing names the organisation', path: ['organisation'] })
  .refine((b) => b.legalBasis !== 'vital_interests' || b.purpose === 'services', { message: 'vital interests only cover services (emergency care)', path: ['legalBasis'] });
export type CreateConsentBody = z.infer<typeof CreateConsentBodySchema>;

export const WithdrawConsentBodySchema = z.strictObject({ notes: optionalText(1000) });

const providerFields = {
  name: text(200).min(1),
  organisation: optionalText(200),
  provincePcode: PcodeSchema,
  serviceType: z.enum(SERVICE_TYPES),
  phone: Phone.nullable(),
  webhookUrl: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2000).nullable(),
  webhookSecret: z.string().min(16).max(200).nullable(),
  language: z.enum(SUPPORTED_LOCALES),
  openingHours: optionalText(200),
  demo: z.boolean(),
  active: z.boolean(),
  notes: optionalText(1000),
};
export const CreateProviderBodySchema = z
  .strictObject({ ...partial(providerFields), name: providerFields.name, provincePcode: providerFields.provincePcode, serviceType: providerFields.serviceType })
  .refine((b) => Boolean(b.phone || b.webhookUrl), { message: 'a provider needs a phone or a webhook to hear of referrals', path: ['phone'] });
export type CreateProviderBody = z.infer<typeof CreateProviderBodySchema>;
export const UpdateProviderBodySchema = z
  .strictObject(partial(providerFields))
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one field to change' });
export type UpdateProviderBody = z.infer<typeof UpdateProviderBodySchema>;
export const ListProvidersQuerySchema = z.strictObject({
  province: PcodeSchema.optional(),
  serviceType: z.enum(SERVICE_TYPES).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const CreateReferralBodySchema = z.strictObject({
  casualtyId: z.number().int().min(1),
  providerId: z.number().int().min(1),
  needs: optionalText(1000),
  override: z.strictObject({ reason: text(1000).min(10, 'say why consent cannot be had (at least 10 characters)') }).optional(),
});
export type CreateReferralBody = z.infer<typeof CreateReferralBodySchema>;

export const ReferralStatusBodySchema = z
  .strictObject({
    status: z.enum(REFERRAL_STATUSES),
    outcome: optionalText(1000),
    reason: optionalText(1000),
  })
  .refine((b) => !['declined', 'unable_to_contact', 'cancelled'].includes(b.status) || Boolean(b.reason), { message: 'closing without care needs a reason', path: ['reason'] });
export type ReferralStatusBody = z.infer<typeof ReferralStatusBodySchema>;

export const ListReferralsQuerySchema = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  casualtyId: z.coerce.number().int().min(1).optional(),
  providerId: z.coerce.number().int().min(1).optional(),
});

export const ListFollowUpsQuerySchema = z.strictObject({
  status: z.enum(['scheduled', 'sent', 'answered', 'unanswered', 'skipped', 'cancelled']).optional(),
  referralId: z.coerce.number().int().min(1).optional(),
});
export const ListTasksQuerySchema = z.strictObject({ status: z.enum(['open', 'done']).optional() });
export const CloseTaskBodySchema = z.strictObject({ note: optionalText(1000) });

export const StatsQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(1900).max(2200).optional().describe('first year'),
  to: z.coerce.number().int().min(1900).max(2200).optional().describe('last year'),
  province: PcodeSchema.optional(),
});
export type StatsQuery = z.infer<typeof StatsQuerySchema>;
export const ImsmaExportQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
