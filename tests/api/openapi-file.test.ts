// web/openapi.json is what the console's typed client is generated from: it must be the document the service
// serves. After changing a route or a schema, run `npm run openapi:write`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/openapi/openapi.routes.js';
import { API_OPERATIONS } from '../../src/openapi/routes.js';

describe('web/openapi.json', () => {
  it('when compared with the document the service builds, then it is the same (npm run openapi:write)', () => {
    const file = JSON.parse(readFileSync(new URL('../../web/openapi.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

type Op = { responses: Record<string, { $ref?: string; description?: string }>; requestBody?: { content: Record<string, { example?: unknown }> } };
const paths = (openApiDocument() as { paths: Record<string, Record<string, Op>> }).paths;

describe('the OpenAPI document’s shared parts', () => {
  it('when any operation can fail with a 4xx or 5xx, then that response is the one shared Error response, with the codes named', () => {
    const errors = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).flatMap(([method, op]) => Object.entries(op.responses).filter(([s]) => Number(s) >= 400).map(([status, r]) => ({ at: `${method} ${path} ${status}`, r }))),
    );
    // Documented outcomes that are not errors of ours (a recording link not ready yet, /ready's 503) are plain.
    const ours = errors.filter((e) => e.r.$ref);

    expect(ours.length).toBeGreaterThan(100);
    expect(ours.every((e) => e.r.$ref === '#/components/responses/Error' && /^Error: [a-z_]+(, [a-z_]+)*$/.test(e.r.description ?? ''))).toBe(true);
    expect(paths['/api/simulator/sms']!.post!.responses['404']).toEqual({ $ref: '#/components/responses/Error', description: 'Error: not_found' });
  });

  it('when a client reads the main request bodies, then each has an example', () => {
    for (const [path, method] of [['/api/campaigns', 'post'], ['/api/reports/{id}', 'patch'], ['/api/subscribers', 'post'], ['/api/simulator/sms', 'post'], ['/api/simulator/call', 'post']] as const) {
      expect(paths[path]![method]!.requestBody!.content['application/json']!.example, `${method} ${path}`).toBeDefined();
    }
  });

  it('when an example body is parsed with the schema the route uses, then it is valid', () => {
    const withExamples = API_OPERATIONS.filter((op) => op.bodyExample !== undefined);
    expect(withExamples.length).toBeGreaterThanOrEqual(5);
    for (const op of withExamples) expect(op.body!.schema.safeParse(op.bodyExample).error, `${op.method} ${op.path}`).toBeUndefined();
  });
});
