// The web console (web/, built by `npm install` into web/dist) served by the same process at `/`: hashed assets
// cached for a year, index.html never cached (so a new build is picked up at once), and the single-page app's
// own paths (/reports/12, /campaigns/new…) answered with index.html. API, webhook and ops paths are never
// answered with HTML: an unknown /api path stays a JSON 404.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response, type NextFunction } from 'express';

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the console never answers: they belong to the API, Twilio, audio files, recording links and ops. */
const NOT_CONSOLE = /^\/(api|webhooks|audio|r|health|ready|metrics)(\/|$)/;

export interface ConsoleOptions {
  /** The console map's online tile template; undefined = boundaries only. */
  tileUrl?: string | undefined;
  /** Where the built console is (tests point this at a folder of their own). */
  distDir?: string;
}

/** The Content-Security-Policy of console pages: our own scripts and styles only, no inline script. */
export function consoleCsp(tileUrl?: string): string {
  const tileOrigin = tileUrl ? new URL(tileUrl.replace(/[{}]/g, '')).origin : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ''}`,
    "connect-src 'self'",
    // Recording links (/r/…) redirect to the provider's recording over https.
    "media-src 'self' https:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(res: Response, csp: string) {
  res.set('Content-Security-Policy', csp);
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'same-origin');
  res.set('X-Frame-Options', 'DENY');
}

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hazardline console not built</title></head>
<body><main><h1>The console is not built yet</h1>
<p>Run <code>npm run web:build</code> (it also runs on <code>npm install</code>), then reload this page.</p>
<p>The API is available at <a href="/api/docs">/api/docs</a>.</p></main></body></html>
`;

export function createConsoleRouter(opts: ConsoleOptions = {}): Router {
  const router = Router();
  const dist = opts.distDir ?? DEFAULT_DIST_DIR;
  const csp = consoleCsp(opts.tileUrl);
  const indexFile = `${dist}/index.html`;
  // Read once: the build does not change under a running service (a rebuild needs a restart to be served).
  const index = existsSync(indexFile)
    ? readFileSync(indexFile, 'utf8').replace(
        '</head>',
        // The tile layer's setting travels in the page itself: no inline script, no extra request.
        `  <meta name="hazardline-tile-url" content="${escapeAttr(opts.tileUrl ?? '')}">\n  </head>`,
      )
    : null;

  const sendIndex = (_req: Request, res: Response) => {
    securityHeaders(res, csp);
    res.set('Cache-Control', 'no-cache');
    if (index === null) res.status(200).type('html').send(MISSING_PAGE);
    else res.status(200).type('html').send(index);
  };

  // Middleware, not routes: the console's pages are not API operations (the OpenAPI walk lists routes only).
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && (req.path === '/' || req.path === '/index.html')) return sendIndex(req, res);
    next();
  });

  if (index !== null) {
    router.use(
      express.static(dist, {
        index: false,
        fallthrough: true,
        setHeaders(res, path) {
          res.setHeader('X-Content-Type-Options', 'nosniff');
          // Vite names every asset by its content hash: it never changes, so it may be kept for a year.
          res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
  }

  // The SPA's client-side routes: a browser asking for a page gets index.html; anything else falls through to
  // the JSON 404 (a missing script must not come back as HTML).
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path) || req.path.startsWith('/assets/')) return next();
    if (!req.accepts('html') || !(req.get('accept') ?? '').includes('text/html')) return next();
    sendIndex(req, res);
  });
  return router;
}
