// GET /api/events: Server-Sent Events for the console (any signed-in role). `event: report` and
// `event: outbox` with the live_events id as the SSE id, so a reconnecting browser sends Last-Event-ID and gets
// what it missed (bounded: beyond CATCH_UP events it gets `event: resync` and reloads its lists instead).
// A comment line every 15 s keeps proxies from closing an idle stream.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { createLiveHub, type LiveClient, type LiveHub } from './live-hub.js';
import { coalesceEvents, readEvents, type LiveEvent } from './read-events.js';

export const HEARTBEAT_MS = 15_000;
export const CATCH_UP = 500;
/** A client this far behind (bytes not yet taken by its socket) is cut off: it reconnects and resumes. */
const MAX_BUFFERED_BYTES = 1_000_000;

export const EventsQuerySchema = z.strictObject({});
const LastEventIdSchema = z.string().regex(/^\d{1,15}$/).transform(Number);

const hubs = new WeakMap<object, { hub: LiveHub; streams: Set<Response> }>();

/** Ends every open event stream of this app (graceful shutdown: an open stream would hold the server open). */
export async function closeLiveStreams(ctx: Pick<AppContext, 'prisma'>): Promise<void> {
  const entry = hubs.get(ctx.prisma);
  if (!entry) return;
  for (const res of entry.streams) res.end();
  entry.streams.clear();
  await entry.hub.stop();
}

/** The caller's provinces (empty: all). Sessions limited to provinces set `req.auth.provinces`. */
function provincesOf(req: Request): string[] {
  return req.auth?.provinces ?? [];
}

function visible(event: LiveEvent, provinces: string[]): boolean {
  if (provinces.length === 0) return true;
  return event.province !== null && provinces.some((p) => event.province!.startsWith(p) || p.startsWith(event.province!));
}

const frame = (e: LiveEvent) => `id: ${e.id}\nevent: ${e.topic}\ndata: ${JSON.stringify(e.data)}\n\n`;

export function createEventsRouter(ctx: AppContext) {
  const router = Router();
  let entry = hubs.get(ctx.prisma);
  if (!entry) {
    entry = { hub: createLiveHub({ prisma: ctx.prisma, log: ctx.log, pollMs: ctx.config.live.pollMs }), streams: new Set() };
    hubs.set(ctx.prisma, entry);
  }
  const { hub, streams } = entry;

  router.get('/', async (req, res) => {
    EventsQuerySchema.parse(req.query);
    const lastHeader = req.get('last-event-id');
    const last = lastHeader === undefined || lastHeader === '' ? null : LastEventIdSchema.parse(lastHeader);
    if (hub.size >= ctx.config.live.maxClients) {
      res.setHeader('Retry-After', '10');
      throw new AppError('unavailable', 'Too many open event streams on this instance; retry shortly');
    }
    const provinces = provincesOf(req);

    // Until the catch-up is written, pushed events wait here so the stream stays in id order.
    let pending: LiveEvent[] | null = [];
    const sent = new Set<number>();
    const write = (e: LiveEvent) => {
      if (res.writableEnded || !visible(e, provinces) || sent.has(e.id)) return;
      res.write(frame(e));
      if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
    };
    const client: LiveClient = { send: (e) => (pending ? pending.push(e) : write(e)) };

    let heartbeat: NodeJS.Timeout | undefined;
    const close = () => {
      clearInterval(heartbeat);
      hub.remove(client);
      streams.delete(res);
    };
    // The response's close, not the request's: that one fires once the request has been read.
    res.on('close', close);
    res.on('error', close);

    const cursor = await hub.add(client);
    streams.add(res);
    // Read before the headers go out, so a database failure is still a clean 503.
    const missed = last !== null && last < cursor ? await readEvents(ctx.prisma, { after: last, upTo: cursor, limit: CATCH_UP + 1 }) : [];
    // Gone while we waited: its close has run already, before the client was added.
    if (req.socket.destroyed) return close();

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back until a buffer fills.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(': connected\nretry: 3000\n\n');
    heartbeat = setInterval(() => {
      if (!res.writableEnded) res.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    heartbeat.unref();

    if (missed.length > CATCH_UP) {
      res.write(`id: ${cursor}\nevent: resync\ndata: {}\n\n`);
    } else {
      for (const e of coalesceEvents(missed)) {
        write(e);
        sent.add(e.id);
      }
    }
    const queued = pending;
    pending = null;
    for (const e of queued) write(e);
    sent.clear();
  });

  return router;
}
