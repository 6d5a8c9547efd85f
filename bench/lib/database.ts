// The database a benchmark runs on: an in-memory PGlite by default, or a throwaway schema on a PostgreSQL
// server (created, migrated, dropped afterwards) with `--db postgres` or BENCH_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/lib/db.js';
import { migrate } from '../../src/lib/migrate.js';
import type { DatabaseInfo } from './report.js';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type DatabaseChoice = { kind: 'pglite' } | { kind: 'postgres'; url: string };

export interface BenchDatabase {
  db: Database;
  info: DatabaseInfo;
  /** PostgreSQL only: the server URL as given (password included), for child processes and raw clients. */
  url?: string;
  cleanup(): Promise<void>;
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export async function openBenchDatabase(choice: DatabaseChoice, poolSize = 10): Promise<BenchDatabase> {
  if (choice.kind === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await migrate(db);
      const info: DatabaseInfo = { kind: 'pglite', location: 'memory://', serverVersion: await serverVersion(db) };
      return { db, info, cleanup: () => db.close() };
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(choice.url, `CREATE SCHEMA "${schema}"`);
  let db: Database | undefined;
  const cleanup = async () => {
    await db?.close().catch(() => {});
    await adminQuery(choice.url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };
  try {
    db = await openDatabase({ databaseUrl: choice.url, schema, poolSize });
    await migrate(db);
    const info: DatabaseInfo = { kind: 'postgres', location: describeUrl(choice.url), schema, serverVersion: await serverVersion(db) };
    return { db, info, url: choice.url, cleanup };
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}

async function serverVersion(db: Database): Promise<string> {
  const rows = await db.prisma.$queryRawUnsafe<{ v: string }[]>(`SELECT current_setting('server_version') AS v`);
  return `PostgreSQL ${rows[0]?.v ?? '?'}`;
}

/** One statement on its own connection (schemas are created and dropped outside any pool). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
