// The inbound worker's hot path reads reports and outbox rows with raw SQL (lib/report-row.ts, outbox/enqueue.ts).
// Their column lists must name every column under its Prisma field name: a column added to schema.prisma and
// forgotten here would silently be missing from the rows. Compare against Prisma's own read.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { reportById } from '../../src/lib/report-row.js';
import { enqueue } from '../../src/outbox/enqueue.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.cleanup());

it('when a report is read with raw SQL, then it equals Prisma\'s read of the same row, field for field', async () => {
  const p = t.db.prisma;
  const created = await p.hazardReport.create({
    data: {
      originalText: 'mine', reporterPhone: '+85512345678', priorityReasons: ['casualties'], contextFlags: ['school'], lat: 13.1, lon: 103.2,
      dialogueUntil: new Date(), parse: { device: { value: 'ap_mine' } }, mediaUrls: ['https://example.org/a.jpg'],
      recordingUrl: 'https://api.twilio.com/rec', recordingLink: 'https://hazardline.test/r/abc', assignee: 'Sokha',
    },
  });
  expect(await reportById(p, created.id)).toEqual(await p.hazardReport.findUnique({ where: { id: created.id } }));
});

it('when an outbox row is queued with raw SQL, then it equals Prisma\'s read of the same row, field for field', async () => {
  const p = t.db.prisma;
  const row = await enqueue(p, { kind: 'reply', to: '+85512345678', body: 'hello', dedupeKey: 'raw-rows-test', locale: 'km' });
  expect(row).toEqual(await p.outboxMessage.findUnique({ where: { id: row.id } }));
  // A second enqueue with the same key queues nothing and returns the first row.
  expect(await enqueue(p, { kind: 'reply', to: '+85512345678', body: 'again', dedupeKey: 'raw-rows-test' })).toEqual(row);
});

it('when the tables gain a column, then the raw column lists are checked against it', async () => {
  const cols = async (table: string) =>
    (await t.db.prisma.$queryRawUnsafe<{ c: string }[]>(
      `SELECT column_name::text AS c FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`, table,
    )).map((r) => r.c).sort();
  const { REPORT_COLUMNS } = await import('../../src/lib/report-row.js');
  const { OUTBOX_COLUMNS } = await import('../../src/outbox/enqueue.js');
  const named = (list: string) => list.split(',').map((c) => c.trim().split(/\s|::/)[0]!).sort();
  expect(named(REPORT_COLUMNS)).toEqual(await cols('hazard_reports'));
  expect(named(OUTBOX_COLUMNS)).toEqual(await cols('outbox'));
});
