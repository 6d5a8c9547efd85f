import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/db.js';
import { migrate, readMigrations } from '../../src/lib/migrate.js';
import { onPostgres } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';

// Embedded PGlite keeps its data on disk: a restarted field server must find its subscribers again.
describe.skipIf(onPostgres)('PGlite on disk', () => {
  let dataDir: string | undefined;
  const open: Database[] = [];

  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function openAt(dir: string): Promise<Database> {
    const db = await openDatabase({ dataDir: dir });
    open.push(db);
    return db;
  }

  // On-disk PGlite is slow to start on a small machine; a generous limit, not a timing assertion.
  it('when the database is closed and reopened from the same directory, then the data is still there and nothing is migrated again', { timeout: 90_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hazardline-pglite-'));
    const phone = randomKhPhone();
    const first = await openAt(dataDir);
    const applied = await migrate(first);
    await first.prisma.adminUnit.create({
      data: { pcode: '99', level: 'province', nameEn: 'Test Province', nameLocal: 'ខេត្តសាកល្បង' },
    });
    await first.prisma.subscriber.create({ data: { phone, districtPcode: '99', status: 'active', language: 'km' } });
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await openAt(dataDir);
    const again = await migrate(second);
    const unit = await second.prisma.adminUnit.findUnique({ where: { pcode: '99' } });
    const subscriber = await second.prisma.subscriber.findUnique({ where: { phone } });

    expect(applied.appliedNow).toEqual(readMigrations().map((m) => m.name));
    expect(again.appliedNow).toEqual([]);
    expect(again.pending).toEqual([]);
    expect(unit).toMatchObject({ level: 'province', nameEn: 'Test Province', nameLocal: 'ខេត្តសាកល្បង' });
    expect(subscriber).toMatchObject({ districtPcode: '99', status: 'active', language: 'km' });
  });

  it('when another live process holds the data directory, then opening it is refused with a clear reason', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hazardline-pglite-'));
    // The parent process (the test runner) is certainly alive and is not us.
    writeFileSync(join(dataDir, 'hazardline.lock'), String(process.ppid));

    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by process .*DATABASE_URL/);
  });

  it('when the lock was left by a process that is gone, then it is taken over and released on close', { timeout: 90_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hazardline-pglite-'));
    const lock = join(dataDir, 'hazardline.lock');
    writeFileSync(lock, '4194000');

    const db = await openDatabase({ dataDir });
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    await db.close();
    expect(existsSync(lock)).toBe(false);
  });
});
