// The console at work: an educator imports subscribers (one bad row) and schedules a Khmer + English campaign
// to province 01 that is delivered and charted; a coordinator watches a report sent from the phone simulator
// appear in the queue and on the map without reloading, and acknowledges it for the team; the simulator shows
// the villager's safety reply, the team's alert and the hotline's prompts. Real service, real browser.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser } from 'playwright-core';
import {
  browserSkipReason, expectAccessible, launchBrowser, screenshot, signIn as signInAs, startConsoleService, type ConsoleService,
} from './support/console.js';

const ADMIN = { name: 'Admin', email: 'admin@field.test', password: 'admin password 1234' };
const EDUCATOR = { name: 'Dara', email: 'dara@field.test', password: 'educator password 1' };
const COORDINATOR = { name: 'Vanna', email: 'vanna@field.test', password: 'coordinator password 1' };

/** The wall-clock time of `at` in a time zone, as a datetime-local input wants it (YYYY-MM-DDTHH:mm). */
function localInput(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

describe.skipIf(browserSkipReason)('console in Chromium: campaigns, live reports and the phone simulator', () => {
  let svc: ConsoleService;
  let browser: Browser;

  const signIn = (who: { email: string; password: string }) => signInAs(browser, svc.baseUrl, who);

  /** Sets up the admin through the API the setup page uses, then the two colleagues. */
  async function createAccounts(api: APIRequestContext) {
    const token = new URL(svc.setupLink()!).searchParams.get('token');
    const setup = await api.post(`${svc.baseUrl}/api/setup`, { data: { token, ...ADMIN } });
    expect(setup.status()).toBe(201);
    const { csrfToken } = await setup.json();
    for (const [who, role, provinces] of [[EDUCATOR, 'educator', []], [COORDINATOR, 'coordinator', ['01']]] as const) {
      const res = await api.post(`${svc.baseUrl}/api/users`, { data: { ...who, role, provinces }, headers: { 'x-csrf-token': csrfToken } });
      expect(res.status(), await res.text()).toBe(201);
    }
  }

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startConsoleService(), launchBrowser()]);
    const ctx = await browser.newContext();
    await createAccounts(ctx.request);
    await ctx.close();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('when an educator imports a CSV with a bad row, then the good rows are kept and the bad one is shown with its reason', async () => {
    const { page, context } = await signIn(EDUCATOR);
    await page.goto(`${svc.baseUrl}/subscribers`);
    await page.getByRole('heading', { level: 1, name: 'Subscribers' }).waitFor();
    await page.getByLabel('CSV text (phone,district,language)').fill(
      ['phone,district,language', '+85512000101,0102,km', '+85512000102,0102,en', '+85512000103,0103,km', 'not-a-phone,0102,km'].join('\n'),
    );
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/4 rows: 3 created/).waitFor();
    const bad = page.getByRole('table', { name: 'Rows not imported' });
    await bad.waitFor();
    await expect.poll(() => bad.getByRole('row').count()).toBe(2); // header + the bad row
    // The bad row is named by its number and reason; its phone is masked like every phone on screen.
    expect(await bad.textContent()).toMatch(/not a valid phone number/);
    await expectAccessible(page, 'subscribers after an import');
    await screenshot(page, 'subscribers-import');
    await context.close();
  });

  it('when an educator builds a Khmer + English campaign for province 01 and schedules it, then it is delivered and the chart shows it', async () => {
    const { page, context } = await signIn(EDUCATOR);
    const started = performance.now();
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name').fill('Rainy season reminder');
    await page.getByLabel('Custom text').check();
    await page.getByLabel('Text in English').fill('After the rains, mines can be in new places. Never touch anything strange. Call {{hotline}}.');
    await page.getByLabel('Text in Khmer').fill('ក្រោយភ្លៀង មីនអាចនៅកន្លែងថ្មី។ កុំប៉ះវត្ថុចម្លែក។ ទូរស័ព្ទ {{hotline}}។');
    await page.getByRole('checkbox', { name: /\(01[,)]/ }).check();
    // The next whole minute that is at least 30 s away, in the campaign's time zone (the input has minutes only).
    const at = new Date(Math.ceil((Date.now() + 30_000) / 60_000) * 60_000);
    await page.getByLabel('Time zone').selectOption('Asia/Phnom_Penh');
    await page.getByLabel('Date and time').fill(localInput(at, 'Asia/Phnom_Penh'));
    await page.getByRole('button', { name: 'Save draft and preview' }).click();
    await Promise.race([
      page.getByRole('heading', { level: 1, name: 'Rainy season reminder' }).waitFor(),
      page.getByRole('alert').first().waitFor().then(async () => {
        throw new Error(`the builder refused: ${await page.getByRole('alert').first().textContent()}`);
      }),
    ]);
    const preview = page.getByRole('table', { name: 'What each language\'s readers receive' });
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/English[\s\S]*GSM|Khmer[\s\S]*UCS/);
    await screenshot(page, 'campaign-preview');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('status').filter({ hasText: 'Scheduled.' }).waitFor();
    const builtInSeconds = (performance.now() - started) / 1000;
    expect(builtInSeconds).toBeLessThan(120);

    // Delivered by the dev transport once due; the page refreshes its stats by itself.
    const chart = page.getByRole('img', { name: /Sent [1-9]|Delivered [1-9]/ }).first();
    await chart.waitFor({ timeout: 150_000 });
    const label = (await chart.getAttribute('aria-label'))!;
    expect(label).toMatch(/Audience 3/);
    await expectAccessible(page, 'campaign with stats');
    await screenshot(page, 'campaign-stats');
    await context.close();
  }, 240_000);

  it('when a villager reports from the simulator, then the report appears in the coordinator\'s queue and on the map within 2 s, and can be acknowledged', async () => {
    const coordinator = await signIn(COORDINATOR);
    const queue = coordinator.page;
    await queue.goto(`${svc.baseUrl}/reports`);
    await queue.getByTestId('live-status').filter({ hasText: 'connected' }).waitFor();
    const markersBefore = await queue.getByTestId('reports-map').locator('.leaflet-interactive').count();

    const sim = await coordinator.context.newPage();
    await sim.goto(`${svc.baseUrl}/simulator`);
    await sim.getByLabel('Or type a number').fill('+85512777001');
    await sim.getByRole('button', { name: 'Use this number' }).click();
    await sim.getByLabel('Message').fill('I found a mine near the school in Mongkol Borei');
    const sent = performance.now();
    await sim.getByRole('button', { name: 'Send SMS' }).click();

    const row = queue.locator('[data-testid^="report-row-"]').filter({ hasText: 'near the school in Mongkol Borei' });
    await row.waitFor({ timeout: 5_000 });
    const appearedMs = performance.now() - sent;
    expect(appearedMs, 'report reached the queue without reload').toBeLessThan(2_000);
    await expect.poll(() => queue.getByTestId('reports-map').locator('.leaflet-interactive').count(), { timeout: 3_000 }).toBeGreaterThan(markersBefore);
    await expectAccessible(queue, 'reports with a live report');
    await screenshot(queue, 'reports-live');

    // The villager sees the safety advice in the simulator's thread.
    await sim.getByRole('list', { name: 'Conversation, oldest first' }).getByText(/do not touch|don't touch/i).first().waitFor({ timeout: 15_000 });
    await screenshot(sim, 'simulator-conversation');

    // The coordinator opens it and acknowledges on behalf of the demo team.
    await row.getByRole('link').first().click();
    await queue.getByRole('heading', { level: 1, name: /Report #\d+/ }).waitFor();
    await queue.getByRole('button', { name: 'Acknowledge' }).click();
    await queue.getByText('Acknowledged.').waitFor();
    await expect.poll(() => queue.getByText('acknowledged', { exact: true }).count()).toBeGreaterThan(0);
    // …and writes to the villager, who reads it in the simulator's thread.
    await queue.getByLabel('Message to the reporter (SMS)').fill('The team comes tomorrow at 9. Keep everyone away until then.');
    await queue.getByRole('button', { name: 'Send to the reporter' }).click();
    await queue.getByText('Message queued for the reporter.').waitFor();
    await sim.getByRole('list', { name: 'Conversation, oldest first' }).getByText('The team comes tomorrow at 9.').waitFor({ timeout: 15_000 });
    await expectAccessible(queue, 'report detail');
    await screenshot(queue, 'report-detail');
    await coordinator.context.close();
  }, 90_000);

  it('when the simulator takes a team contact\'s number, then it shows the alert the team got; the hotline answers with prompts and keys', async () => {
    const admin = await signIn(ADMIN);
    const sim = admin.page;
    await sim.goto(`${svc.baseUrl}/simulator`);
    const phone = sim.getByLabel('Phone');
    const teamOption = sim.locator('option', { hasText: 'team contact' }).first();
    await phone.selectOption((await teamOption.getAttribute('value'))!);
    await sim.getByRole('list', { name: 'Conversation, oldest first' }).getByText(/ACK \d+/).first().waitFor({ timeout: 15_000 });

    await sim.getByRole('button', { name: 'Call', exact: true }).click();
    const heard = sim.getByRole('region', { name: /Call the hotline/ }).or(sim.locator('section', { has: sim.getByRole('heading', { name: /Call the hotline/ }) }));
    await expect.poll(async () => (await heard.first().textContent())?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(40);
    const before = await heard.first().textContent();
    await sim.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: '1', exact: true }).click();
    // A one-key menu sends the key at once; a longer gather waits for "Send keys".
    const sendKeys = sim.getByRole('button', { name: 'Send keys' });
    if (await sendKeys.isEnabled()) await sendKeys.click();
    await expect.poll(async () => (await heard.first().textContent()) !== before, { timeout: 10_000 }).toBe(true);
    await expectAccessible(sim, 'simulator during a call');
    await admin.context.close();
  }, 60_000);
});

