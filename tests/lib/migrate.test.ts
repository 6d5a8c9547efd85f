import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/db.js';
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  migrate,
  migrationStatus,
  readMigrations,
} from '../../src/lib/migrate.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';

const REAL = readMigrations().map((m) => m.name);
const BAD = '99999999999999_bad';

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

let t: TestDatabase;
let db: Database;
const tempDirs: string[] = [];

beforeEach(async () => {
  t = await createTestDatabase({ migrate: false });
  db = t.db;
});
afterEach(async () => {
  await t.cleanup();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function rows(database: Database = db): Promise<MigrationRow[]> {
  return database.withSession((s) =>
    s.query<MigrationRow>(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`),
  );
}

/** A migrations directory holding a copy of the real migrations, to add to or change. */
function copyOfRealMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hazardline-migrations-'));
  tempDirs.push(dir);
  for (const name of REAL) cpSync(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  return dir;
}

async function tableExists(name: string): Promise<boolean> {
  const [row] = await db.withSession((s) => s.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [name]));
  return Boolean(row?.t);
}

describe('migrate', () => {
  it('when the real migrations are applied, then each is recorded once with the sha256 of its file and a finish time', async () => {
    expect(REAL.length).toBeGreaterThan(0);

    const result = await migrate(db);

    expect(result.appliedNow).toEqual(REAL);
    expect(result.pending).toEqual([]);
    const recorded = await rows();
    expect(recorded.map((r) => r.migration_name)).toEqual(REAL);
    for (const row of recorded) {
      const bytes = readFileSync(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    expect(await tableExists('admin_units')).toBe(true);
  });

  it('when migrate runs a second time, then it applies nothing and records nothing more', async () => {
    await migrate(db);

    const again = await migrate(db);

    expect(again.appliedNow).toEqual([]);
    expect(again.applied).toEqual(REAL);
    expect(await rows()).toHaveLength(REAL.length);
  });

  it('when asked for the status, then every migration is pending before and none after', async () => {
    const before = await migrationStatus(db);

    await migrate(db);
    const after = await migrationStatus(db);

    expect(before).toEqual({ applied: [], pending: REAL, modified: [] });
    expect(after).toEqual({ applied: REAL, pending: [], modified: [] });
  });

  it('when a migration fails halfway, then it is rolled back whole, not recorded, and the earlier ones stay applied', async () => {
    const dir = copyOfRealMigrations();
    mkdirSync(join(dir, BAD));
    writeFileSync(join(dir, BAD, 'migration.sql'), 'CREATE TABLE ok_part (id int);\nSELECT 1/0;\n');

    const failure = await migrate(db, { dir }).then(
      () => null,
      (err: unknown) => err,
    );

    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).migration).toBe(BAD);
    expect((failure as MigrationError).message).toContain(BAD);
    expect((failure as MigrationError).message).toMatch(/division by zero/);
    expect(await tableExists('ok_part')).toBe(false);
    expect((await rows()).map((r) => r.migration_name)).toEqual(REAL);
    expect(await migrationStatus(db, dir)).toEqual({ applied: REAL, pending: [BAD], modified: [] });
    expect(await tableExists('admin_units')).toBe(true);
  });

  it('when a row is left started but unfinished, then migrate refuses and names it', async () => {
    await migrate(db);
    const stuck = '20990101000000_half_done';
    await db.withSession((s) =>
      s.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at) VALUES ($1, $2, $3, NULL)`, [
        randomUUID(),
        '0'.repeat(64),
        stuck,
      ]),
    );

    await expect(migrate(db)).rejects.toThrow(new RegExp(`${stuck}.*not finished`));

    expect(await rows()).toHaveLength(REAL.length + 1);
  });

  it('when an applied migration file was modified since, then migrate warns through log but does not fail', async () => {
    const dir = copyOfRealMigrations();
    await migrate(db, { dir });
    const changed = REAL[0]!;
    appendFileSync(join(dir, changed, 'migration.sql'), '\n-- edited after it was applied\n');
    const logged: string[] = [];

    const result = await migrate(db, { dir, log: (msg) => logged.push(msg) });

    expect(result.appliedNow).toEqual([]);
    expect(result.modified).toEqual([changed]);
    expect(logged).toEqual([`warning: applied migration ${changed} was modified since`]);
    expect((await migrationStatus(db, dir)).modified).toEqual([changed]);
  });

  it('when applying, then each applied migration is reported through log', async () => {
    const logged: string[] = [];

    await migrate(db, { log: (msg) => logged.push(msg) });

    expect(logged).toEqual(REAL.map((name) => `applied migration ${name}`));
  });

  it.runIf(onPostgres)(
    'when two instances migrate the same database at once, then both succeed and each migration is recorded exactly once',
    async () => {
      const other = await t.openAnother();

      const [a, b] = await Promise.all([migrate(db), migrate(other)]);

      expect([...a.appliedNow, ...b.appliedNow].sort()).toEqual(REAL);
      expect(a.pending).toEqual([]);
      expect(b.pending).toEqual([]);
      const counts = await db.withSession((s) =>
        s.query<{ migration_name: string; n: number }>(
          `SELECT migration_name, count(*)::int AS n FROM "_prisma_migrations" GROUP BY migration_name ORDER BY 1`,
        ),
      );
      expect(counts).toEqual(REAL.map((name) => ({ migration_name: name, n: 1 })));
    },
  );
});
