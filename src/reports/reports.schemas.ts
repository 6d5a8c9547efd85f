// Zod at the edge of the reports API (coordinators): list/export filters, the id, and the PATCH body.
import { z } from 'zod';
import { CursorSchema, PcodeSchema, encodeCursor } from '../lib/schemas.js';
import { DeviceClass, ReportPriority, ReportStatus } from '../generated/prisma/enums.js';

/** `?status=received,triaged` or `?status=received&status=triaged`: one list, each value checked. */
function listOf<T extends string>(values: Record<string, T>) {
  const allowed = new Set<string>(Object.values(values));
  return z.union([z.string(), z.array(z.string()).max(20)]).transform((v, ctx) => {
    const list = [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))];
    const bad = list.filter((s) => !allowed.has(s));
    if (bad.length || list.length === 0 || list.length > 20) {
      ctx.addIssue({
        code: 'custom',
        message: `${bad.length ? `unknown value ${bad.map((b) => JSON.stringify(b.slice(0, 40))).join(', ')}; ` : ''}expected one or more of ${[...allowed].join(', ')}`,
      });
      return z.NEVER;
    }
    return list as T[];
  }).meta({ description: `One or more of ${[...allowed].join(', ')}, comma-separated or repeated` });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// A calendar date (UTC) or an ISO timestamp with a zone; a bare local time would be ambiguous in a 2-zone region.
const DateBoundSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const ReportFiltersSchema = z.strictObject({
  status: listOf(ReportStatus).optional(),
  priority: listOf(ReportPriority).optional(),
  // A province matches provincePcode, a district districtPcode, a commune or village the place itself.
  district: PcodeSchema.optional(),
  // Inclusive; a date means from 00:00 UTC that day.
  from: DateBoundSchema.transform((v) => new Date(v)).optional(),
  // Inclusive; a date means the whole day (UTC). Stored as an exclusive upper bound.
  to: DateBoundSchema.transform((v) => (DATE_ONLY.test(v) ? new Date(Date.parse(v) + 86_400_000) : new Date(Date.parse(v) + 1))).optional(),
  team: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});

const fromBeforeTo = (q: { from?: Date | undefined; to?: Date | undefined }) => !q.from || !q.to || q.from < q.to;
const fromBeforeToIssue = { message: 'from must not be after to', path: ['to'] };

export const ListReportsQuerySchema = ReportFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
}).refine(fromBeforeTo, fromBeforeToIssue);
export type ListReportsQuery = z.infer<typeof ListReportsQuerySchema>;
export type ReportFilters = z.infer<typeof ReportFiltersSchema>;

export const ExportReportsQuerySchema = ReportFiltersSchema.extend({
  format: z.enum(['geojson', 'csv']).default('geojson'),
  // The CSV's HXL hashtag row (second row): on unless ?hxl=0.
  hxl: z.enum(['0', '1', 'true', 'false']).default('1').transform((v) => v === '1' || v === 'true'),
}).refine(fromBeforeTo, fromBeforeToIssue);
export type ExportReportsQuery = z.infer<typeof ExportReportsQuerySchema>;

export const ReportIdSchema = z.strictObject({
  id: z.string().regex(/^\d{1,10}$/, 'must be a report number').transform(Number).pipe(z.number().int().min(1).max(2_147_483_647)),
});

const PointSchema = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  accuracyM: z.number().min(0).max(1_000_000).nullable().optional(),
});
const PlaceSchema = z.strictObject({ pcode: PcodeSchema });

export const UpdateReportBodySchema = z
  .strictObject({
    status: z.enum(ReportStatus).optional(),
    deviceClass: z.enum(DeviceClass).optional(),
    location: z.union([PointSchema, PlaceSchema]).optional(),
    // An empty name means "nobody", like null.
    assignee: z.string().trim().max(100).transform((v) => v || null).nullable().optional(),
    note: z.string().trim().min(1).max(1600).optional(),
    /** The report this one repeats (with "status": "duplicate"); an original that is itself a duplicate stands for its own original. */
    duplicateOf: z.number().int().min(1).max(2_147_483_647).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one of status, deviceClass, location, assignee, note, duplicateOf' })
  .refine((b) => b.duplicateOf === undefined || b.status === 'duplicate', { message: 'duplicateOf goes with "status": "duplicate"', path: ['duplicateOf'] });
export type UpdateReportBody = z.infer<typeof UpdateReportBodySchema>;

export { PcodeSchema, encodeCursor };

/** POST /api/reports/:id/messages: a coordinator's own words to the reporter, sent by SMS through the outbox. */
export const MessageReporterBodySchema = z.strictObject({
  text: z.string().trim().min(1).max(1600),
});
export type MessageReporterBody = z.infer<typeof MessageReporterBodySchema>;
