// The console in a real browser: Debian's Chromium driven by playwright-core (no browser download), against the
// real service started as a child process on a fresh embedded database, exactly as `npm start` runs it. Tests
// skip with a message saying why when Chromium or the built console is absent, so `npm test` passes on a fresh
// machine; `.ci/run` installs Chromium so CI runs them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT, freePort, startService, type ServiceProcess } from '../../../bench/lib/service-process.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CONSOLE_INDEX = join(REPO_ROOT, 'web', 'dist', 'index.html');

/** Why the browser tests cannot run here, or null when they can. */
export const browserSkipReason: string | null = !existsSync(CHROMIUM_PATH)
  ? `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`
  : !existsSync(CONSOLE_INDEX)
    ? 'browser tests skipped: the console is not built (npm run web:build)'
    : null;
if (browserSkipReason) {
  // CI installs Chromium and sets REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${browserSkipReason}`);
  console.warn(browserSkipReason);
}

// The flags the machine notes give: without the background-networking ones Chromium keeps dialling Google's
// hosts, which a closed network refuses.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface ConsoleService {
  service: ServiceProcess;
  baseUrl: string;
  /** The first-run link the service printed (null once an admin exists). */
  setupLink(): string | null;
  log(): string;
  close(): Promise<void>;
}

/**
 * The service as a new user starts it: development mode, dev transport, demo data, workers and scheduler on.
 * On PostgreSQL runs (TEST_DATABASE_URL) it gets a schema of its own on that server.
 */
export async function startConsoleService(env: Record<string, string> = {}): Promise<ConsoleService> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'hazardline-console-'));
  const logFile = join(dataDir, 'service.log');
  const dbUrl = process.env.TEST_DATABASE_URL;
  const schema = dbUrl ? `b_${randomBytes(6).toString('hex')}` : null;
  if (dbUrl && schema) await adminQuery(dbUrl, `CREATE SCHEMA "${schema}"`);
  const service = startService({
    env: {
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: join(dataDir, 'data'),
      ...(dbUrl && schema ? { DATABASE_URL: dbUrl, DATABASE_SCHEMA: schema } : {}),
      ...env,
    },
    logFile,
    label: 'console-test',
  });
  await service.waitUntilServing(90_000, '/ready');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return {
    service,
    baseUrl: service.baseUrl,
    log,
    setupLink() {
      const m = /(https?:\/\/[^\s"]+\/setup\?token=[A-Za-z0-9_-]+)/.exec(log());
      return m ? m[1]!.replace(/^https?:\/\/[^/]+/, service.baseUrl) : null;
    },
    async close() {
      await service.stop(10_000);
      if (dbUrl && schema) await adminQuery(dbUrl, `DROP SCHEMA "${schema}" CASCADE`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs axe-core in the page and fails with each violation's rule, impact and elements: the automated
 * accessibility check every page must pass (WCAG 2.1 A and AA rules).
 */
let axeSource: string | null = null;
const AXE_SOURCE = () => (axeSource ??= readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));

export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol rather than added as a <script>: the console's CSP allows no inline
  // script, and the check must run under the same policy the people using it get.
  if (!(await page.evaluate<boolean>('typeof axe === "object"'))) await page.evaluate(AXE_SOURCE());
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (violations.length) throw new Error(`${what}: ${violations.length} accessibility violation(s)\n${violations.join('\n')}`);
}

/**
 * Screenshots for the README go to docs/screenshots/ only when UPDATE_SCREENSHOTS=1 (npm run docs:screenshots),
 * so an ordinary test run leaves the working tree as it found it.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(REPO_ROOT, 'docs', 'screenshots', `${name}.png`), fullPage: false });
}

/** A browser context whose requests and console errors are collected, for assertions and for failure messages. */
export async function newWatchedContext(browser: Browser, opts: { viewport?: { width: number; height: number } } = {}) {
  const context: BrowserContext = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 860 } });
  const errors: string[] = [];
  context.on('page', (p) => {
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });
  return { context, errors };
}

/** Signs in through the console's own form, in a new watched context; resolves once the navigation shows. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  who: { email: string; password: string },
  opts: { viewport?: { width: number; height: number }; onContext?: (context: BrowserContext) => void; timeoutMs?: number } = {},
) {
  const w = await newWatchedContext(browser, opts.viewport ? { viewport: opts.viewport } : {});
  opts.onContext?.(w.context);
  if (opts.timeoutMs) w.context.setDefaultTimeout(opts.timeoutMs);
  const page = await w.context.newPage();
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel('Email or phone').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').first().waitFor();
  return { ...w, page };
}
