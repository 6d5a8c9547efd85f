// The one Prisma client. Embedded PGlite (a real Postgres in-process, data on disk) by default; a PostgreSQL
// server through @prisma/adapter-pg when DATABASE_URL is set, so several instances can share it.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from '../generated/prisma/client.js';
/** The client handed to `prisma.$transaction(async (tx) => …)`: declared once here, imported everywhere. */
export type Tx = Prisma.TransactionClient;
/** For functions that work the same inside or outside a transaction. */
export type DbOrTx = Db | Tx;

/** A single raw connection, used by the migration runner and by set-based jobs that need one session. */
export interface SqlSession {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements (simple query protocol). */
  exec(script: string): Promise<void>;
}

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** Borrow one dedicated connection (PGlite has only one; it is exclusive while fn runs). */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL schema to use instead of public (tests give each file its own). */
  schema?: string;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPglite(opts.dataDir ?? './data');
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
  const unlock = inMemory ? () => {} : lockDataDir(resolve(dataDir));
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? dataDir : resolve(dataDir, 'pglite'));
    // One connection for the life of the process: the session setting holds. See openPostgres for why.
    await client.exec(`SET TIME ZONE 'UTC'`);
  } catch (err) {
    unlock();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  // PGlite serialises everything on its one connection; a session is simply the client itself.
  const session: SqlSession = {
    query: async (sql, params) => (await client.query(sql, params as never[])).rows as never[],
    exec: async (script) => {
      await client.exec(script);
    },
  };
  return {
    prisma,
    kind: 'pglite',
    withSession: (fn) => fn(session),
    async close() {
      await prisma.$disconnect();
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  // Timestamps are stored without a zone and written in UTC by Prisma, while SQL compares them with now():
  // every session must run in UTC, whatever the server's own time zone (a Cambodian server's is +07).
  const options = ['-c TimeZone=UTC', ...(opts.schema ? [`-c search_path="${opts.schema.replace(/"/g, '')}"`] : [])].join(' ');
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options });
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, opts.schema ? { schema: opts.schema } : undefined),
  });
  return {
    prisma,
    kind: 'postgres',
    async withSession(fn) {
      const conn = await pool.connect();
      try {
        return await fn({
          query: async (sql, params) => (await conn.query(sql, params as unknown[])).rows,
          exec: async (script) => {
            await conn.query(script);
          },
        });
      } finally {
        conn.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * PGlite is a database inside this process: a second process opening the same files would corrupt them.
 * A lock file with our pid refuses that, and is taken over when the process that wrote it is gone.
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, 'hazardline.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `DATA_DIR ${dir} is in use by process ${pid}. The embedded database serves one process; ` +
          'stop the other one, or use a PostgreSQL server (DATABASE_URL) to run several instances.',
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
