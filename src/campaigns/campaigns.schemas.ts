// Zod at the edge of the campaigns API. Syntax is checked here (400: a cron node-cron cannot read, a time zone
// the runtime does not know, a malformed P-code); what needs the database or the content library (unknown
// P-codes, content missing in a language, an `at` in the past) is checked by the services (422).
import { z } from 'zod';
import { CursorSchema, PcodeSchema, encodeCursor } from '../lib/schemas.js';
import { SUPPORTED_LOCALES } from '../config.js';
import { CampaignStatus } from '../generated/prisma/enums.js';
import { checkCron, isValidTimeZone } from './schedule.js';
import { HHMM_RE } from './quiet-hours.js';

const TimeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, { message: 'is not a known IANA time zone (e.g. Asia/Phnom_Penh, Asia/Vientiane, America/Bogota)' });

// An ISO 8601 instant with its offset, so "09:00" is never read in the server's zone by accident.
const InstantSchema = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

const CronSchema = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const check = checkCron(v);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
  });

const AtScheduleSchema = z.strictObject({
  at: InstantSchema,
  /** For quiet hours; default: the time zone of the service's country. */
  timezone: TimeZoneSchema.optional(),
});

const CronScheduleSchema = z
  .strictObject({
    cron: CronSchema,
    timezone: TimeZoneSchema,
    startAt: InstantSchema.optional(),
    endAt: InstantSchema.optional(),
  })
  .refine((s) => !s.startAt || !s.endAt || s.startAt.getTime() < s.endAt.getTime(), {
    message: 'startAt must be before endAt',
    path: ['endAt'],
  });

type ScheduleInput = z.output<typeof AtScheduleSchema> | z.output<typeof CronScheduleSchema>;

// Picked by key rather than z.union, so a bad cron is reported as such, not as "matches no option".
export const ScheduleSchema = z.unknown().transform((value, ctx): ScheduleInput => {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('at' in value || 'cron' in value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be { "at": ISO time } or { "cron": "0 9 * * 1", "timezone": "Asia/Phnom_Penh", "startAt"?, "endAt"? }',
    });
    return z.NEVER;
  }
  const parsed = ('at' in value ? AtScheduleSchema : CronScheduleSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const QuietHoursSchema = z
  .strictObject({
    start: z.string().regex(HHMM_RE, 'must be a time of day such as 20:00'),
    end: z.string().regex(HHMM_RE, 'must be a time of day such as 07:00'),
  })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });

const LocaleSchema = z.enum(SUPPORTED_LOCALES);

export const CreateCampaignBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    /** A content library id ("mre-001"). */
    message: z.string().trim().regex(/^[a-z]+-\d{3}$/, 'must be a content library id such as mre-001').optional(),
    /** Custom text per locale instead of a library message; may use {{district}} and {{hotline}}. */
    text: z.partialRecord(LocaleSchema, z.string().trim().min(1).max(1600)).optional(),
    channel: z.enum(['sms', 'voice']).default('sms'),
    districts: z.array(PcodeSchema).min(1).max(500),
    /** Only subscribers reading these languages; all when absent. Each must have content. */
    languages: z.array(LocaleSchema).min(1).max(SUPPORTED_LOCALES.length).optional(),
    schedule: ScheduleSchema,
    quietHours: QuietHoursSchema.optional(),
    maxPerSubscriberPerWeek: z.number().int().min(1).max(100).optional(),
    variables: z.strictObject({ hotline: z.string().trim().min(1).max(40) }).partial().optional(),
    /**
     * Voice only: minutes to wait before each new try of a call that was busy, not answered or failed
     * ([15, 30, 60]: three retries); [] = none. Default VOICE_RETRY_MINUTES.
     */
    voiceRetryMinutes: z.array(z.number().int().min(1).max(24 * 60)).max(10).optional(),
    /** Create without scheduling (status draft); POST /:id/schedule starts it. */
    draft: z.boolean().optional(),
    /** Send a library message that is not `approved` in every locale (locales/review.json); else 422 content_unapproved. */
    allowUnapproved: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if (Boolean(b.message) === Boolean(b.text)) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'give either "message" (a content library id) or "text" (per-locale text), not both' });
    }
    if (b.voiceRetryMinutes && b.channel !== 'voice') {
      ctx.addIssue({ code: 'custom', path: ['voiceRetryMinutes'], message: 'only voice campaigns retry calls' });
    }
    if (b.text && Object.keys(b.text).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'must hold the text of at least one locale' });
    }
  });
export type CreateCampaignBody = z.infer<typeof CreateCampaignBodySchema>;

// Strict, so a misspelt filter is a 400 rather than a silently unfiltered list.
export const ListCampaignsQuerySchema = z.strictObject({
  status: z.enum(CampaignStatus).optional(),
  channel: z.enum(['sms', 'voice']).optional(),
  /** Campaigns that name this P-code among their targets. */
  district: PcodeSchema.optional(),
  /** Part of the name, case-insensitive. */
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
export type ListCampaignsQuery = z.infer<typeof ListCampaignsQuerySchema>;

export const CampaignIdSchema = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export { encodeCursor };
