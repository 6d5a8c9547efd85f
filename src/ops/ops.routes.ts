// Liveness, readiness and Prometheus metrics. /ready is what a load balancer or systemd watchdog asks:
// the database answers and every migration file is applied.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { migrationStatus } from '../lib/migrate.js';

export function createOpsRouter(ctx: AppContext) {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  router.get('/ready', async (req, res) => {
    try {
      const status = await migrationStatus(ctx.database);
      const ready = status.pending.length === 0;
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not_ready',
        database: ctx.database.kind,
        migrations: { applied: status.applied.length, pending: status.pending },
      });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'not_ready', database: ctx.database.kind, error: 'database unreachable' });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });

  return router;
}
