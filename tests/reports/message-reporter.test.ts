// POST /api/reports/:id/messages: a coordinator writes to the villager who reported. Queued in the outbox (in
// the report's messages and history), safety-checked like campaign texts, never to a reporter who sent STOP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { makeUser, signedIn } from '../support/accounts.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer();
});
afterAll(() => t.close());

const send = (id: number, body: unknown) => t.api('post', `/api/reports/${id}/messages`).send(body as object);

describe('messaging the reporter', () => {
  it('when a coordinator writes to the reporter, then one SMS is queued to their number, and the report shows it in history and messages', async () => {
    const phone = randomKhPhone();
    const { inbound } = await t.sms(phone, 'mine near the school in Mongkol Borei');
    const id = inbound.reportId!;

    const res = await send(id, { text: 'The team comes tomorrow at 9. Keep everyone away until then.' });

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ outboxId: expect.any(Number), eventId: expect.any(Number), encoding: 'GSM-7', segments: 1 });
    const row = await t.ctx.prisma.outboxMessage.findUniqueOrThrow({ where: { id: res.body.outboxId } });
    expect(row).toMatchObject({ recipient: phone, kind: 'report_update', reportId: id, body: 'The team comes tomorrow at 9. Keep everyone away until then.' });
    const event = await t.ctx.prisma.reportEvent.findUniqueOrThrow({ where: { id: res.body.eventId } });
    expect(event).toMatchObject({ kind: 'message', actor: 'api:env:ADMIN_API_KEY', note: row.body });
    const detail = (await t.api('get', `/api/reports/${id}`).expect(200)).body;
    expect(JSON.stringify(detail.messages)).toContain('The team comes tomorrow at 9.');
    expect(await t.ctx.prisma.auditLog.count({ where: { action: 'report.message', entityId: String(id) } })).toBe(1);
  });

  it('when the text advises touching or moving the device, then 422 names the phrase and nothing is queued', async () => {
    const { inbound } = await t.sms(randomKhPhone(), 'bomb near the well in Mongkol Borei');
    const before = await t.ctx.prisma.outboxMessage.count({ where: { reportId: inbound.reportId! } });

    const res = await send(inbound.reportId!, { text: 'Pick it up and bring it to the pagoda.' });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unsafe_content');
    expect(res.body.error.message).toMatch(/pick/i);
    // Khmer: "touch it, move it" with no negation.
    const km = await send(inbound.reportId!, { text: 'ប៉ះ ទាត់ វាយ រើវា' });
    expect(km.status).toBe(422);
    expect(km.body.error.details.unsafe[0]).toMatchObject({ locale: 'km' });
    expect(await t.ctx.prisma.outboxMessage.count({ where: { reportId: inbound.reportId! } })).toBe(before);
  });

  it('when the reporter sent STOP, then 422 says so and nothing is queued', async () => {
    const phone = randomKhPhone();
    const { inbound } = await t.sms(phone, 'mine near the school in Mongkol Borei');
    await t.sms(phone, 'STOP');
    const before = await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone } });

    const res = await send(inbound.reportId!, { text: 'Are you still near the place?' });

    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject({ reason: 'opted_out' });
    expect(await t.ctx.prisma.outboxMessage.count({ where: { recipient: phone } })).toBe(before);
  });

  it('when the body is empty, has unknown fields, or the report is outside a coordinator\'s provinces, then 400 or 404', async () => {
    const { inbound } = await t.sms(randomKhPhone(), 'mine near the school in Mongkol Borei');
    expect((await send(inbound.reportId!, { text: '   ' })).status).toBe(400);
    const extra = await send(inbound.reportId!, { text: 'hello', to: '+85512000000' });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body.error.details)).toContain('to');
    expect((await send(999_999, { text: 'hello' })).status).toBe(404);

    const limited = await makeUser(t.ctx, { role: 'coordinator', provinces: ['02'] });
    const { agent, csrf } = await signedIn(t.app, limited.email);
    const res = await agent.post(`/api/reports/${inbound.reportId}/messages`).set('X-CSRF-Token', csrf).send({ text: 'hello' });
    expect(res.status).toBe(404);
  });

  it('when an educator tries, then 403', async () => {
    const educator = await makeUser(t.ctx, { role: 'educator' });
    const { agent, csrf } = await signedIn(t.app, educator.email);
    expect((await agent.post('/api/reports/1/messages').set('X-CSRF-Token', csrf).send({ text: 'hello' })).status).toBe(403);
  });
});
