// The review workflow: statuses per text and locale with the text's hash (a changed text is draft again),
// the review sheet round trip through the CLI, and campaigns refusing unapproved library content.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES_DIR, loadResources } from '../../src/lib/i18n.js';
import { readReviewStore, reviewOf, textHash, type ReviewStore } from '../../src/content/review/review-store.js';
import { exportReviewSheet, importReviewSheet } from '../../src/content/review/review-sheet.js';
import { useReviewStore } from '../../src/campaigns/content-approval.js';
import { createTestApp, type TestApp } from '../support/app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOCALES = ['en', 'km', 'lo', 'es'] as const;
const temp: string[] = [];
afterEach(() => {
  for (const d of temp.splice(0)) rmSync(d, { recursive: true, force: true });
});
function copyLocales(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hazardline-review-'));
  temp.push(dir);
  cpSync(LOCALES_DIR, join(dir, 'locales'), { recursive: true });
  return join(dir, 'locales');
}

type Row = Record<string, string>;
const readSheet = (csv: string) => parse(csv.replace(/^\uFEFF/, ''), { columns: true }) as Row[];
const writeSheet = (rows: Row[]) => {
  const header = Object.keys(rows[0]!);
  const cell = (v: string) => `"${v.replace(/"/g, '""')}"`;
  return [header.map(cell).join(','), ...rows.map((r) => header.map((h) => cell(r[h] ?? '')).join(','))].join('\r\n');
};

describe('review store', () => {
  it('when the shipped texts are read, then the texts issue 13 fixed are draft and the rest reviewed, none approved', () => {
    const store = readReviewStore(LOCALES_DIR);
    const resources = loadResources();
    const km = (resources.km!.messages as Record<string, Record<string, string>>)['mre-007']!.sms!;
    expect(reviewOf(store, 'messages:mre-007.sms', 'km', km)).toMatchObject({ status: 'draft', changed: true });
    const en = (resources.en!.common as { safety: { reply: string } }).safety.reply;
    expect(reviewOf(store, 'common:safety.reply', 'en', en)).toMatchObject({ status: 'reviewed', changed: false });
    expect([...store.entries.values()].some((e) => e.status === 'approved')).toBe(false);
  });

  it('when an approved text is changed, then it counts as draft', () => {
    const store: ReviewStore = { file: '', entries: new Map([['common:safety.reply:lo', { status: 'approved', by: 'A', date: '2026-11-30', hash: textHash('ຢ່າແຕະ.') }]]) };
    expect(reviewOf(store, 'common:safety.reply', 'lo', 'ຢ່າແຕະ.').status).toBe('approved');
    expect(reviewOf(store, 'common:safety.reply', 'lo', 'ຢ່າແຕະ ຢ່າຍ້າຍ.')).toMatchObject({ status: 'draft', changed: true });
  });
});

describe('review sheet', () => {
  it('when exported, then each key has English, every locale, a back-translation column per locale, statuses and hashes', () => {
    const csv = exportReviewSheet({ resources: loadResources(), locales: LOCALES, store: readReviewStore(LOCALES_DIR) });
    const rows = readSheet(csv);
    expect(Object.keys(rows[0]!)).toEqual([
      'key', 'en', 'km', 'lo', 'es', 'back_translation_km', 'back_translation_lo', 'back_translation_es',
      'status_en', 'status_km', 'status_lo', 'status_es', 'reviewer', 'date', 'hash_en', 'hash_km', 'hash_lo', 'hash_es',
    ]);
    const reply = rows.find((r) => r.key === 'common:safety.reply')!;
    expect(reply.km).toContain('កុំប៉ះ');
    expect(reply.status_km).toBe('reviewed');
    expect(rows.some((r) => r.key!.startsWith('keywords:'))).toBe(false);
  });

  it('when a row is imported whose text changed after export, then it is not applied and reported stale', () => {
    const resources = loadResources();
    const store = readReviewStore(LOCALES_DIR);
    const rows = readSheet(exportReviewSheet({ resources, locales: LOCALES, store }));
    const row = rows.find((r) => r.key === 'messages:mre-001.sms')!;
    Object.assign(row, { status_km: 'approved', reviewer: 'Sokha (EORE)', date: '2026-12-01' });
    (resources.km!.messages as Record<string, Record<string, string>>)['mre-001']!.sms = 'កុំប៉ះវា។ {{hotline}}';

    const r = importReviewSheet({ csv: writeSheet([row]), resources, locales: LOCALES, store, today: '2026-12-01' });

    expect(r.updated).toEqual([]);
    expect(r.stale).toEqual([{ key: 'messages:mre-001.sms', locale: 'km' }]);
  });

  it('when a status is set without a reviewer, then the row is refused', () => {
    const resources = loadResources();
    const store = readReviewStore(LOCALES_DIR);
    const row = readSheet(exportReviewSheet({ resources, locales: LOCALES, store })).find((r) => r.key === 'messages:mre-002.sms')!;
    Object.assign(row, { status_lo: 'approved', reviewer: '' });
    const r = importReviewSheet({ csv: writeSheet([row]), resources, locales: LOCALES, store, today: '2026-12-01' });
    expect(r.invalid[0]!.message).toMatch(/needs a reviewer/);
  });

  it('when the sheet is exported, two messages are marked approved and it is imported with the CLI, then their statuses change', () => {
    const locales = copyLocales();
    const sheet = join(locales, '..', 'sheet.csv');
    const run = (args: string[]) => spawnSync('npx', ['tsx', 'scripts/content-check.ts', '--locales', locales, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

    const exported = run(['--report', sheet]);
    expect(exported.status, exported.stdout + exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`review sheet written to ${sheet}`);
    const rows = readSheet(readFileSync(sheet, 'utf8'));
    for (const key of ['messages:mre-003.sms', 'messages:mre-015.sms']) {
      Object.assign(rows.find((r) => r.key === key)!, { status_en: 'approved', status_km: 'approved', status_lo: 'approved', status_es: 'approved', reviewer: 'MRE team Battambang', date: '2026-12-01' });
    }
    writeFileSync(sheet, writeSheet(rows));

    const imported = run(['--import', sheet]);

    expect(imported.status, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Review sheet .*: 8 statuses changed, 0 not applied/);
    expect(imported.stdout).toContain('messages:mre-015.sms km: reviewed → approved');
    const store = readReviewStore(locales);
    const resources = loadResources(locales);
    for (const key of ['messages:mre-003.sms', 'messages:mre-015.sms']) {
      const id = key.slice('messages:'.length, -'.sms'.length);
      for (const lng of LOCALES) {
        const text = (resources[lng]!.messages as Record<string, Record<string, string>>)[id]!.sms!;
        expect(reviewOf(store, key, lng, text), `${key} ${lng}`).toMatchObject({ status: 'approved', by: 'MRE team Battambang', date: '2026-12-01' });
      }
    }
    expect(store.entries.get('messages:mre-004.sms:en')?.status).toBe('reviewed');
    expect(run([]).stdout).toMatch(/en: 2 approved/);
  });
});

describe('campaigns and review status', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-11-23T00:00:00.000Z');
    await t.ctx.prisma.adminUnit.createMany({
      data: [
        { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey' },
        { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borei' },
      ],
      skipDuplicates: true,
    });
  });
  afterAll(async () => t.close());
  const create = (over: Record<string, unknown>) =>
    t.api('post', '/api/campaigns').send({ name: 'Library', message: 'mre-003', districts: ['0102'], schedule: { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh' }, draft: true, ...over });

  it('when a library message is not approved, then 422 content_unapproved names the message and locales', async () => {
    useReviewStore(t.ctx, readReviewStore(LOCALES_DIR));
    const res = await create({});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('content_unapproved');
    expect(res.body.error.message).toMatch(/Message mre-003 is not approved in: en reviewed, km reviewed/);
    expect(res.body.error.details).toMatchObject({ message: 'mre-003', locales: expect.arrayContaining([{ locale: 'lo', status: 'reviewed', changed: false }]) });
  });

  it('when allowUnapproved is sent, then it is created and the preview carries a warning', async () => {
    useReviewStore(t.ctx, readReviewStore(LOCALES_DIR));
    const res = await create({ allowUnapproved: true }).expect(201);
    const preview = await t.api('post', `/api/campaigns/${res.body.id}/preview`).expect(200);
    expect(preview.body.notes[0]).toMatch(/^WARNING: message mre-003 is not approved in en reviewed/);
  });

  it('when the message is approved in every locale, then it is created without the override and without a warning', async () => {
    const resources = loadResources();
    const store: ReviewStore = { file: '', entries: new Map() };
    for (const lng of LOCALES) {
      const text = (resources[lng]!.messages as Record<string, Record<string, string>>)['mre-003']!.sms!;
      store.entries.set(`messages:mre-003.sms:${lng}`, { status: 'approved', by: 'EORE', date: '2026-12-01', hash: textHash(text) });
    }
    useReviewStore(t.ctx, store);
    const res = await create({}).expect(201);
    const preview = await t.api('post', `/api/campaigns/${res.body.id}/preview`).expect(200);
    expect(preview.body.notes.join('\n')).not.toMatch(/not approved/);
  });
});
