// PATCH /api/reports/:id with "duplicateOf": a coordinator marks a report as a duplicate of the report they
// chose (the console's picker), and the link is stored, not just written in a note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomKhPhone } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const seed = (data: Partial<Prisma.HazardReportUncheckedCreateInput> = {}) =>
  t.ctx.prisma.hazardReport.create({
    data: { originalText: 'mine near the well', reporterPhone: randomKhPhone(), priorityReasons: [], contextFlags: [], status: 'triaged', ...data },
  });
const patch = (id: number, body: unknown) => t.api('patch', `/api/reports/${id}`).send(body as object);

describe('marking a report as a duplicate of a chosen report', () => {
  it('when status duplicate comes with duplicateOf, then the report points at that report and the history names it', async () => {
    const original = await seed();
    const copy = await seed();

    const res = await patch(copy.id, { status: 'duplicate', duplicateOf: original.id });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: copy.id, status: 'duplicate', duplicateOfId: original.id, changed: true });
    const stored = await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: copy.id } });
    expect(stored.duplicateOfId).toBe(original.id);
    const history = await t.ctx.prisma.reportEvent.findMany({ where: { reportId: copy.id }, orderBy: { id: 'asc' } });
    expect(history.find((e) => e.kind === 'status')?.note).toBe(`duplicate of #${original.id}`);
    const detail = await t.api('get', `/api/reports/${original.id}`);
    expect(detail.body.duplicates.map((d: { id: number }) => d.id)).toEqual([copy.id]);
  });

  it('when the chosen report is itself a duplicate, then the link goes to its original', async () => {
    const root = await seed();
    const middle = await seed({ status: 'duplicate', duplicateOfId: root.id });
    const copy = await seed();

    const res = await patch(copy.id, { status: 'duplicate', duplicateOf: middle.id });

    expect(res.status).toBe(200);
    expect(res.body.duplicateOfId).toBe(root.id);
  });

  it('when duplicateOf names the report itself, a missing report, or comes without status duplicate, then it is refused and nothing changes', async () => {
    const report = await seed();

    const self = await patch(report.id, { status: 'duplicate', duplicateOf: report.id });
    const missing = await patch(report.id, { status: 'duplicate', duplicateOf: 2_000_000_000 });
    const alone = await patch(report.id, { duplicateOf: report.id + 1 });

    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('unprocessable');
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toMatchObject({ field: 'duplicateOf' });
    expect(alone.status).toBe(400);
    expect(JSON.stringify(alone.body.error.details)).toContain('duplicateOf');
    const stored = await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: report.id } });
    expect(stored).toMatchObject({ status: 'triaged', duplicateOfId: null });
  });

  it('when a voice report has a recording link, then the detail carries it for the console player', async () => {
    const report = await seed({ channel: 'voice', recordingLink: 'https://hazardline.test/r/abc123' });

    const res = await t.api('get', `/api/reports/${report.id}`);

    expect(res.body.recordingLink).toBe('https://hazardline.test/r/abc123');
  });
});
