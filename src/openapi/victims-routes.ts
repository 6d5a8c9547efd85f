// /api/victims in the OpenAPI document (its own file: the victim-assistance routes are many, and routes.ts is
// shared by every feature). Identifying data: victim_assistance (and admin); de-identified: coordinators too.
import { z } from 'zod';
import type { ApiOperation } from './registry.js';
import * as s from '../victims/victims.schemas.js';

const JSON_TYPE = 'application/json';
const json = (description: string) => ({ description, contentType: JSON_TYPE });
const csv = (description: string) => ({ description, contentType: 'text/csv' });
const VA = ['victim_assistance'] as const;
const VA_AND_COORD = ['victim_assistance', 'coordinator'] as const;
const body = (schema: z.ZodType) => ({ schema, contentTypes: [JSON_TYPE] });
const tag = 'victims';

export const VICTIMS_OPERATIONS: ApiOperation[] = [
  { method: 'get', path: '/api/victims/needs', tag, access: VA_AND_COORD, summary: 'De-identified casualties with the services they still need (no names, contacts, dates or points)', query: s.StatsQuerySchema.pick({ province: true }), responses: { 200: json('`{ data: [casualty] }`') } },
  { method: 'get', path: '/api/victims/stats', tag, access: VA_AND_COORD, summary: 'Casualty statistics by year, province and device category (Landmine Monitor); counts under 5 shown as "<5" outside victim_assistance', query: s.StatsQuerySchema, responses: { 200: json('`{ data: [row], totals, suppressed }`') } },
  { method: 'get', path: '/api/victims/stats.csv', tag, access: VA_AND_COORD, summary: 'The statistics as CSV with an HXL tag row (#date+year, #adm1+code, #affected+killed …)', query: s.StatsQuerySchema, responses: { 200: csv('CSV, header row then HXL row') } },
  { method: 'get', path: '/api/victims/referral-outcomes', tag, access: VA_AND_COORD, summary: 'Referral outcomes per service type and province: reached care, median days', responses: { 200: json('`{ data: [group] }`') } },
  { method: 'get', path: '/api/victims/providers', tag, access: VA_AND_COORD, summary: 'The service directory (filters province, serviceType, active)', query: s.ListProvidersQuerySchema, responses: { 200: json('`{ data: [provider] }`') } },
  { method: 'post', path: '/api/victims/providers', tag, access: VA, summary: 'Add a service provider (phone and/or webhook)', body: body(s.CreateProviderBodySchema), responses: { 201: json('The provider') }, errors: ['unprocessable'] },
  { method: 'patch', path: '/api/victims/providers/{id}', tag, access: VA, summary: 'Change a service provider (active: false retires it)', params: s.IdParamSchema, body: body(s.UpdateProviderBodySchema), responses: { 200: json('The provider') }, errors: ['not_found', 'unprocessable'] },
  { method: 'get', path: '/api/victims/export/imsma', tag, access: VA, summary: 'IMSMA-oriented Accident/Victim items (JSON grouped by accident, or flat CSV), with the field mapping', query: s.ImsmaExportQuerySchema, responses: { 200: json('`{ accidents: [...], fieldMap }` or CSV') } },
  { method: 'get', path: '/api/victims/casualties', tag, access: VA, summary: 'Casualty records with identifying data (filters status, reportId, province)', query: s.ListCasualtiesQuerySchema, responses: { 200: json('`{ data: [casualty], nextCursor }`') } },
  { method: 'post', path: '/api/victims/casualties', tag, access: VA, summary: 'Enter a casualty record', body: body(s.CreateCasualtyBodySchema), responses: { 201: json('The casualty') }, errors: ['unprocessable'] },
  { method: 'get', path: '/api/victims/casualties/{id}', tag, access: VA, summary: 'One casualty with consents and referrals', params: s.IdParamSchema, responses: { 200: json('The casualty') }, errors: ['not_found'] },
  { method: 'patch', path: '/api/victims/casualties/{id}', tag, access: VA, summary: 'Complete or correct a casualty record (complete: true ends a placeholder)', params: s.IdParamSchema, body: body(s.UpdateCasualtyBodySchema), responses: { 200: json('The casualty') }, errors: ['not_found', 'conflict', 'unprocessable'] },
  { method: 'post', path: '/api/victims/casualties/{id}/erase', tag, access: VA, summary: "Erase a person's identifying data everywhere, keeping de-identified statistics", params: s.IdParamSchema, responses: { 200: json('`{ id, erasedAt, already }`') }, errors: ['not_found'] },
  { method: 'post', path: '/api/victims/casualties/{id}/consents', tag, access: VA, summary: 'Record consent for a purpose (services, sharing with a named organisation, statistics)', params: s.IdParamSchema, body: body(s.CreateConsentBodySchema), responses: { 201: json('The consent') }, errors: ['not_found', 'conflict'] },
  { method: 'post', path: '/api/victims/consents/{id}/withdraw', tag, access: VA, summary: 'Withdraw a consent (kept on record with its date)', params: s.IdParamSchema, body: body(s.WithdrawConsentBodySchema), responses: { 200: json('The consent') }, errors: ['not_found', 'conflict'] },
  { method: 'get', path: '/api/victims/referrals', tag, access: VA, summary: 'Referrals (filters status, casualtyId, providerId)', query: s.ListReferralsQuerySchema, responses: { 200: json('`{ data: [referral] }`') } },
  { method: 'post', path: '/api/victims/referrals', tag, access: VA, summary: 'Refer a casualty to a provider: 422 naming the missing consent unless override.reason is given (audited)', body: body(s.CreateReferralBodySchema), responses: { 201: json('The referral with its history and follow-ups') }, errors: ['not_found', 'conflict', 'unprocessable'] },
  { method: 'get', path: '/api/victims/referrals/{id}', tag, access: VA, summary: 'One referral with its history and follow-ups', params: s.IdParamSchema, responses: { 200: json('The referral') }, errors: ['not_found'] },
  { method: 'post', path: '/api/victims/referrals/{id}/status', tag, access: VA, summary: 'Move a referral (pending → accepted → in_progress → completed, or declined / unable_to_contact / cancelled with a reason)', params: s.IdParamSchema, body: body(s.ReferralStatusBodySchema), responses: { 200: json('The referral') }, errors: ['not_found', 'conflict'] },
  { method: 'get', path: '/api/victims/follow-ups', tag, access: VA, summary: 'Follow-up check-ins (filters status, referralId)', query: s.ListFollowUpsQuerySchema, responses: { 200: json('`{ data: [followUp] }`') } },
  { method: 'get', path: '/api/victims/tasks', tag, access: VA, summary: "The focal point's tasks (help asked, no answer, not reached, re-assessment)", query: s.ListTasksQuerySchema, responses: { 200: json('`{ data: [task] }`') } },
  { method: 'post', path: '/api/victims/tasks/{id}/close', tag, access: VA, summary: 'Close a task with a note', params: s.IdParamSchema, body: body(s.CloseTaskBodySchema), responses: { 200: json('The task') }, errors: ['not_found', 'conflict'] },
];
