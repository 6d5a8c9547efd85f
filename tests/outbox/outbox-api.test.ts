// /api/outbox: listing with filters and a cursor, masked recipients, roles, and the manual retry.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { enqueue, type EnqueueInput } from '../../src/outbox/enqueue.js';
import { createOutboxFake, createTestDispatcher, fakeTransport, outboxRow, uniqueBody } from '../support/outbox.js';

let t: TestApp;
let coordinatorKey: string;
let educatorKey: string;
const fake = createOutboxFake();

beforeAll(async () => {
  await fake.start();
  t = await createTestApp();
  coordinatorKey = (await createApiKey(t.ctx.prisma, { name: 'ops desk', role: 'coordinator' })).secret;
  educatorKey = (await createApiKey(t.ctx.prisma, { name: 'mre team', role: 'educator' })).secret;
});
afterAll(async () => {
  await fake.close();
  await t.close();
});

type Status = 'pending' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'cancelled' | 'unknown';

async function row(input: Partial<EnqueueInput> & { status?: Status; lastError?: string; lastErrorCode?: string } = {}) {
  const { status, lastError, lastErrorCode, ...rest } = input;
  const created = await enqueue(t.ctx.prisma, { kind: 'campaign', to: randomKhPhone(), body: uniqueBody('Message'), ...rest });
  if (!status && !lastError) return created;
  return t.ctx.prisma.outboxMessage.update({
    where: { id: created.id },
    data: { status, attempts: status === 'pending' ? 0 : 1, lastError: lastError ?? null, lastErrorCode: lastErrorCode ?? null },
  });
}

const list = (query: string, key?: string) => t.api('get', `/api/outbox${query}`, key);
type Item = { id: number; status: string; kind: string; reportId: number | null; campaignId: number | null; recipient: string };

describe('GET /api/outbox', () => {
  it('when filtered by status and kind, then only matching rows come back, newest first', async () => {
    const failedAlert = await row({ kind: 'alert', status: 'failed' });
    const failedCampaign = await row({ kind: 'campaign', status: 'failed' });
    await row({ kind: 'alert', status: 'delivered' });

    const res = await list('?status=failed&kind=alert').expect(200);

    const items = res.body.data as Item[];
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.every((i) => i.status === 'failed' && i.kind === 'alert')).toBe(true);
    expect(items.map((i) => i.id)).toContain(failedAlert.id);
    expect(items.map((i) => i.id)).not.toContain(failedCampaign.id);
    expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort((a, b) => b - a));
  });

  it('when filtered by report or by campaign, then only that report\'s or campaign\'s rows come back', async () => {
    const report = await t.ctx.prisma.hazardReport.create({ data: { originalText: 'mine near the well', reporterPhone: randomKhPhone() } });
    const campaign = await t.ctx.prisma.campaign.create({ data: { name: 'Rainy season' } });
    const forReport = [await row({ kind: 'reply', reportId: report.id }), await row({ kind: 'alert', reportId: report.id })];
    const forCampaign = [await row({ campaignId: campaign.id }), await row({ campaignId: campaign.id, status: 'delivered' })];
    await row();

    const byReport = await list(`?report=${report.id}`).expect(200);
    const byCampaign = await list(`?campaign=${campaign.id}`).expect(200);
    const both = await list(`?campaign=${campaign.id}&status=delivered`).expect(200);

    expect((byReport.body.data as Item[]).map((i) => i.id)).toEqual(forReport.map((r) => r.id).reverse());
    expect((byCampaign.body.data as Item[]).map((i) => i.id)).toEqual(forCampaign.map((r) => r.id).reverse());
    expect((both.body.data as Item[]).map((i) => i.id)).toEqual([forCampaign[1]!.id]);
    expect(byReport.body.nextCursor).toBeNull();
  });

  it('when paging with a cursor, then every row comes exactly once, newest first, and the last page has no cursor', async () => {
    const campaign = await t.ctx.prisma.campaign.create({ data: { name: 'Paging' } });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await row({ campaignId: campaign.id })).id);

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await list(`?campaign=${campaign.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      seen.push(...(res.body.data as Item[]).map((i) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when rows are listed, then villagers\' numbers are masked and webhook URLs are not', async () => {
    const phone = randomKhPhone();
    const sms = await row({ kind: 'reply', to: phone });
    const hook = await row({ kind: 'webhook', to: 'https://ops.example.org/hooks/hazardline', body: '{"report":1}' });

    const res = await list('?limit=200').expect(200);

    const items = res.body.data as Item[];
    expect(items.find((i) => i.id === sms.id)!.recipient).toBe(`+855****${phone.slice(-4)}`);
    expect(items.find((i) => i.id === hook.id)!.recipient).toBe('https://ops.example.org/hooks/hazardline');
    expect(res.text).not.toContain(phone);
  });

  it('when the query is invalid, then it is 400', async () => {
    await list('?status=lost').expect(400);
    await list('?kind=letter').expect(400);
    await list('?limit=0').expect(400);
    await list('?colour=red').expect(400);
    const res = await list(`?cursor=${Buffer.from('abc').toString('base64url')}`).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('when the key is an educator\'s, then it is 403; a coordinator\'s is allowed; no key is 401', async () => {
    const forbidden = await list('', educatorKey).expect(403);
    await list('', coordinatorKey).expect(200);
    await request(t.app).get('/api/outbox').expect(401);

    expect(forbidden.body.error.code).toBe('forbidden');
  });
});

describe('POST /api/outbox/:id/retry', () => {
  it('when a failed row is retried, then it is pending with attempts 0, audited, and the dispatcher sends it', async () => {
    const failed = await row({ kind: 'alert', status: 'failed', lastError: 'HTTP 500', lastErrorCode: '20500' });

    const res = await t.api('post', `/api/outbox/${failed.id}/retry`, coordinatorKey).expect(200);

    expect(res.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0, lastError: null, lastErrorCode: null });
    expect(await outboxRow(t.ctx.prisma, failed.id)).toMatchObject({ status: 'pending', attempts: 0 });
    const audit = await t.ctx.prisma.auditLog.findMany({ where: { action: 'outbox.retry', entityId: String(failed.id) } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('ops desk');

    // Everything else queued in this file is made not due, so only the retried row goes out.
    await t.ctx.prisma.outboxMessage.updateMany({ where: { status: 'pending', NOT: { id: failed.id } }, data: { status: 'cancelled' } });
    await createTestDispatcher(t.ctx.prisma, fakeTransport(fake)).drain();
    expect(fake.messages().map((m) => m.params.Body)).toEqual([failed.body]);
    expect(await outboxRow(t.ctx.prisma, failed.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when an unknown row is retried, then it is pending again', async () => {
    const unknown = await row({ status: 'unknown', lastError: 'the sending process stopped mid-send' });

    await t.api('post', `/api/outbox/${unknown.id}/retry`).expect(200);

    expect(await outboxRow(t.ctx.prisma, unknown.id)).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
  });

  it.each(['delivered', 'sent', 'sending', 'pending', 'cancelled'] as const)('when a %s row is retried, then it is 422 and unchanged', async (status) => {
    const r = await row({ status });
    const before = await outboxRow(t.ctx.prisma, r.id);

    const res = await t.api('post', `/api/outbox/${r.id}/retry`).expect(422);

    expect(res.body.error.code).toBe('unprocessable');
    expect(await outboxRow(t.ctx.prisma, r.id)).toEqual(before);
  });

  it('when the row does not exist, then it is 404; when the id is not a number, then it is 400', async () => {
    const missing = await t.api('post', '/api/outbox/999999/retry').expect(404);
    const bad = await t.api('post', '/api/outbox/abc/retry').expect(400);
    await t.api('post', '/api/outbox/0/retry').expect(400);

    expect(missing.body.error.code).toBe('not_found');
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('when an educator retries, then it is 403 and the row stays failed', async () => {
    const failed = await row({ status: 'failed' });

    await t.api('post', `/api/outbox/${failed.id}/retry`, educatorKey).expect(403);

    expect(await outboxRow(t.ctx.prisma, failed.id)).toMatchObject({ status: 'failed' });
  });
});
