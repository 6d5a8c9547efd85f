// A real, migrated Postgres for each test file: an in-memory PGlite by default, or a schema of its own on
// the PostgreSQL server named by TEST_DATABASE_URL (so files still run in parallel there).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../../src/lib/db.js';
import { migrate } from '../../src/lib/migrate.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const onPostgres = Boolean(TEST_DATABASE_URL);

export interface TestDatabase {
  db: Database;
  /** Opens another client on the same database (a second "instance"); PostgreSQL only. */
  openAnother(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** Pool and timeout settings for the PostgreSQL client (ignored on PGlite). */
export type TestDatabaseOptions = Omit<OpenDatabaseOptions, 'databaseUrl' | 'dataDir' | 'schema'>;

export async function createTestDatabase(
  opts: { migrate?: boolean; database?: TestDatabaseOptions } = {},
): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const db = await openDatabase({ dataDir: 'memory://' });
    if (opts.migrate !== false) await migrate(db);
    return {
      db,
      openAnother: () => Promise.reject(new Error('a second instance needs TEST_DATABASE_URL (PostgreSQL)')),
      cleanup: () => db.close(),
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  const others: Database[] = [];
  const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5, ...opts.database });
  if (opts.migrate !== false) await migrate(db);
  return {
    db,
    async openAnother() {
      const another = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5, ...opts.database });
      others.push(another);
      return another;
    },
    async cleanup() {
      await Promise.all([db, ...others].map((d) => d.close()));
      await adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
    },
  };
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
