// Liveness, readiness and Prometheus metrics. /health only says the process answers HTTP (restart me if not).
// /ready is what a load balancer or watchdog asks before sending work: a pooled connection runs SELECT 1 in
// time and every migration file is applied. It never waits longer than READY_TIMEOUT_MS on the database:
// with every pool slot stuck, a readiness check that queued behind them would hang with the rest.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { migrationStatus } from '../lib/migrate.js';
import { within } from '../lib/db.js';

export const READY_TIMEOUT_MS = 2_000;

export function createOpsRouter(ctx: AppContext) {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/ready', async (req, res) => {
    const started = Date.now();
    const db = await ctx.database.ping(READY_TIMEOUT_MS);
    const base = { database: ctx.database.kind, latencyMs: db.latencyMs, ...(db.pool ? { pool: db.pool } : {}) };
    if (!db.ok) {
      req.log.warn({ database: db }, 'readiness check: database unusable');
      res.status(503).json({ status: 'not_ready', ...base, error: 'database unusable' });
      return;
    }
    try {
      const left = Math.max(1, READY_TIMEOUT_MS - (Date.now() - started));
      const status = await within(migrationStatus(ctx.database), left, 'reading the migration status');
      const ready = status.pending.length === 0;
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not_ready',
        ...base,
        migrations: { applied: status.applied.length, pending: status.pending },
      });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'not_ready', ...base, error: 'database unusable' });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });

  return router;
}
