import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/lib/errors.js';
import { openApiDocument } from '../../src/openapi/openapi.routes.js';
import { buildOpenApiDocument } from '../../src/openapi/registry.js';
import { API_OPERATIONS } from '../../src/openapi/routes.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Doc = { paths: Record<string, Record<string, { 'x-roles': unknown }>>; components: { schemas: { Error: unknown } } };
const doc = openApiDocument() as unknown as Doc;

// Documented paths that are not Express routes: static files served by express.static under /audio.
const STATIC_PATHS = new Set(['/audio/{locale}/{file}', '/audio/prompts/{locale}/{prompt}.wav']);

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every method and path the app routes, in OpenAPI form (`:id` → `{id}`), found by walking the router stack. */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const join = (a: string, b: string) => (a + (b === '/' ? '' : b)).replace(/\/+/g, '/') || '/';
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of [layer.route.path].flat()) {
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (on && m !== '_all') found.push(`${m.toUpperCase()} ${join(prefix, p).replace(/:(\w+)/g, '{$1}')}`);
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
        walk(layer.handle.stack, join(prefix, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(found)].sort();
}

const documented = (d: Doc = doc) =>
  Object.entries(d.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

/** The routes the README's HTTP API table names, expanded (`GET/POST`, `retry\|review`, `…/voice/step`, `<token>`). */
function readmeRoutes(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## HTTP API'), readme.indexOf('\n## ', readme.indexOf('## HTTP API') + 1));
  const out: string[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cell = line.split(/(?<!\\)\|/)[1]!;
    let first: string | undefined;
    let lastMethods = ['GET'];
    for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
      const m = /^(?:([A-Z/]+) )?(\S+)$/.exec(code!.replace(/\\\|/g, '|'));
      if (!m) continue;
      // `…/voice/step` after `POST /webhooks/twilio/voice` shares its method.
      const methods = m[1] ? m[1].split('/') : lastMethods;
      lastMethods = methods;
      let path = m[2]!.split('?')[0]!;
      if (path.startsWith('…')) {
        const rest = path.slice(1);
        const seg = `/${rest.split('/')[1]}`;
        path = first!.slice(0, first!.indexOf(seg)) + rest;
      }
      first ??= path;
      const slash = path.lastIndexOf('/');
      const alternatives = path.slice(slash + 1).split('|').map((last) => path.slice(0, slash + 1) + last);
      for (const method of methods) for (const p of alternatives) out.push(`${method} ${p.replace(/:(\w+)/g, '{$1}').replace(/<(\w+)>/g, '{$1}')}`);
    }
  }
  return out;
}

/** Compares paths whatever their parameters are called: `/r/{token}` matches `/r/{t}`. */
const shape = (route: string) => route.replace(/\{\w+\}/g, '{}');

describe('the OpenAPI document', () => {
  it('when validated with a standard OpenAPI validator, then it is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('when the app is walked route by route, then every route is in the document and every documented path is routed', () => {
    const routed = routesOf(t.app);
    const inDoc = documented();

    expect(routed.length).toBeGreaterThan(30);
    expect(routed.filter((r) => !inDoc.includes(r)), 'routes missing from src/openapi/routes.ts').toEqual([]);
    expect(inDoc.filter((r) => !routed.includes(r) && !STATIC_PATHS.has(r.split(' ')[1]!)), 'documented but not routed').toEqual([]);
  });

  it('when an operation is left out of the registry, then the walk reports that route as missing', () => {
    const partial = buildOpenApiDocument(API_OPERATIONS.filter((op) => !(op.method === 'delete' && op.path === '/api/teams/{id}')), { version: 'test' }) as unknown as Doc;
    const inDoc = documented(partial);

    expect(routesOf(t.app).filter((r) => !inDoc.includes(r))).toEqual(['DELETE /api/teams/{id}']);
  });

  it('when the README names a route, then the document has it', () => {
    const named = readmeRoutes();
    const inDoc = documented().map(shape);

    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((r) => !inDoc.includes(shape(r)))).toEqual([]);
  });

  it('when read, then it has the one error shape with every error code, bearer auth and the Twilio signature', () => {
    const d = doc as unknown as { components: { securitySchemes: Record<string, { type: string; name?: string; scheme?: string }>; schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } } };

    expect(d.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(d.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(d.components.securitySchemes.twilioSignature).toMatchObject({ type: 'apiKey', name: 'X-Twilio-Signature' });
    expect(d.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'hl_session' });
    expect(doc.paths['/api/reports/{id}']!.patch!['x-roles']).toEqual(['coordinator']);
  });

  it('when a body schema is strict, then the document says unknown fields are refused', () => {
    const op = doc.paths['/api/subscribers']!.post as unknown as { requestBody: { content: Record<string, { schema: { additionalProperties: unknown } }> } };

    expect(op.requestBody.content['application/json']!.schema.additionalProperties).toBe(false);
  });
});

describe('GET /api/openapi.json and /api/docs', () => {
  it('when asked without a key, then /api/openapi.json answers the document', async () => {
    const res = await request(t.app).get('/api/openapi.json').expect(200).expect('Content-Type', /application\/json/);

    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/api/campaigns']).toBeDefined();
  });

  it('when asked without a key, then /api/docs is a self-contained HTML page listing every operation', async () => {
    const res = await request(t.app).get('/api/docs').expect(200).expect('Content-Type', /text\/html/);

    for (const route of documented()) {
      const [method, path] = route.split(' ');
      expect(res.text).toContain(`<span class="m">${method}</span> <code>${path}</code>`);
    }
    expect(res.text).toContain('validation_failed');
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!spec\.openapis|json-schema)/);
  });

  it('when another /api route is asked without a key, then it is still 401', async () => {
    await request(t.app).get('/api/reports').expect(401);
  });
});
