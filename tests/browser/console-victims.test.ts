// Victim assistance in the console, as the focal point and a coordinator meet it: an SMS report with two people
// hurt makes two records to complete; the focal point completes one, records consent, is told which consent a
// referral lacks, and refers; the coordinator sees the statistics but not the records. Axe on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  browserSkipReason, expectAccessible, launchBrowser, newWatchedContext, screenshot, signIn as signInAs, startConsoleService, type ConsoleService,
} from './support/console.js';

const ADMIN = { name: 'Sokha Admin', email: 'admin@hazardline.test', password: 'correct horse battery 1' };
const VA = { name: 'Chenda Focal Point', email: 'va@hazardline.test', password: 'victim assistance pw 4' };
const COORDINATOR = { name: 'Vanna Coordinator', email: 'coordinator@hazardline.test', password: 'coordinator password 3' };
const HOSPITAL = 'Provincial Referral Hospital, Banteay Meanchey (demo)';
const HOSPITAL_ORG = 'Provincial Health Department (demo)';

interface Casualty { id: number; status: string; reportId: number | null; provincePcode: string | null }

describe.skipIf(browserSkipReason)('console in Chromium: victim assistance', { timeout: 90_000 }, () => {
  let svc: ConsoleService;
  let browser: Browser;
  let admin: { context: BrowserContext; page: Page; errors: string[] };
  let va: { context: BrowserContext; page: Page; errors: string[] };
  let casualtyId = 0;

  // A default timeout shorter than the test's own, so a step that fails names its locator.
  const signIn = (who: { email: string; password: string }, viewport?: { width: number; height: number }) =>
    signInAs(browser, svc.baseUrl, who, { ...(viewport ? { viewport } : {}), timeoutMs: 15_000 });
  /** A state-changing API call from a signed-in browser context, with its CSRF token. */
  async function post(context: BrowserContext, path: string, data: unknown) {
    const session = (await (await context.request.get(`${svc.baseUrl}/api/session`)).json()) as { csrfToken: string };
    return context.request.post(`${svc.baseUrl}${path}`, { data: data as Record<string, unknown>, headers: { 'x-csrf-token': session.csrfToken } });
  }
  async function openPage(page: Page, path: string, heading: string) {
    await page.goto(`${svc.baseUrl}${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.waitForLoadState('networkidle').catch(() => {});
  }

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startConsoleService(), launchBrowser()]);
    const w = await newWatchedContext(browser);
    const page = await w.context.newPage();
    await page.goto(svc.setupLink()!);
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users and API keys' }).waitFor();
    admin = { ...w, page };
    for (const [who, role] of [[VA, 'victim_assistance'], [COORDINATOR, 'coordinator']] as const) {
      const res = await post(admin.context, '/api/users', { ...who, role });
      expect(res.status(), await res.text()).toBe(201);
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('when a villager texts that 2 people were hurt, then two casualty records wait to be completed, linked to the report', async () => {
    const from = `+8551${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    const res = await post(admin.context, '/api/simulator/sms', { from, body: 'mine exploded in Mongkol Borei, 2 people hurt' });
    expect(res.status(), await res.text()).toBe(202);
    let rows: Casualty[] = [];
    await expect
      .poll(async () => {
        rows = ((await (await admin.context.request.get(`${svc.baseUrl}/api/victims/casualties?status=placeholder`)).json()) as { data: Casualty[] }).data;
        return rows.length;
      }, { timeout: 30_000 })
      .toBe(2);
    expect(new Set(rows.map((r) => r.reportId)).size).toBe(1);
    expect(rows[0]!.reportId).toBeGreaterThan(0);
    casualtyId = rows[0]!.id;
  });

  it('when the focal point signs in, then the casualties page lists both records to complete and passes the accessibility check', async () => {
    va = await signIn(VA);
    const { page } = va;
    await page.getByRole('heading', { level: 1, name: 'Casualties' }).waitFor();
    const nav = page.getByRole('navigation').first();
    for (const link of ['Casualties', 'Tasks', 'Service providers', 'Casualty statistics']) expect(await nav.getByRole('link', { name: link }).count(), link).toBe(1);
    expect(await nav.getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.getByRole('cell', { name: 'To complete (from a report)' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'To complete (from a report)' }).count()).toBe(2);
    await expectAccessible(page, 'casualties');
  });

  it('when the focal point completes a record, then its GICHD fields are saved and it is complete', async () => {
    const { page } = va;
    await page.getByRole('link', { name: `Casualty ${casualtyId}`, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Casualty ${casualtyId}` }).waitFor();
    await expectAccessible(page, 'casualty placeholder');
    const form = page.getByRole('region', { name: 'Casualty record' });
    await form.getByRole('combobox', { name: 'Killed or injured', exact: true }).selectOption('injured');
    await form.getByLabel('Name', { exact: true }).fill('Sokun Chea');
    await form.getByRole('combobox', { name: 'Sex', exact: true }).selectOption('female');
    await form.getByLabel('Age (years)').fill('34');
    await form.getByRole('combobox', { name: 'Civilian, deminer or security', exact: true }).selectOption('civilian');
    await form.getByRole('combobox', { name: 'Activity at the time', exact: true }).selectOption('farming');
    await form.getByRole('combobox', { name: 'Device', exact: true }).selectOption('ap_mine');
    await form.getByLabel('Date of the accident').fill('2026-11-29');
    await form.getByLabel('Lower limb amputation (leg)').check();
    await form.getByLabel('Contact name (survivor or family)').fill('Sokun Chea');
    await form.getByLabel('Contact phone').fill('+85512777888');
    await form.getByRole('combobox', { name: 'Relation to the survivor', exact: true }).selectOption('self');
    await form.getByRole('combobox', { name: 'Preferred language', exact: true }).selectOption('km');
    await form.getByRole('button', { name: 'Save and mark complete' }).click();
    await page.getByRole('status').filter({ hasText: 'the record is complete' }).waitFor();

    const saved = await (await va.context.request.get(`${svc.baseUrl}/api/victims/casualties/${casualtyId}`)).json();
    expect(saved).toMatchObject({
      status: 'complete', outcome: 'injured', sex: 'female', age: 34, ageGroup: 'adult', category: 'civilian', activity: 'farming',
      deviceCategory: 'ap_mine', accidentDate: '2026-11-29', accidentYear: 2026, injuries: ['lower_limb_amputation'],
      name: 'Sokun Chea', contactPhone: '+85512777888', contactRelation: 'self', language: 'km',
    });
  });

  it('when the focal point refers with consent to services only, then the page names the missing sharing consent; once recorded, the referral is made and moves on', async () => {
    const { page } = va;
    const consent = page.getByRole('region', { name: 'Consent' });
    await consent.getByRole('combobox', { name: 'Purpose', exact: true }).selectOption('services');
    await consent.getByRole('combobox', { name: 'Given by', exact: true }).selectOption('survivor');
    await consent.getByRole('combobox', { name: 'How', exact: true }).selectOption('in_person');
    await consent.getByRole('button', { name: 'Record consent' }).click();
    await page.getByRole('status').filter({ hasText: 'Consent recorded.' }).waitFor();

    const referrals = page.getByRole('region', { name: 'Referrals and follow-ups' });
    await referrals.getByRole('combobox', { name: 'Province', exact: true }).selectOption('01');
    await referrals.getByRole('combobox', { name: 'Service type', exact: true }).selectOption('emergency_medical');
    await expect.poll(() => referrals.getByRole('combobox', { name: 'Service provider', exact: true }).locator('option').first().textContent()).toContain(HOSPITAL);
    await referrals.getByLabel('Needs').fill('wound care, then physical rehabilitation');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/victims/referrals') && r.request().method() === 'POST'),
      referrals.getByRole('button', { name: 'Refer' }).click(),
    ]);
    expect(refused.status()).toBe(422);
    const alert = referrals.getByRole('alert').filter({ hasText: 'needs consent that is not recorded' });
    await alert.getByText(`Sharing with ${HOSPITAL_ORG}`).waitFor();
    await alert.getByLabel('Override the missing consent').waitFor();
    await expectAccessible(page, 'casualty with missing consent');

    await consent.getByRole('combobox', { name: 'Purpose', exact: true }).selectOption('sharing');
    await consent.getByLabel('Organisation the data may be shared with').fill(HOSPITAL_ORG);
    await consent.getByRole('button', { name: 'Record consent' }).click();
    await expect.poll(() => consent.getByRole('row').count()).toBe(3);

    await referrals.getByRole('button', { name: 'Refer' }).click();
    await page.getByRole('status').filter({ hasText: 'Referral made' }).waitFor();
    const card = page.getByRole('article', { name: `Referral 1 to ${HOSPITAL}` });
    await card.getByRole('table', { name: 'Follow-ups of referral 1' }).waitFor();
    expect(await card.getByRole('rowheader', { name: '3 days' }).count()).toBe(1);
    await card.getByRole('combobox', { name: 'New status', exact: true }).selectOption('accepted');
    await card.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('status').filter({ hasText: 'Referral now: Accepted' }).waitFor();
    await expectAccessible(page, 'casualty with a referral');
    await screenshot(page, 'victims-casualty');

    const referral = (await (await va.context.request.get(`${svc.baseUrl}/api/victims/referrals?casualtyId=${casualtyId}`)).json()).data;
    expect(referral).toHaveLength(1);
    expect(referral[0]).toMatchObject({ status: 'accepted', serviceType: 'emergency_medical', needs: 'wound care, then physical rehabilitation', overrideReason: null });
  });

  it('when the focal point opens tasks, providers and statistics, then each passes the accessibility check and providers lists the demo centres', async () => {
    const { page } = va;
    await openPage(page, '/victims/tasks', 'Victim assistance tasks');
    await expectAccessible(page, '/victims/tasks');
    await openPage(page, '/victims/providers', 'Service providers');
    await page.getByRole('rowheader', { name: new RegExp(HOSPITAL.replace(/[()]/g, '\\$&')) }).waitFor();
    await expectAccessible(page, '/victims/providers');
    await page.getByRole('button', { name: 'New provider' }).click();
    await expectAccessible(page, '/victims/providers with the form');
    await openPage(page, '/victims/stats', 'Casualty statistics');
    await page.getByRole('table', { name: 'Casualties by year, province and device' }).waitFor();
    await expectAccessible(page, '/victims/stats');
    await screenshot(page, 'victims-stats');
    expect(va.errors).toEqual([]);
  });

  it('when the coordinator signs in, then the statistics open with small counts suppressed, but casualty records do not', async () => {
    const coordinator = await signIn(COORDINATOR);
    const { page, context } = coordinator;
    const nav = page.getByRole('navigation').first();
    await expect.poll(() => nav.getByRole('link', { name: 'Casualty statistics' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Casualties', exact: true }).count()).toBe(0);
    await openPage(page, '/victims/stats', 'Casualty statistics');
    const table = page.getByRole('table', { name: 'Casualties by year, province and device' });
    await table.getByRole('cell', { name: 'fewer than 5' }).first().waitFor();
    await page.getByRole('table', { name: /^Casualties and their open needs/ }).getByRole('cell', { name: 'Emergency medical care' }).waitFor();
    expect(await page.getByText('Sokun Chea').count()).toBe(0);
    await expectAccessible(page, '/victims/stats as coordinator');
    const csv = await context.request.get(`${svc.baseUrl}/api/victims/stats.csv`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\r\n')[1]).toContain('#affected+killed');

    await page.goto(`${svc.baseUrl}/victims/casualties`);
    await page.getByText('Your role cannot open this page.').waitFor();
    expect((await context.request.get(`${svc.baseUrl}/api/victims/casualties`)).status()).toBe(403);
    expect(coordinator.errors).toEqual([]);
    await context.close();
  });

  it('when the casualty and statistics pages are opened on a phone-sized screen, then nothing overflows sideways and they pass the check', async () => {
    const cookies = await va.context.cookies();
    const w = await newWatchedContext(browser, { viewport: { width: 390, height: 844 } });
    await w.context.addCookies(cookies);
    const page = await w.context.newPage();
    for (const [path, heading] of [[`/victims/casualties/${casualtyId}`, `Casualty ${casualtyId}`], ['/victims/casualties', 'Casualties'], ['/victims/stats', 'Casualty statistics']] as const) {
      await openPage(page, path, heading);
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      // On failure, name the elements that stick out.
      const wide = overflow > 1
        ? await page.evaluate<string[]>(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-8).map((e) => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))`)
        : [];
      expect(overflow, `${path} is wider than the screen: ${wide.join(' | ')}`).toBeLessThanOrEqual(1);
      await expectAccessible(page, `${path} at 390 px`);
    }
    await w.context.close();
  });

  it('when the other person cannot be asked, then the focal point overrides the missing consent with a reason and the referral records it', async () => {
    const { page } = va;
    const other = ((await (await va.context.request.get(`${svc.baseUrl}/api/victims/casualties`)).json()) as { data: Casualty[] }).data.find((c) => c.id !== casualtyId)!;
    await openPage(page, `/victims/casualties/${other.id}`, `Casualty ${other.id}`);
    const referrals = page.getByRole('region', { name: 'Referrals and follow-ups' });
    await referrals.getByRole('combobox', { name: 'Province', exact: true }).selectOption('01');
    await referrals.getByRole('combobox', { name: 'Service type', exact: true }).selectOption('emergency_medical');
    await expect.poll(() => referrals.getByRole('combobox', { name: 'Service provider', exact: true }).locator('option').first().textContent()).toContain(HOSPITAL);
    await referrals.getByRole('button', { name: 'Refer' }).click();
    const alert = referrals.getByRole('alert').filter({ hasText: 'needs consent that is not recorded' });
    await alert.getByText('Services (care and referrals)').waitFor();
    await alert.getByLabel('Override the missing consent').check();
    await alert.getByLabel(/^Why consent cannot be had/).fill('unconscious at the hospital, no family reached yet');
    await referrals.getByRole('button', { name: 'Refer without the consent' }).click();
    await page.getByRole('status').filter({ hasText: 'Referral made' }).waitFor();
    await page.getByText('unconscious at the hospital, no family reached yet').waitFor();
    const made = (await (await va.context.request.get(`${svc.baseUrl}/api/victims/referrals?casualtyId=${other.id}`)).json()).data;
    expect(made).toHaveLength(1);
    expect(made[0].overrideReason).toBe('unconscious at the hospital, no family reached yet');
  });

  it('when the focal point erases the other person, then the page says what is kept and the statistics do not change', async () => {
    const { page } = va;
    const before = await (await va.context.request.get(`${svc.baseUrl}/api/victims/stats`)).json();
    const other = ((await (await va.context.request.get(`${svc.baseUrl}/api/victims/casualties`)).json()) as { data: Casualty[] }).data.find((c) => c.id !== casualtyId)!;
    await openPage(page, `/victims/casualties/${other.id}`, `Casualty ${other.id}`);
    const erase = page.getByRole('region', { name: 'Erase this person' });
    await erase.getByText('What the statistics count is kept').waitFor();
    await erase.getByRole('button', { name: 'Erase this person…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Erase this person’s identifying data?' });
    await expectAccessible(page, 'erase confirmation');
    await dialog.getByRole('button', { name: 'Erase', exact: true }).click();
    await page.getByText(/identifying data was erased on/).waitFor();
    expect(await (await va.context.request.get(`${svc.baseUrl}/api/victims/stats`)).json()).toEqual(before);
    // The override's reason was free text about the person: it is gone too.
    expect(await page.getByText('unconscious at the hospital').count()).toBe(0);
    expect(va.errors).toEqual([]);
  });
});
