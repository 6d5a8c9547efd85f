// A pg.Pool that never loses a slot to a dead connection. Two holes it closes, both seen under
// pg_terminate_backend with load:
//
// 1. Prisma's transaction manager (@prisma/client runtime, TransactionManager#closeTransaction) sends
//    COMMIT/ROLLBACK and only then calls the adapter's commit()/rollback(), which is what releases the
//    connection. When that COMMIT/ROLLBACK throws (the backend was terminated, or COMMIT failed on a deferred
//    constraint), release is never called: the client stays checked out for good and after `max` of them every
//    query waits forever. Here a failed end-of-transaction statement releases the client as broken itself.
// 2. A checked-out client whose connection ends is useless to whoever holds it; it is handed back (and so
//    destroyed) at once, so the slot is free again even before the holder notices. The holder's later release()
//    is a no-op instead of pg-pool's "Release called on client which has already been released".
import pg from 'pg';

type Done = (release?: unknown) => void;
type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: Done) => void;

export interface PoolStats {
  max: number;
  /** Open connections, idle or checked out. */
  total: number;
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
}

const END_OF_TRANSACTION = /^\s*(COMMIT|ROLLBACK|END|ABORT)\b/i;

/** The release function of the current checkout of each client (pg-pool hands the same client out again). */
const currentRelease = new WeakMap<pg.PoolClient, (err?: Error | boolean) => void>();
const patched = new WeakSet<pg.PoolClient>();

export class GuardedPool extends pg.Pool {
  /** Called with errors of checked-out clients (idle ones come as the pool's own 'error' event). */
  onClientError: (err: Error) => void = () => {};

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    // Guarded inside pg-pool's callback, not in a later .then(): pg-pool has already removed its own 'error'
    // listener, and a FATAL message parsed from the same socket chunk would otherwise find none and crash
    // the process.
    if (!callback) {
      return new Promise((resolve, reject) => {
        super.connect((err, client) => (err || !client ? reject(err ?? new Error('no client')) : resolve(this.guard(client))));
      });
    }
    // pool.query() takes this path: it releases with the query's error itself.
    super.connect((err, client, done) => {
      if (err || !client) {
        callback(err, client, done);
        return;
      }
      const guarded = this.guard(client);
      callback(undefined, guarded, (e?: unknown) => guarded.release(e instanceof Error || e === true ? e : undefined));
    });
  }

  stats(): PoolStats {
    return { max: this.options.max, total: this.totalCount, idle: this.idleCount, waiting: this.waitingCount };
  }

  private guard(client: pg.PoolClient): pg.PoolClient {
    const poolRelease = client.release;
    let released = false;
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken ??= err;
      this.onClientError(err);
    };
    const onEnd = () => release(broken ?? new Error('connection ended while checked out'));
    const release = (err?: Error | boolean) => {
      if (released) return;
      released = true;
      client.removeListener('error', onError);
      client.removeListener('end', onEnd);
      currentRelease.delete(client);
      // A truthy argument makes pg-pool destroy the client instead of pooling it.
      poolRelease(err || broken);
    };
    client.on('error', onError);
    client.once('end', onEnd);
    client.release = release;
    currentRelease.set(client, release);
    if (!patched.has(client)) {
      patched.add(client);
      patchQuery(client);
    }
    return client;
  }
}

function patchQuery(client: pg.PoolClient) {
  const query = client.query;
  // Only the promise form matters: Prisma's adapter and our sessions use it; pool.query() (callback form)
  // already releases a failed client with the error.
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    const result = (query as (...a: unknown[]) => unknown).apply(this, args);
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    if (!END_OF_TRANSACTION.test(text) || !(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      // After a failed COMMIT/ROLLBACK the session's state is unknown: destroy it rather than pool it.
      currentRelease.get(client)?.(err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
  } as typeof client.query;
}
