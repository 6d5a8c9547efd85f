// GET /api/openapi.json and GET /api/docs: public (mounted before authentication), built once per app.
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { buildOpenApiDocument } from './registry.js';
import { API_OPERATIONS } from './routes.js';
import { renderDocsPage } from './docs-page.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function openApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(API_OPERATIONS, { version: VERSION });
}

export function createOpenApiRouter() {
  const router = Router();
  const doc = openApiDocument();
  const html = renderDocsPage(doc);
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(doc);
  });
  router.get('/docs', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").type('html').send(html);
  });
  return router;
}
