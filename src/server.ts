// Entry point: config → database → migrations → demo data → HTTP. Stops gracefully on SIGTERM/SIGINT:
// stop accepting, let in-flight requests finish (bounded), then close the database.
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './lib/db.js';
import { migrate } from './lib/migrate.js';
import { createLogger } from './lib/logger.js';
import { buildContext, createDispatcher, createInboundWorkerFor } from './bootstrap.js';
import { createApp } from './app.js';
import { seedDemo } from './demo/seed-demo.js';
import { createScheduler } from './jobs/scheduler.js';
import { createEscalationJob } from './reports/escalation-job.js';
import { createCampaignJob } from './campaigns/campaign-job.js';
import { createFollowUpJob } from './victims/follow-up-job.js';
import { ensureFallbackCoordinator } from './alerts/fallback-coordinator.js';
import { announceFirstRun } from './accounts/first-run.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.logLevel, { instance: config.instanceId });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    poolSize: config.databasePoolSize,
    ...config.databaseTimeouts,
    applicationName: `hazardline:${config.instanceId}`,
    onError: (err, msg) => log.warn({ err }, msg),
  });
  log.info({ database: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'database open');

  try {
    const result = await migrate(database, { log: (m) => log.info(m) });
    log.info({ applied: result.applied.length, now: result.appliedNow }, 'migrations up to date');
  } catch (err) {
    log.fatal({ err }, 'migration failed; the database is unchanged by it. Not starting.');
    await database.close();
    process.exit(1);
  }

  const ctx = buildContext(config, database, { log, defaultMetrics: true });
  if (config.demoData) await seedDemo(database.prisma, log);
  await ensureFallbackCoordinator(ctx);
  const dispatcher = createDispatcher(ctx);
  const inboundWorker = createInboundWorkerFor(ctx);
  const scheduler = createScheduler(ctx, [createEscalationJob(ctx), createCampaignJob(ctx), createFollowUpJob(ctx)]);

  const app = createApp(ctx);
  const server: Server = await new Promise((resolve) => {
    // Express 5 hands a listen error (port taken) to this callback instead of throwing.
    const s = app.listen(config.port, config.host, (err?: Error) => {
      if (err) {
        log.fatal({ err }, `could not listen on ${config.host}:${config.port}`);
        void database.close().finally(() => process.exit(1));
        return;
      }
      log.info({ port: config.port, publicBaseUrl: config.publicBaseUrl, transport: ctx.transport.name }, 'Hazardline is listening');
      resolve(s);
    });
  });
  // After "listening", so the setup link is the last thing a new user sees.
  await announceFirstRun(ctx);
  if (config.outbox.enabled) dispatcher.start();
  if (config.inbound.enabled) inboundWorker.start();
  scheduler.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const force = setTimeout(() => {
      log.warn('shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    await Promise.all([
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
      // Finishes sends in flight and gives back claimed rows it has not started.
      dispatcher.stop(),
      // Finishes the batch in hand; anything claimed and not done goes back when its lease expires.
      inboundWorker.stop(),
      // Lets a running job finish its batch; it is idempotent, so an interrupted one would also be safe.
      scheduler.stop(),
    ]);
    await database.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Hazardline failed to start:', err);
  process.exit(1);
});
