// The one Prisma client. Embedded PGlite (a real Postgres in-process, data on disk) by default; a PostgreSQL
// server through @prisma/adapter-pg when DATABASE_URL is set, so several instances can share it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from '../generated/prisma/client.js';

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
  const client = await PGlite.create(inMemory ? dataDir : resolve(dataDir, 'pglite'));
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
    },
  };
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  const searchPath = opts.schema ? `-c search_path="${opts.schema.replace(/"/g, '')}"` : undefined;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    ...(searchPath ? { options: searchPath } : {}),
  });
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
