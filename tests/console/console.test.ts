// The console served by the service: pages with their security headers, the single-page app's own paths,
// long-cached hashed assets, and API paths that stay JSON.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCsp, createConsoleRouter } from '../../src/console/console.routes.js';
import { createTestApp, type TestApp } from '../support/app.js';

const INDEX = '<!doctype html>\n<html lang="en">\n  <head>\n    <title>Hazardline console</title>\n    <script type="module" src="/assets/index-abc123.js"></script>\n  </head>\n  <body><div id="root"></div></body>\n</html>\n';

let dist: string;
let t: TestApp;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'hl-console-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app");\n');
  writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
  t = await createTestApp();
});
afterAll(async () => {
  rmSync(dist, { recursive: true, force: true });
  await t.close();
});

/** The console router on a built folder, in front of a JSON 404 like the app's. */
function consoleApp(opts: { tileUrl?: string; distDir?: string } = {}) {
  const app = express();
  app.use(createConsoleRouter({ distDir: dist, ...opts }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
  });
  return app;
}

const asBrowser = (r: request.Test) => r.set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');

describe('the console', () => {
  it('when / is opened, then the app HTML comes with a CSP, nosniff, a referrer policy and no caching', async () => {
    const res = await asBrowser(request(consoleApp()).get('/'));

    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('when a page of the app such as /reports/12 is opened, then index.html answers it', async () => {
    const res = await asBrowser(request(consoleApp()).get('/reports/12'));

    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('when a hashed asset is fetched, then it is cached for a year as immutable; other files are revalidated', async () => {
    const asset = await request(consoleApp()).get('/assets/index-abc123.js');
    const other = await request(consoleApp()).get('/robots.txt');

    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(other.headers['cache-control']).toBe('no-cache');
  });

  it('when a missing asset, a non-HTML request or an API path is asked for, then no HTML comes back', async () => {
    const app = consoleApp();
    const asset = await asBrowser(request(app).get('/assets/missing-1.js'));
    const json = await request(app).get('/reports/12').set('Accept', 'application/json');
    const api = await asBrowser(request(app).get('/api/whatever'));
    const post = await asBrowser(request(app).post('/reports/12'));

    for (const res of [asset, json, api, post]) {
      expect(res.status).toBe(404);
      expect(res.type).toBe('application/json');
    }
  });

  it('when a tile layer is configured, then the page names it and the CSP allows its host for images only', async () => {
    const res = await asBrowser(request(consoleApp({ tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' })).get('/'));

    expect(res.text).toContain('<meta name="hazardline-tile-url" content="https://tiles.example.org/{z}/{x}/{y}.png">');
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data: https://tiles.example.org");
    expect(consoleCsp()).toContain("img-src 'self' data:;");
  });

  it('when the console is not built, then / says to run npm run web:build', async () => {
    const res = await asBrowser(request(consoleApp({ distDir: join(dist, 'nowhere') })).get('/'));

    expect(res.status).toBe(200);
    expect(res.text).toContain('npm run web:build');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('when the whole service is asked, then / and /reports/12 are HTML pages and an unknown /api path stays a JSON 404', async () => {
    const home = await asBrowser(request(t.app).get('/'));
    const page = await asBrowser(request(t.app).get('/reports/12'));
    const api = await asBrowser(t.api('get', '/api/unknown'));
    const health = await asBrowser(request(t.app).get('/health'));

    expect(home.status).toBe(200);
    expect(home.type).toBe('text/html');
    expect(home.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('not_found');
    expect(health.type).toBe('application/json');
  });
});
