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
import { createTransport } from './messaging/index.js';
import type { Transport } from './messaging/transport.js';
import { Dispatcher } from './outbox/dispatcher.js';
import { createHttpForwarder } from './messaging/forwarder.js';
import { buildVocabulary, type ReportVocabulary } from './reports/parse/vocabulary.js';
import { SUPPORTED_LOCALES } from './config.js';
import { onSendFailure } from './outbox/send-failures.js';
import { escalateAfterFailedSend } from './alerts/escalation.js';

export function buildContext(
  config: Config,
  database: Database,
  opts: { log?: Logger; clock?: Clock; defaultMetrics?: boolean; transport?: Transport } = {},
): AppContext {
  const i18n = createI18n();
  const log = opts.log ?? createLogger(config.logLevel, { instance: config.instanceId });
  const ctx: AppContext = {
    config,
    database,
    prisma: database.prisma,
    log,
    i18n,
    clock: opts.clock ?? systemClock,
    metrics: createMetrics(database.prisma, { defaults: opts.defaultMetrics ?? false }),
    places: createPlaceIndex(database.prisma),
    keywords: createKeywordTable(i18n.resources),
    transport: opts.transport ?? createTransport(config, log),
    vocabulary: buildVocabulary(
      Object.fromEntries(
        SUPPORTED_LOCALES.map((l) => [l, ((i18n.resources[l]?.reports as { words?: Partial<ReportVocabulary> } | undefined)?.words ?? {})]),
      ),
    ),
    outbox: { notify() {} },
  };
  // An alert SMS or call that fails for good escalates at once (the outbox cannot import alerts/).
  onSendFailure(database.prisma, async (failure) => void (await escalateAfterFailedSend(ctx, failure)));
  return ctx;
}

/** The dispatcher for this instance, wired to the context's transport and config. */
export function createDispatcher(ctx: AppContext): Dispatcher {
  const c = ctx.config;
  const dispatcher = new Dispatcher(
    ctx.prisma,
    ctx.transport,
    {
      instanceId: c.instanceId,
      smsRatePerSecond: c.outbox.smsRatePerSecond,
      callsConcurrent: c.outbox.callsConcurrent,
      concurrency: c.outbox.concurrency,
      claimTimeoutSeconds: c.outbox.claimTimeoutSeconds,
      pollMs: c.outbox.pollMs,
      maxAttempts: c.outbox.maxAttempts,
      retryBaseMs: c.outbox.retryBaseMs,
      retryMaxMs: c.outbox.retryMaxMs,
      defaultSender: c.twilio.from ?? c.twilio.messagingServiceSid ?? 'default',
      publicBaseUrl: c.publicBaseUrl,
    },
    ctx.log.child({ component: 'dispatcher' }),
    ctx.clock,
    createHttpForwarder({ timeoutMs: c.twilio.timeoutMs }),
  );
  ctx.outbox = { notify: () => dispatcher.notify() };
  return dispatcher;
}
