// Prometheus metrics on a registry of our own (not prom-client's global one), so several apps in one test
// process never collide.
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Database, Db } from './db.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  inbound: Counter<'kind'>;
  inboundFailed: Counter;
}

export function createMetrics(
  prisma: Db,
  opts: { defaults?: boolean; database?: Pick<Database, 'poolStats'> } = {},
): Metrics {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'hazardline_' });
  const httpDuration = new Histogram({
    name: 'hazardline_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const inbound = new Counter({
    name: 'hazardline_inbound_messages_total',
    help: 'Inbound messages by how they were handled (keyword, report, duplicate, rejected…)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const inboundFailed = new Counter({
    name: 'hazardline_inbound_failed_total',
    help: 'Inbound messages that failed every processing attempt (safety advice sent, waiting for a person)',
    registers: [registry],
  });
  new Gauge({
    name: 'hazardline_inbound_messages',
    help: 'Inbound messages by processing state (pending and processing are the backlog; failed wait for review)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.$queryRaw<{ state: string; n: number }[]>`
        SELECT state::text AS state, count(*)::int AS n FROM inbound_messages
        WHERE state <> 'handled' AND reviewed_at IS NULL GROUP BY state`;
      for (const state of ['pending', 'processing', 'failed']) this.set({ state }, 0);
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: 'hazardline_outbox_messages',
    help: 'Outbox rows by status',
    labelNames: ['status'] as const,
    registers: [registry],
    // Read at scrape time so every instance reports the shared table, not its own counters.
    async collect() {
      this.reset();
      const rows = await prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
      for (const r of rows) this.set({ status: r.status }, r._count._all);
    },
  });
  const database = opts.database;
  if (database) {
    new Gauge({
      name: 'hazardline_db_pool_connections',
      help: 'PostgreSQL pool of this instance: open (total), idle, callers waiting for one (waiting), and its size (max)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const stats = database.poolStats();
        if (!stats) return; // the embedded database has no pool
        for (const [state, n] of Object.entries(stats)) this.set({ state }, n);
      },
    });
  }
  return { registry, httpDuration, inbound, inboundFailed };
}
