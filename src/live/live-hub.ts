// One poller per process fans database events out to every connected console. It reads live_events (not an
// in-process bus), so a change made by any instance on the same PostgreSQL reaches every client. It starts
// with the first client and stops with the last: an idle service polls nothing.
//
// Ids come from a sequence, and a transaction that took a lower id can commit after one with a higher id is
// already visible. The cursor therefore moves past such a hole, but the hole is asked for again for
// GAP_WAIT_MS: a late commit is still delivered, out of order; a rolled-back id simply never turns up.
import type { Db } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { coalesceEvents, latestEventId, readEvents, type LiveEvent } from './read-events.js';

export const GAP_WAIT_MS = 10_000;
const BATCH = 1000;
const MAX_GAPS = 1000;

export interface LiveClient {
  send(event: LiveEvent): void;
}

export interface LiveHub {
  /** Adds a client; resolves with the cursor the poller had reached then (events up to it are not pushed). */
  add(client: LiveClient): Promise<number>;
  remove(client: LiveClient): void;
  readonly size: number;
  /** Stops polling and forgets every client (their streams are ended by whoever holds them). */
  stop(): Promise<void>;
}

export function createLiveHub(opts: { prisma: Db; log: Logger; pollMs: number }): LiveHub {
  const clients = new Set<LiveClient>();
  let cursor = 0;
  /** Ids skipped over, with when they were first missed. */
  const gaps = new Map<number, number>();
  let timer: NodeJS.Timeout | null = null;
  let starting: Promise<void> | null = null;
  let polling: Promise<void> | null = null;
  let running = false;

  async function poll() {
    const events = await readEvents(opts.prisma, { after: cursor, also: [...gaps.keys()], limit: BATCH });
    const now = Date.now();
    for (const e of events) {
      if (gaps.delete(e.id)) continue;
      for (let missing = cursor + 1; missing < e.id && gaps.size < MAX_GAPS; missing++) gaps.set(missing, now);
      cursor = Math.max(cursor, e.id);
    }
    for (const [id, since] of gaps) if (now - since > GAP_WAIT_MS) gaps.delete(id);
    for (const e of coalesceEvents(events)) for (const c of clients) c.send(e);
  }

  function schedule() {
    if (!running) return;
    timer = setTimeout(() => {
      timer = null;
      polling = poll()
        .catch((err) => opts.log.warn({ err }, 'live events: poll failed; trying again'))
        .finally(() => {
          polling = null;
          // A restart while this poll ran has scheduled its own timer already.
          if (timer === null) schedule();
        });
    }, opts.pollMs);
    timer.unref();
  }

  async function start() {
    cursor = await latestEventId(opts.prisma);
    gaps.clear();
    running = true;
    schedule();
  }

  return {
    async add(client) {
      clients.add(client);
      if (!running) {
        starting ??= start().finally(() => {
          starting = null;
        });
        try {
          await starting;
        } catch (err) {
          clients.delete(client);
          throw err;
        }
      }
      return cursor;
    },
    remove(client) {
      clients.delete(client);
      if (clients.size === 0 && running) {
        running = false;
        if (timer) clearTimeout(timer);
        timer = null;
      }
    },
    get size() {
      return clients.size;
    },
    async stop() {
      clients.clear();
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await polling;
    },
  };
}
