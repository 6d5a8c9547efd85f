// Our own migration runner, for PGlite and PostgreSQL alike. Why not `prisma migrate deploy`: with the js
// engine it fails on a real PostgreSQL (prisma/orm#27403) and on PGlite records a failed migration as
// applied. This applies prisma/migrations/*/migration.sql in name order, each in one transaction together
// with its row in Prisma's own `_prisma_migrations` table (same sha256 checksum, so the Prisma CLI agrees
// about what is applied), under an advisory lock so two instances starting together never race.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, SqlSession } from './db.js';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied migrations whose file changed since (a warning, not an error: Prisma's own stance). */
  modified: string[];
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`Migration ${migration} failed and was rolled back: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'MigrationError';
    this.cause = cause;
  }
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Keyed on the schema so test files that each own a schema do not queue behind one another.
const LOCK = `hashtext('hazardline:migrate:' || current_schema())`;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql) };
    });
}

// Prisma accepts a checksum computed over either line-ending style.
function sameChecksum(file: MigrationFile, recorded: string): boolean {
  return (
    recorded === file.checksum ||
    recorded === sha256(file.sql.replace(/\r\n/g, '\n')) ||
    recorded === sha256(file.sql.replace(/(?<!\r)\n/g, '\r\n'))
  );
}

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function recorded(s: SqlSession): Promise<Row[]> {
  const exists = await s.query<{ t: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS t`);
  if (!exists[0]?.t) return [];
  return s.query<Row>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
}

function statusOf(files: MigrationFile[], rows: Row[]): MigrationStatus & { failed: string[] } {
  const done = new Map(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]));
  const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
  return {
    applied: files.filter((f) => done.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !done.has(f.name)).map((f) => f.name),
    modified: files.filter((f) => done.has(f.name) && !sameChecksum(f, done.get(f.name)!.checksum)).map((f) => f.name),
    failed,
  };
}

export async function migrationStatus(db: Database, dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = readMigrations(dir);
  const { applied, pending, modified } = await db.withSession(async (s) => statusOf(files, await recorded(s)));
  return { applied, pending, modified };
}

/**
 * Applies every pending migration. A failing one is rolled back whole, nothing about it is recorded, and a
 * MigrationError is thrown: start-up stops and the database is as it was before that migration.
 */
export async function migrate(
  db: Database,
  opts: { dir?: string; log?: (msg: string) => void } = {},
): Promise<MigrationStatus & { appliedNow: string[] }> {
  const files = readMigrations(opts.dir);
  const log = opts.log ?? (() => {});
  return db.withSession(async (s) => {
    // A migration may rewrite a big table, and a second instance waits here for the first one's: neither is
    // bounded by the service's per-statement limits. RESET (below) restores the connection's own settings.
    await s.exec('SET statement_timeout = 0; SET lock_timeout = 0');
    await s.query(`SELECT pg_advisory_lock(${LOCK})`);
    try {
      await s.exec(CREATE_TABLE);
      const before = statusOf(files, await recorded(s));
      if (before.failed.length > 0) {
        throw new Error(
          `Migration(s) ${before.failed.join(', ')} are marked as started but not finished in _prisma_migrations. ` +
            'Inspect the database, then delete those rows once it is consistent.',
        );
      }
      for (const name of before.modified) log(`warning: applied migration ${name} was modified since`);
      const appliedNow: string[] = [];
      for (const file of files.filter((f) => before.pending.includes(f.name))) {
        await s.exec('BEGIN');
        try {
          await s.exec(file.sql);
          await s.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
            [randomUUID(), file.checksum, file.name],
          );
          await s.exec('COMMIT');
        } catch (err) {
          await s.exec('ROLLBACK').catch(() => {});
          throw new MigrationError(file.name, err);
        }
        appliedNow.push(file.name);
        log(`applied migration ${file.name}`);
      }
      const after = statusOf(files, await recorded(s));
      return { applied: after.applied, pending: after.pending, modified: after.modified, appliedNow };
    } finally {
      await s.query(`SELECT pg_advisory_unlock(${LOCK})`).catch(() => {});
      await s.exec('RESET statement_timeout; RESET lock_timeout').catch(() => {});
    }
  });
}
