// The OpenAPI 3.1 document, built from the same zod schemas the routes parse with (one source of truth):
// each operation names its query, path and body schemas, and z.toJSONSchema turns them into JSON Schema
// 2020-12, the dialect OpenAPI 3.1 uses. Responses are described in words; the error shape is one schema.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../lib/errors.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
/**
 * Who may call: `public` (no credentials), `twilio` (a valid X-Twilio-Signature), `any` key or signed-in user,
 * `session` (a signed-in console user only), or the roles allowed.
 */
export type Access = 'public' | 'twilio' | 'any' | 'session' | readonly ('admin' | 'educator' | 'coordinator' | 'victim_assistance')[];

export interface ApiOperation {
  method: Method;
  /** OpenAPI form: `/api/reports/{id}`. */
  path: string;
  summary: string;
  access: Access;
  tag: string;
  query?: z.ZodType;
  params?: z.ZodType;
  /** The request body and its media types; the first is the one most clients send. */
  body?: { schema: z.ZodType; contentTypes: readonly string[]; description?: string };
  /** Success responses: status → description and media type. */
  responses: Record<string, { description: string; contentType?: string; example?: unknown }>;
  /** Error codes this operation can answer besides those every /api call can (validation, auth, 500/503). */
  errors?: readonly ErrorCode[];
}

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  // io 'input': the document describes what a client sends, before defaults and transforms apply.
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** One OpenAPI parameter per property of a zod object schema. */
function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Path parameters named in the template but without a schema (plain strings, e.g. a file name). */
function templateParams(path: string, declared: JsonSchema[]): JsonSchema[] {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const have = new Set(declared.map((p) => p.name));
  return names.filter((n) => !have.has(n)).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

export function roleText(access: Access): string {
  if (access === 'public') return 'public';
  if (access === 'twilio') return 'Twilio signature';
  if (access === 'any') return 'any signed-in user or API key';
  if (access === 'session') return 'a signed-in user (session cookie)';
  return ['admin', ...access.filter((r) => r !== 'admin')].join(', ');
}

const API_ERRORS: readonly ErrorCode[] = ['validation_failed', 'unauthorized', 'forbidden', 'internal', 'unavailable'];

export const ERROR_EXAMPLE = {
  error: { code: 'validation_failed', message: 'The request is not valid', details: [{ path: ['areas'], message: 'Unrecognized key: "areas"' }], requestId: '3f2c…' },
};

function errorResponses(op: ApiOperation): Record<string, JsonSchema> {
  const codes = new Set<ErrorCode>(op.access === 'twilio' ? ['invalid_signature', 'validation_failed', 'internal', 'unavailable'] : op.access === 'public' ? [] : API_ERRORS);
  for (const c of op.errors ?? []) codes.add(c);
  if (op.access === 'any' || op.access === 'session') codes.delete('forbidden');
  // A state-changing call with the session cookie needs X-CSRF-Token.
  if (op.method !== 'get' && op.access !== 'public' && op.access !== 'twilio') codes.add('csrf_failed');
  if (op.body?.contentTypes.some((t) => t.includes('json'))) codes.add('invalid_json');
  if (op.body) { codes.add('unsupported_media_type'); codes.add('payload_too_large'); }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ERROR_STATUS[c], [...(byStatus.get(ERROR_STATUS[c]) ?? []), c]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, cs]) => [
      String(status),
      { description: `Error: ${cs.join(', ')}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
}

function securityOf(access: Access): JsonSchema[] {
  if (access === 'public') return [];
  if (access === 'twilio') return [{ twilioSignature: [] }];
  if (access === 'session') return [{ sessionCookie: [] }];
  return [{ bearerAuth: [] }, { sessionCookie: [] }];
}

export function buildOpenApiDocument(ops: readonly ApiOperation[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of ops) {
    const declared = [...parametersOf(op.params, 'path')];
    const parameters = [...declared, ...templateParams(op.path, declared), ...parametersOf(op.query, 'query')];
    const responses: Record<string, JsonSchema> = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = r.contentType
        ? { description: r.description, content: { [r.contentType]: r.example === undefined ? { schema: {} } : { schema: {}, example: r.example } } }
        : { description: r.description };
    }
    Object.assign(responses, errorResponses(op));
    const operation: JsonSchema = {
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: op.summary,
      description: `Access: ${roleText(op.access)}.`,
      tags: [op.tag],
      'x-roles': op.access,
      security: securityOf(op.access),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              ...(op.body.description ? { description: op.body.description } : {}),
              content: Object.fromEntries(op.body.contentTypes.map((t) => [t, { schema: toSchema(op.body!.schema) }])),
            },
          }
        : {}),
      responses,
    };
    (paths[op.path] ??= {})[op.method] = operation;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Hazardline',
      version: info.version,
      description:
        'SMS and voice service for reporting explosive remnants of war, alerting clearance teams and running mine-risk-education campaigns. ' +
        'Every error has one shape: `{ "error": { "code", "message", "details?", "requestId" } }`. Bodies and query strings are strict: an unknown field is a 400 naming it.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [...new Set(ops.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer <key>`. Keys have a role: admin, educator or coordinator.' },
        sessionCookie: {
          type: 'apiKey', in: 'cookie', name: 'hl_session',
          description: 'The console session (POST /api/session sets it; HttpOnly, SameSite=Strict). Every request with it other than GET/HEAD/OPTIONS must also send `X-CSRF-Token: <csrfToken from the session response>`, or it is 403 csrf_failed.',
        },
        twilioSignature: {
          type: 'apiKey', in: 'header', name: 'X-Twilio-Signature',
          description: "Twilio's HMAC-SHA1 of the public URL and the form fields with the account's auth token; an unsigned or badly signed post gets 403 invalid_signature.",
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'requestId'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', enum: Object.keys(ERROR_STATUS), description: 'One of a closed list; the HTTP status follows from it.' },
                message: { type: 'string' },
                details: { description: 'For validation_failed, the zod issues (each with path and message).' },
                requestId: { type: 'string', description: 'Also the X-Request-Id response header; send your own to correlate with logs.' },
              },
            },
          },
          examples: [ERROR_EXAMPLE],
        },
      },
    },
  };
}
