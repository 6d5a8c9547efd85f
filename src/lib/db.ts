// The one Prisma client. Embedded PGlite (a real Postgres in-process, data on disk) by default; a PostgreSQL
// server through @prisma/adapter-pg when DATABASE_URL is set, so several instances can share it.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { GuardedPool, type PoolStats } from './pg-pool.js';

export type { PoolStats };

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

export interface DatabaseHealth {
  ok: boolean;
  /** Time to get a connection and run `SELECT 1`, or until the check gave up. */
  latencyMs: number;
  error?: string;
  /** PostgreSQL only: the pool as it was at the end of the check. */
  pool?: PoolStats;
}

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgres';
  /** Borrow one dedicated connection (PGlite has only one; it is exclusive while fn runs). */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** Can the service use the database right now? Gets a connection and runs `SELECT 1`, never past timeoutMs. */
  ping(timeoutMs: number): Promise<DatabaseHealth>;
  /** Pool gauges; undefined on PGlite (one in-process connection). */
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

/** Errors the database layer wants someone to see (a pool's broken idle connection, for instance). */
export type DatabaseErrorLogger = (err: Error, msg: string) => void;

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` for a throwaway database. */
  dataDir?: string;
  poolSize?: number;
  /** PostgreSQL schema to use instead of public (tests give each file its own). */
  schema?: string;
  /** PostgreSQL: shown in pg_stat_activity, so an operator (or a test) can tell this pool's sessions apart. */
  applicationName?: string;
  /** PostgreSQL: longest wait for a pool slot or a new connection before the query fails. */
  connectTimeoutMs?: number;
  /** PostgreSQL: the server cancels a statement running longer (0 = no limit). */
  statementTimeoutMs?: number;
  /** PostgreSQL: the server cancels a statement waiting longer for a lock (0 = no limit). */
  lockTimeoutMs?: number;
  /** PostgreSQL: the server ends a session idle inside a transaction for longer (0 = no limit). */
  idleInTransactionTimeoutMs?: number;
  onError?: DatabaseErrorLogger;
}

/** Defaults shared with src/config.ts; see there and the README for why these values. */
export const DATABASE_TIMEOUT_DEFAULTS = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 60_000,
} as const;

/** `postgres://user:secret@host` → `postgres://user:****@host`, wherever a URL shows up in a message. */
export function maskDatabaseUrl(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1****@');
}

function masked(err: Error): Error {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(err)) as Error, err);
  copy.message = maskDatabaseUrl(err.message);
  if (err.stack) copy.stack = maskDatabaseUrl(err.stack);
  return copy;
}

/** Rejects with a message naming what took too long, and clears its timer either way. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
    async ping(timeoutMs) {
      const started = Date.now();
      try {
        if (client.closed) throw new Error('the database is closed');
        await within(client.query('SELECT 1'), timeoutMs, 'SELECT 1');
        return { ok: true, latencyMs: Date.now() - started };
      } catch (err) {
        return { ok: false, latencyMs: Date.now() - started, error: (err as Error).message };
      }
    },
    poolStats: () => undefined,
    async close() {
      await prisma.$disconnect();
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  const t = { ...DATABASE_TIMEOUT_DEFAULTS, ...definedOnly(opts) };
  const onError = opts.onError ?? (() => {});
  // Session settings travel in the startup packet, so every connection has them before its first query and
  // RESET returns to them. Timestamps are stored without a zone and written in UTC by Prisma, while SQL compares
  // them with now(): every session must run in UTC, whatever the server's own time zone (a Cambodian server's is
  // +07). The timeouts make the server end what would otherwise wait forever; the server-side keepalives let it
  // notice a client that vanished (a cut link) within about a minute and drop its locks.
  const settings: Record<string, string | number> = {
    TimeZone: 'UTC',
    statement_timeout: t.statementTimeoutMs,
    lock_timeout: t.lockTimeoutMs,
    idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs,
    tcp_keepalives_idle: 30,
    tcp_keepalives_interval: 10,
    tcp_keepalives_count: 3,
    ...(opts.schema ? { search_path: `"${opts.schema.replace(/"/g, '')}"` } : {}),
  };
  const options = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${String(v).replace(/[\\ ]/g, (c) => `\\${c}`)}`)
    .join(' ');
  const pool = new GuardedPool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    options,
    application_name: opts.applicationName ?? 'hazardline',
    // Without it a caller waits for a free slot (or a server that does not answer) forever.
    connectionTimeoutMillis: t.connectTimeoutMs,
    // And this side notices a dead server on an idle connection.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A broken idle connection must not crash the process; the pool drops it and opens another when needed.
  pool.on('error', (err) => onError(masked(err), 'idle database connection failed; the pool replaces it'));
  pool.onClientError = (err) => onError(masked(err), 'database connection failed while in use; it is discarded');
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, opts.schema ? { schema: opts.schema } : undefined),
  });
  return {
    prisma,
    kind: 'postgres',
    async withSession(fn) {
      const conn = await pool.connect();
      try {
        const result = await fn({
          query: async (sql, params) => (await conn.query(sql, params as unknown[])).rows,
          exec: async (script) => {
            await conn.query(script);
          },
        });
        conn.release();
        return result;
      } catch (err) {
        // What fn left behind (an open transaction, a session lock, a half-read result) is unknown: a fresh
        // connection is cheaper than finding out.
        conn.release(err instanceof Error ? err : true);
        throw err;
      }
    },
    async ping(timeoutMs) {
      const started = Date.now();
      const fail = (err: unknown): DatabaseHealth => ({
        ok: false,
        latencyMs: Date.now() - started,
        error: maskDatabaseUrl((err as Error)?.message ?? String(err)),
        pool: pool.stats(),
      });
      const acquiring = pool.connect();
      let conn: Awaited<typeof acquiring>;
      try {
        conn = await within(acquiring, timeoutMs, 'waiting for a database connection');
      } catch (err) {
        // Should a connection turn up after all, it goes straight back.
        acquiring.then((c) => c.release(), () => {});
        return fail(err);
      }
      try {
        const left = Math.max(1, timeoutMs - (Date.now() - started));
        await within(conn.query('SELECT 1'), left, 'SELECT 1');
        conn.release();
        return { ok: true, latencyMs: Date.now() - started, pool: pool.stats() };
      } catch (err) {
        conn.release(err instanceof Error ? err : true);
        return fail(err);
      }
    },
    poolStats: () => pool.stats(),
    async close() {
      await prisma.$disconnect();
      if (!pool.ending) await pool.end();
    },
  };
}

function definedOnly(opts: OpenDatabaseOptions): Partial<typeof DATABASE_TIMEOUT_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(DATABASE_TIMEOUT_DEFAULTS) as (keyof typeof DATABASE_TIMEOUT_DEFAULTS)[]) {
    const v = opts[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
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
