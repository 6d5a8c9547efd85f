// Builds the AppContext from a config: the same wiring for the server, the CLI scripts and the tests.
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import type { Database } from './lib/db.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createI18n } from './lib/i18n.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createMetrics } from './lib/metrics.js';
import { createPlaceIndex } from './districts/place-index.js';
import { createKeywordTable } from './subscribers/keywords.js';

export function buildContext(
  config: Config,
  database: Database,
  opts: { log?: Logger; clock?: Clock; defaultMetrics?: boolean } = {},
): AppContext {
  const i18n = createI18n();
  return {
    config,
    database,
    prisma: database.prisma,
    log: opts.log ?? createLogger(config.logLevel, { instance: config.instanceId }),
    i18n,
    clock: opts.clock ?? systemClock,
    metrics: createMetrics(database.prisma, { defaults: opts.defaultMetrics ?? false }),
    places: createPlaceIndex(database.prisma),
    keywords: createKeywordTable(i18n.resources),
  };
}
