// Every route the service serves, as the OpenAPI document lists it. The schemas are the ones the handlers
// parse with; tests/api/openapi.test.ts walks the Express app and fails when a route is missing here.
import { z } from 'zod';
import type { ApiOperation } from './registry.js';
import { CreateSubscriberBodySchema, ListSubscribersQuerySchema } from '../subscribers/subscribers.schemas.js';
import {
  DistrictsBoundariesQuerySchema, DistrictsImportQuerySchema, DistrictsListQuerySchema, DistrictsMatchQuerySchema,
} from '../districts/districts.routes.js';
import { OutboxIdSchema, OutboxListQuerySchema } from '../outbox/outbox.routes.js';
import { InboundIdSchema, InboundListQuerySchema } from '../inbound/inbound.routes.js';
import { ExportReportsQuerySchema, ListReportsQuerySchema, MessageReporterBodySchema, ReportIdSchema, UpdateReportBodySchema } from '../reports/reports.schemas.js';
import { CreateTeamBodySchema, ListTeamsQuerySchema, TeamIdSchema, UpdateTeamBodySchema } from '../alerts/teams.schemas.js';
import { CampaignIdSchema, CreateCampaignBodySchema, ListCampaignsQuerySchema } from '../campaigns/campaigns.schemas.js';
import { InboundSmsSchema, StatusCallbackQuerySchema, StatusCallbackSchema, VoiceCallSchema, VoiceStepQuerySchema } from '../webhooks/twilio.schemas.js';
import { InboundCallStatusSchema, OutboundCallQuerySchema, OutboundCallSchema } from '../webhooks/voice-out.schemas.js';
import {
  AuditQuerySchema, ChangePasswordBodySchema, CreateKeyBodySchema, CreateUserBodySchema, KeyIdSchema, ResetPasswordBodySchema,
  SetupBodySchema, SignInBodySchema, UpdateUserBodySchema, UserIdSchema,
} from '../accounts/accounts.schemas.js';
import { VICTIMS_OPERATIONS } from './victims-routes.js';
import { BoundariesListQuerySchema } from '../districts/districts.routes.js';
import { ContentListQuerySchema } from '../content/content.routes.js';
import { EventsQuerySchema } from '../live/events.routes.js';
import { SimulatorCallBodySchema, SimulatorConversationQuerySchema, SimulatorSmsBodySchema } from '../simulator/simulator.schemas.js';
import { SimulatorInfoQuerySchema } from '../simulator/simulator.routes.js';
import { CONTENT_EXAMPLE, EVENTS_EXAMPLE, SIMULATOR_CALL_EXAMPLE, SIMULATOR_CONVERSATION_EXAMPLE, SIMULATOR_INFO_EXAMPLE } from './examples.js';

const JSON_TYPE = 'application/json';
const FORM = ['application/x-www-form-urlencoded'] as const;
const TWIML = { description: 'TwiML for the call', contentType: 'text/xml' };
const json = (description: string, example?: unknown) => ({ description, contentType: JSON_TYPE, ...(example === undefined ? {} : { example }) });
const CsvBodySchema = z.string().describe('CSV text with a header row');
const GeoJsonBodySchema = z
  .looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.looseObject({ type: z.literal('Feature') })) })
  .describe('A GeoJSON FeatureCollection of admin-unit polygons');
const page = (what: string) => json(`${what}: \`{ data: [...], nextCursor }\` (pass nextCursor as ?cursor= for the next page)`);

const USER_EXAMPLE = { id: 1, email: 'ops@example.org', phone: null, name: 'Sokha', role: 'coordinator', provinces: ['01'], disabled: false, createdAt: '2026-01-01T00:00:00.000Z', lastSignInAt: null };
const SESSION_EXAMPLE = { user: USER_EXAMPLE, csrfToken: 'k3…', expiresAt: '2026-01-01T12:00:00.000Z' };

const ops: ApiOperation[] = [
  // Operations
  { method: 'get', path: '/health', tag: 'ops', access: 'public', summary: 'The process is up', responses: { 200: json('Up', { status: 'ok', uptimeSeconds: 42 }) } },
  { method: 'get', path: '/ready', tag: 'ops', access: 'public', summary: 'Database reachable and every migration applied', responses: { 200: json('Ready'), 503: json('Not ready (database away or migrations pending)') } },
  { method: 'get', path: '/metrics', tag: 'ops', access: 'public', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } } },
  { method: 'get', path: '/api/openapi.json', tag: 'ops', access: 'public', summary: 'This OpenAPI 3.1 document', responses: { 200: json('The document') } },
  { method: 'get', path: '/api/docs', tag: 'ops', access: 'public', summary: 'A readable reference of every operation (HTML)', responses: { 200: { description: 'HTML page', contentType: 'text/html' } } },

  // Public files
  { method: 'get', path: '/r/{token}', tag: 'public', access: 'public', summary: "A voice report's recording (the unguessable link in the alert)", responses: { 302: { description: 'Redirect to the recording' }, 404: { description: 'Not available (yet)', contentType: 'text/plain' } } },
  { method: 'get', path: '/audio/{locale}/{file}', tag: 'public', access: 'public', summary: 'Recorded campaign audio for Twilio <Play>', responses: { 200: { description: 'WAV audio', contentType: 'audio/wav' }, 404: { description: 'No such file' } } },
  { method: 'get', path: '/audio/prompts/{locale}/{prompt}.wav', tag: 'public', access: 'public', summary: 'Recorded hotline prompt', responses: { 200: { description: 'WAV audio', contentType: 'audio/wav' }, 404: { description: 'No such file' } } },

  // Twilio webhooks
  { method: 'post', path: '/webhooks/twilio/sms', tag: 'webhooks', access: 'twilio', summary: 'Inbound SMS: stored, answered with an empty TwiML, processed by the worker', body: { schema: InboundSmsSchema, contentTypes: FORM }, responses: { 200: { description: 'Empty TwiML', contentType: 'text/xml' } } },
  { method: 'post', path: '/webhooks/twilio/status', tag: 'webhooks', access: 'twilio', summary: 'Delivery status callback of a message or call we sent', query: StatusCallbackQuerySchema, body: { schema: StatusCallbackSchema, contentTypes: FORM }, responses: { 204: { description: 'Recorded' } } },
  { method: 'post', path: '/webhooks/twilio/voice', tag: 'webhooks', access: 'twilio', summary: 'The voice hotline: an incoming call', body: { schema: VoiceCallSchema, contentTypes: FORM }, responses: { 200: TWIML } },
  { method: 'post', path: '/webhooks/twilio/voice/step', tag: 'webhooks', access: 'twilio', summary: 'The voice hotline: a key press or recording, the next step', query: VoiceStepQuerySchema, body: { schema: VoiceCallSchema, contentTypes: FORM }, responses: { 200: TWIML } },
  { method: 'post', path: '/webhooks/twilio/voice/recording', tag: 'webhooks', access: 'twilio', summary: "A hotline call's recording is ready", body: { schema: VoiceCallSchema, contentTypes: FORM }, responses: { 204: { description: 'Stored' } } },
  { method: 'post', path: '/webhooks/twilio/voice/status', tag: 'webhooks', access: 'twilio', summary: "An inbound call's status: its end (missed calls are called back)", body: { schema: InboundCallStatusSchema, contentTypes: FORM }, responses: { 204: { description: 'Recorded' } } },
  { method: 'post', path: '/webhooks/twilio/voice/out/answer', tag: 'webhooks', access: 'twilio', summary: 'TwiML of a campaign or alert call we placed, once answered', query: OutboundCallQuerySchema, body: { schema: OutboundCallSchema, contentTypes: FORM }, responses: { 200: TWIML } },
  { method: 'post', path: '/webhooks/twilio/voice/out/menu', tag: 'webhooks', access: 'twilio', summary: 'The key the listener pressed at the end of a call we placed', query: OutboundCallQuerySchema, body: { schema: OutboundCallSchema, contentTypes: FORM }, responses: { 200: TWIML } },

  // Accounts: console sign-in, first-run setup, users, API keys, the audit trail
  { method: 'get', path: '/api/session', tag: 'accounts', access: 'session', summary: 'The signed-in user, the CSRF token for changes, and when the session ends', responses: { 200: json('`{ user, csrfToken, expiresAt }`', SESSION_EXAMPLE) } },
  { method: 'post', path: '/api/session', tag: 'accounts', access: 'public', summary: 'Sign in with email (or phone) and password: sets the HttpOnly session cookie hl_session', body: { schema: SignInBodySchema, contentTypes: [JSON_TYPE] }, responses: { 200: json('`{ user, csrfToken, expiresAt }` and Set-Cookie', SESSION_EXAMPLE) }, errors: ['validation_failed', 'invalid_credentials', 'forbidden', 'csrf_failed', 'too_many_attempts'] },
  { method: 'delete', path: '/api/session', tag: 'accounts', access: 'session', summary: 'Sign out: the session ends and the cookie is cleared', responses: { 204: { description: 'Signed out' } } },
  { method: 'post', path: '/api/session/password', tag: 'accounts', access: 'session', summary: "Change one's own password (other sessions end)", body: { schema: ChangePasswordBodySchema, contentTypes: [JSON_TYPE] }, responses: { 204: { description: 'Changed' } }, errors: ['forbidden', 'too_many_attempts'] },
  { method: 'get', path: '/api/setup', tag: 'accounts', access: 'public', summary: 'Whether the first administrator still has to be created', responses: { 200: json('`{ needed }`', { needed: true }) } },
  { method: 'post', path: '/api/setup', tag: 'accounts', access: 'public', summary: 'Create the first administrator with the one-time setup token printed at start-up; signs in', body: { schema: SetupBodySchema, contentTypes: [JSON_TYPE] }, responses: { 201: json('`{ user, csrfToken, expiresAt }` and Set-Cookie', SESSION_EXAMPLE) }, errors: ['validation_failed', 'setup_token_invalid', 'conflict', 'csrf_failed'] },
  { method: 'get', path: '/api/users', tag: 'accounts', access: ['admin'], summary: 'List console users', responses: { 200: json('`{ data: [user] }`', { data: [USER_EXAMPLE] }) } },
  { method: 'post', path: '/api/users', tag: 'accounts', access: ['admin'], summary: 'Create a user (role, optional phone and provinces for a coordinator)', body: { schema: CreateUserBodySchema, contentTypes: [JSON_TYPE] }, responses: { 201: json('The user', USER_EXAMPLE) }, errors: ['conflict', 'unprocessable'] },
  { method: 'patch', path: '/api/users/{id}', tag: 'accounts', access: ['admin'], summary: 'Change a user: name, role, phone, provinces, disabled (disabling ends their sessions)', params: UserIdSchema, body: { schema: UpdateUserBodySchema, contentTypes: [JSON_TYPE] }, responses: { 200: json('The user', USER_EXAMPLE) }, errors: ['not_found', 'conflict', 'unprocessable'] },
  { method: 'post', path: '/api/users/{id}/password', tag: 'accounts', access: ['admin'], summary: "Reset a user's password: their sessions end and their sign-in back-off is cleared", params: UserIdSchema, body: { schema: ResetPasswordBodySchema, contentTypes: [JSON_TYPE] }, responses: { 204: { description: 'Reset' } }, errors: ['not_found'] },
  { method: 'get', path: '/api/keys', tag: 'accounts', access: ['admin'], summary: 'List API keys (never their secrets)', responses: { 200: json('`{ data: [{ id, name, role, prefix, createdAt, lastUsedAt, revokedAt }] }`') } },
  { method: 'post', path: '/api/keys', tag: 'accounts', access: ['admin'], summary: 'Create an API key: the secret is in this response only', body: { schema: CreateKeyBodySchema, contentTypes: [JSON_TYPE] }, responses: { 201: json('`{ id, name, role, prefix, secret }`') } },
  { method: 'delete', path: '/api/keys/{id}', tag: 'accounts', access: ['admin'], summary: 'Revoke an API key', params: KeyIdSchema, responses: { 204: { description: 'Revoked' } }, errors: ['not_found'] },
  { method: 'get', path: '/api/audit', tag: 'accounts', access: ['admin'], summary: 'The audit trail, newest first: sign-ins, user and key changes, imports, exports…', query: AuditQuerySchema, responses: { 200: page('Audit lines `{ id, at, actor, actorType, action, entity, entityId, details }`') } },

  // Districts
  { method: 'get', path: '/api/districts', tag: 'districts', access: 'any', summary: 'Gazetteer tree (depth 1–4) or flat list (level, parent), with active-subscriber counts', query: DistrictsListQuerySchema, responses: { 200: json('Admin units') } },
  { method: 'get', path: '/api/districts/match', tag: 'districts', access: 'any', summary: 'Place-name matcher: candidates with confidence 0–1', query: DistrictsMatchQuerySchema, responses: { 200: json('`{ data: [candidate] }`') } },
  { method: 'post', path: '/api/districts/import', tag: 'districts', access: ['admin'], summary: 'Import a COD-AB CSV gazetteer (idempotent)', query: DistrictsImportQuerySchema, body: { schema: CsvBodySchema, contentTypes: ['text/csv', 'text/plain', 'application/csv'] }, responses: { 200: json('Units created and updated, bad rows with reasons') } },
  { method: 'get', path: '/api/districts/boundaries', tag: 'districts', access: 'any', summary: "Stored boundary polygons as GeoJSON (the console's offline base map); a province is its districts' polygons together", query: BoundariesListQuerySchema, responses: { 200: { description: 'A FeatureCollection; properties pcode, name, nameLocal, level', contentType: 'application/geo+json', example: { type: 'FeatureCollection', features: [{ type: 'Feature', id: '0102', properties: { pcode: '0102', name: 'Mongkol Borei', nameLocal: 'មង្គលបូរី', level: 'district' }, geometry: { type: 'Polygon', coordinates: [[[102.9, 13.5], [103.1, 13.5], [103.1, 13.7], [102.9, 13.5]]] } }] } } } },
  { method: 'post', path: '/api/districts/boundaries', tag: 'districts', access: ['admin'], summary: 'Import GeoJSON boundary polygons (idempotent; bad features listed, good ones kept)', query: DistrictsBoundariesQuerySchema, body: { schema: GeoJsonBodySchema, contentTypes: ['application/geo+json', 'application/json'] }, responses: { 200: json('Features stored, bad features with reasons') } },

  // Subscribers
  { method: 'get', path: '/api/subscribers', tag: 'subscribers', access: ['educator'], summary: 'List subscribers (a province filter means its districts)', query: ListSubscribersQuerySchema, responses: { 200: page('Subscribers') } },
  { method: 'post', path: '/api/subscribers', tag: 'subscribers', access: ['educator'], summary: 'Add a subscriber', body: { schema: CreateSubscriberBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { phone: '+85512345678', district: '0102', language: 'km' }, responses: { 201: json('The subscriber') }, errors: ['conflict'] },
  { method: 'post', path: '/api/subscribers/import', tag: 'subscribers', access: ['educator'], summary: 'Import a CSV `phone,district,language`: bad rows listed with reasons, good rows kept', body: { schema: CsvBodySchema, contentTypes: ['text/csv', 'text/plain'] }, responses: { 200: json('Counts and bad rows') } },

  // Outbox
  { method: 'get', path: '/api/outbox', tag: 'outbox', access: ['coordinator'], summary: 'What was sent and what became of it', query: OutboxListQuerySchema, responses: { 200: page('Outbox rows') } },
  { method: 'post', path: '/api/outbox/{id}/retry', tag: 'outbox', access: ['coordinator'], summary: 'Send a failed or unknown message again', params: OutboxIdSchema, responses: { 200: json('The outbox row') }, errors: ['not_found', 'unprocessable'] },

  // Inbound
  { method: 'get', path: '/api/inbound', tag: 'inbound', access: ['coordinator'], summary: 'Stored inbound messages and their state', query: InboundListQuerySchema, responses: { 200: page('Inbound messages') } },
  { method: 'get', path: '/api/inbound/{id}', tag: 'inbound', access: ['coordinator'], summary: 'One inbound message', params: InboundIdSchema, responses: { 200: json('The message') }, errors: ['not_found'] },
  { method: 'post', path: '/api/inbound/{id}/retry', tag: 'inbound', access: ['coordinator'], summary: 'Process a failed message again', params: InboundIdSchema, responses: { 200: json('The message') }, errors: ['not_found', 'unprocessable'] },
  { method: 'post', path: '/api/inbound/{id}/review', tag: 'inbound', access: ['coordinator'], summary: 'Mark a failed message as looked at', params: InboundIdSchema, responses: { 200: json('The message') }, errors: ['not_found', 'unprocessable'] },

  // Reports
  { method: 'get', path: '/api/reports', tag: 'reports', access: ['coordinator'], summary: 'List reports (filters status, priority, district, from, to, team)', query: ListReportsQuerySchema, responses: { 200: page('Reports') } },
  { method: 'get', path: '/api/reports/export', tag: 'reports', access: ['coordinator'], summary: 'Export reports as GeoJSON or CSV with an HXL row (streamed)', query: ExportReportsQuerySchema, responses: { 200: { description: 'GeoJSON FeatureCollection or CSV', contentType: 'application/geo+json' } } },
  { method: 'get', path: '/api/reports/{id}', tag: 'reports', access: ['coordinator'], summary: 'One report with history, messages, duplicates, alerts, allowed transitions and parse', params: ReportIdSchema, responses: { 200: json('The report') }, errors: ['not_found'] },
  { method: 'patch', path: '/api/reports/{id}', tag: 'reports', access: ['coordinator'], summary: 'Change status, device class, location or assignee, or add a note', params: ReportIdSchema, body: { schema: UpdateReportBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { status: 'acknowledged', assignee: 'Team 3 (MAG)', note: 'Team on the way; villagers asked to keep away' }, responses: { 200: json('The report') }, errors: ['not_found', 'conflict', 'unprocessable'] },
  { method: 'post', path: '/api/reports/{id}/messages', tag: 'reports', access: ['coordinator'], summary: "Send the reporter an SMS in the coordinator's own words (safety-checked, through the outbox, in the report's history)", params: ReportIdSchema, body: { schema: MessageReporterBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { text: 'The clearance team comes tomorrow at 9. Please keep everyone away from the place until then.' }, responses: { 201: json('Queued: the history event and the outbox row', { eventId: 41, outboxId: 977, encoding: 'GSM-7', segments: 1, status: 'pending' }) }, errors: ['not_found', 'unprocessable', 'unsafe_content'] },

  // Teams
  { method: 'get', path: '/api/teams', tag: 'teams', access: ['coordinator'], summary: 'List clearance teams', query: ListTeamsQuerySchema, responses: { 200: json('`{ data: [team] }`') } },
  { method: 'post', path: '/api/teams', tag: 'teams', access: ['coordinator'], summary: 'Create a team (coverage P-codes, on-call contacts, webhook)', body: { schema: CreateTeamBodySchema, contentTypes: [JSON_TYPE] }, responses: { 201: json('The team') }, errors: ['conflict', 'unprocessable'] },
  { method: 'get', path: '/api/teams/{id}', tag: 'teams', access: ['coordinator'], summary: 'One team', params: TeamIdSchema, responses: { 200: json('The team') }, errors: ['not_found'] },
  { method: 'patch', path: '/api/teams/{id}', tag: 'teams', access: ['coordinator'], summary: 'Change a team', params: TeamIdSchema, body: { schema: UpdateTeamBodySchema, contentTypes: [JSON_TYPE] }, responses: { 200: json('The team') }, errors: ['not_found', 'conflict', 'unprocessable'] },
  { method: 'delete', path: '/api/teams/{id}', tag: 'teams', access: ['coordinator'], summary: 'Deactivate a team', params: TeamIdSchema, responses: { 204: { description: 'Deactivated' } }, errors: ['not_found'] },

  // Campaigns
  { method: 'get', path: '/api/campaigns', tag: 'campaigns', access: ['educator'], summary: 'List campaigns', query: ListCampaignsQuerySchema, responses: { 200: page('Campaigns') } },
  { method: 'post', path: '/api/campaigns', tag: 'campaigns', access: ['educator'], summary: 'Create a campaign (library message or custom text per locale, districts, schedule, quiet hours, cap); unsafe advice in any locale → 422 unsafe_content; an unapproved library message without allowUnapproved → 422 content_unapproved', body: { schema: CreateCampaignBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { name: 'Rainy season, Banteay Meanchey', message: 'mre-007', channel: 'sms', districts: ['01'], languages: ['km', 'en'], schedule: { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh' }, quietHours: { start: '20:00', end: '07:00' }, maxPerSubscriberPerWeek: 2, allowUnapproved: true }, responses: { 201: json('The campaign') }, errors: ['unprocessable', 'unsafe_content', 'content_unapproved'] },
  { method: 'get', path: '/api/campaigns/{id}', tag: 'campaigns', access: ['educator'], summary: 'One campaign with its schedule, audience and per-run stats', params: CampaignIdSchema, responses: { 200: json('The campaign') }, errors: ['not_found'] },
  { method: 'post', path: '/api/campaigns/{id}/preview', tag: 'campaigns', access: ['educator'], summary: 'Preview per locale with encoding, parts, audience and cost; notes warn about unapproved content; unsafe custom text → 422 unsafe_content', params: CampaignIdSchema, responses: { 200: json('The preview') }, errors: ['not_found', 'unsafe_content'] },
  ...(['pause', 'resume', 'cancel', 'schedule'] as const).map((action): ApiOperation => ({
    method: 'post', path: `/api/campaigns/{id}/${action}`, tag: 'campaigns', access: ['educator'], summary: `${action[0]!.toUpperCase()}${action.slice(1)} a campaign`,
    params: CampaignIdSchema, responses: { 200: json('The campaign') }, errors: ['not_found', 'conflict', 'unprocessable'],
  })),

  // Content library
  { method: 'get', path: '/api/content', tag: 'content', access: ['educator', 'coordinator'], summary: 'Every library message with its SMS text per locale (encoding, parts, characters), voice text and audio', query: ContentListQuerySchema, responses: { 200: json('`{ data: [message] }`', CONTENT_EXAMPLE) } },

  // Live events
  { method: 'get', path: '/api/events', tag: 'live', access: 'any', summary: 'Server-Sent Events: `report` and `outbox` changes as they happen; send Last-Event-ID to resume', query: EventsQuerySchema, responses: { 200: { description: 'text/event-stream; `event: resync` when too much was missed to catch up (reload lists)', contentType: 'text/event-stream', example: EVENTS_EXAMPLE } } },

  // Phone simulator (404 when SIMULATOR_ENABLED is false, the default in production)
  { method: 'get', path: '/api/simulator', tag: 'simulator', access: 'any', summary: 'The hotline number and the phones a trainer can act as', query: SimulatorInfoQuerySchema, responses: { 200: json('Numbers', SIMULATOR_INFO_EXAMPLE) }, errors: ['not_found'] },
  { method: 'post', path: '/api/simulator/sms', tag: 'simulator', access: 'any', summary: 'Send an SMS from a phone: posted to the real /webhooks/twilio/sms with a valid signature', body: { schema: SimulatorSmsBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { from: '+85512000201', body: 'mine near my house in Mongkol Borei' }, responses: { 202: json('Accepted by the webhook', { messageSid: 'SM0123456789abcdef0123456789abcdef' }) }, errors: ['not_found'] },
  { method: 'get', path: '/api/simulator/conversation', tag: 'simulator', access: 'any', summary: 'What a phone sent and was sent (replies, alerts, updates, campaign messages, calls), in order', query: SimulatorConversationQuerySchema, responses: { 200: json('`{ data: [item], nextCursor }`', SIMULATOR_CONVERSATION_EXAMPLE) }, errors: ['not_found'] },
  { method: 'post', path: '/api/simulator/call', tag: 'simulator', access: 'any', summary: 'Call the hotline, or press keys in a call: posted to the real voice webhooks, TwiML read back as prompts', body: { schema: SimulatorCallBodySchema, contentTypes: [JSON_TYPE] }, bodyExample: { from: '+85512000201', callSid: 'CA0123456789abcdef0123456789abcdef', next: '/webhooks/twilio/voice/step?s=menu.main&t=1', digits: '1' }, responses: { 200: json('The next turn of the call', SIMULATOR_CALL_EXAMPLE) }, errors: ['not_found'] },
];

export const API_OPERATIONS: readonly ApiOperation[] = [...ops, ...VICTIMS_OPERATIONS];
