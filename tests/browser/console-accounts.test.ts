// The console as a new administrator meets it: the first-run link from the start-up log, users with roles, what
// each role may open (in the browser and on the API), the sign-in back-off, CSRF, nothing secret in any
// response, and an automated accessibility check (axe) on every page, also at phone size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import {
  browserSkipReason, expectAccessible, launchBrowser, newWatchedContext, screenshot, signIn as signInAs, startConsoleService, type ConsoleService,
} from './support/console.js';

const ADMIN = { name: 'Sokha Admin', email: 'admin@hazardline.test', password: 'correct horse battery 1' };
const EDUCATOR = { name: 'Dara Educator', email: 'educator@hazardline.test', password: 'educator password 22' };
const COORDINATOR = { name: 'Vanna Coordinator', email: 'coordinator@hazardline.test', password: 'coordinator password 3' };

describe.skipIf(browserSkipReason)('console in Chromium: first run, accounts and roles', () => {
  let svc: ConsoleService;
  let browser: Browser;
  let admin: { context: BrowserContext; page: Page; errors: string[] };
  /** Every response body the browsers saw, with its URL, for the leak check. */
  const seen: { url: string; headers: string; body: string }[] = [];
  let keySecret = '';

  const watch = (context: BrowserContext) =>
    context.on('response', (res: Response) => {
      void res
        .text()
        .then((body) => seen.push({ url: res.url(), headers: JSON.stringify(res.headers()), body }))
        .catch(() => {});
    });

  const signIn = (who: { email: string; password: string }) => signInAs(browser, svc.baseUrl, who, { onContext: watch });

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startConsoleService(), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('when the service starts on an empty database, then the setup link it prints creates the administrator', async () => {
    const link = svc.setupLink();
    expect(link, `no setup link in the start-up log:\n${svc.log().slice(0, 3000)}`).toMatch(/\/setup\?token=/);
    const w = await newWatchedContext(browser);
    watch(w.context);
    const page = await w.context.newPage();
    await page.goto(link!);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Create the first administrator');
    await expectAccessible(page, 'setup page');
    await screenshot(page, 'setup');
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users and API keys' }).waitFor();
    admin = { ...w, page };

    // The link is used up: a second visit says setup is done, and the API refuses the token.
    const again = await w.context.request.get(`${svc.baseUrl}/api/setup`);
    expect(await again.json()).toEqual({ needed: false });
  });

  it('when the admin creates an educator and a coordinator limited to province 01, then both are listed', async () => {
    const { page } = admin;
    for (const [who, role, provinces] of [[EDUCATOR, 'educator', ''], [COORDINATOR, 'coordinator', '01']] as const) {
      const form = page.locator('form', { has: page.getByRole('button', { name: 'Create user' }) });
      await form.getByLabel('Name').fill(who.name);
      await form.getByLabel('Email').fill(who.email);
      await form.getByLabel('Role').selectOption(role);
      if (provinces) await form.getByLabel(/^Provinces/).fill(provinces);
      await form.getByLabel('Password').fill(who.password);
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('cell', { name: who.email }).waitFor();
    }
    const users = await (await admin.context.request.get(`${svc.baseUrl}/api/users`)).json();
    expect(users.data.map((u: { email: string; role: string; provinces: string[] }) => [u.email, u.role, u.provinces])).toEqual(
      expect.arrayContaining([[EDUCATOR.email, 'educator', []], [COORDINATOR.email, 'coordinator', ['01']]]),
    );
  });

  it('when the admin creates an API key, then its secret is shown once and it works as a bearer key', async () => {
    const { page } = admin;
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Create key' }) });
    await form.getByLabel('Key name').fill('GIS export');
    await form.getByLabel('Role').selectOption('coordinator');
    await form.getByRole('button', { name: 'Create key' }).click();
    keySecret = (await page.getByTestId('key-secret').textContent())!.trim();
    expect(keySecret).toMatch(/^hl_/);
    const res = await fetch(`${svc.baseUrl}/api/reports`, { headers: { authorization: `Bearer ${keySecret}` } });
    expect(res.status).toBe(200);
    await page.reload();
    expect(await page.getByTestId('key-secret').count()).toBe(0);
  });

  it('when the educator signs in, then the console offers campaigns, not reports, and the API answers 403 for reports and users', async () => {
    const educator = await signIn(EDUCATOR);
    const nav = educator.page.getByRole('navigation').first();
    await expect.poll(() => nav.getByRole('link', { name: 'Campaigns' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Users and API keys' }).count()).toBe(0);
    expect((await educator.context.request.get(`${svc.baseUrl}/api/reports`)).status()).toBe(403);
    expect((await educator.context.request.get(`${svc.baseUrl}/api/users`)).status()).toBe(403);
    expect((await educator.context.request.get(`${svc.baseUrl}/api/campaigns`)).status()).toBe(200);
    await educator.page.goto(`${svc.baseUrl}/users`);
    await educator.page.getByText('Your role cannot open this page.').waitFor();
    await educator.context.close();
  });

  it('when the coordinator signs in, then reports are offered, campaigns and users are not, and the API agrees', async () => {
    const coordinator = await signIn(COORDINATOR);
    const nav = coordinator.page.getByRole('navigation').first();
    await expect.poll(() => nav.getByRole('link', { name: 'Reports' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Campaigns' }).count()).toBe(0);
    expect((await coordinator.context.request.get(`${svc.baseUrl}/api/reports`)).status()).toBe(200);
    expect((await coordinator.context.request.get(`${svc.baseUrl}/api/campaigns`)).status()).toBe(403);
    expect((await coordinator.context.request.get(`${svc.baseUrl}/api/users`)).status()).toBe(403);
    await coordinator.context.close();
  });

  it('when a state-changing request carries no CSRF token, then it is refused, and with the token it is done', async () => {
    const { page } = admin;
    const attempt = (withToken: boolean) =>
      page.evaluate(async (withToken) => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const res = await fetch('/api/keys', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(withToken ? { 'x-csrf-token': session.csrfToken } : {}) },
          body: JSON.stringify({ name: 'csrf probe', role: 'educator' }),
        });
        return { status: res.status, body: (await res.json()) as { error: { code: string } } };
      }, withToken);
    const refused = await attempt(false);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    expect((await attempt(true)).status).toBe(201);
  });

  it('when a password is wrong again and again, then sign-in backs off and says when to try again', async () => {
    const w = await newWatchedContext(browser);
    watch(w.context);
    const page = await w.context.newPage();
    await page.goto(`${svc.baseUrl}/signin`);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Email or phone').fill(EDUCATOR.email);
      await page.getByLabel('Password').fill(`wrong password ${i}`);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      statuses.push(res.status());
      if (res.status() === 429) expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    await page.getByRole('alert').filter({ hasText: /try again|too many/i }).first().waitFor();
    // Even the right password waits out the back-off.
    await page.getByLabel('Password').fill(EDUCATOR.password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(res.status()).toBe(429);
    await expectAccessible(page, 'sign-in page with an error');
    await w.context.close();
  });

  it('when an admin opens every page, then each passes the accessibility check', async () => {
    const { page } = admin;
    const pages: [string, string][] = [
      ['/reports', 'reports'], ['/campaigns', 'campaigns'], ['/campaigns/new', 'campaign-builder'], ['/subscribers', 'subscribers'],
      ['/teams', 'teams'], ['/delivery', 'delivery'], ['/content', 'content'], ['/users', 'users'], ['/simulator', 'simulator'],
    ];
    for (const [path, name] of pages) {
      await page.goto(`${svc.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await expectAccessible(page, path);
      await screenshot(page, name);
    }
    expect(admin.errors).toEqual([]);
  });

  it('when the reports page is opened on a phone-sized screen, then nothing overflows sideways and it passes the check', async () => {
    const cookies = await admin.context.cookies();
    const w = await newWatchedContext(browser, { viewport: { width: 390, height: 844 } });
    await w.context.addCookies(cookies);
    const page = await w.context.newPage();
    for (const path of ['/reports', '/campaigns/new', '/simulator']) {
      await page.goto(`${svc.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(1);
      await expectAccessible(page, `${path} at 390 px`);
    }
    await screenshot(page, 'simulator-phone');
    await w.context.close();
  });

  it('when every response of this walk is searched, then none carries a password hash, a session token or a key secret (but its one creation)', async () => {
    const cookies = await admin.context.cookies();
    const session = cookies.find((c) => c.name === 'hl_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(seen.length).toBeGreaterThan(20);
    for (const r of seen) {
      expect(r.body, r.url).not.toMatch(/scrypt\$/);
      expect(r.body, r.url).not.toContain(session!.value);
      if (keySecret && !(r.url.endsWith('/api/keys') && r.body.includes('"secret"'))) expect(r.body, r.url).not.toContain(keySecret);
    }
    expect(seen.filter((r) => keySecret && r.body.includes(keySecret))).toHaveLength(1);
  });
});
