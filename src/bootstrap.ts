// Builds the AppContext from a config: the same wiring for the server, the CLI scripts and the tests.
import type { Config } from './config.js';
import type { DispatcherOptions } from './outbox/dispatcher.js';
import type { AppContext } from './context.js';
import type { Database } from './lib/db.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createI18n } from './lib/i18n.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createMetrics } from './lib/metrics.js';
import { createPlaceIndex } from './districts/place-index.js';
import { createBoundaryIndex } from './districts/boundary-index.js';
import { createKeywordTable } from './subscribers/keywords.js';
import { createTransport } from './messaging/index.js';
import type { Transport } from './messaging/transport.js';
import { Dispatcher } from './outbox/dispatcher.js';
import { createHttpForwarder, type Forwarder } from './messaging/forwarder.js';
import { buildVocabulary, type ReportVocabulary } from './reports/parse/vocabulary.js';
import { SUPPORTED_LOCALES } from './config.js';
import { createInboundWorker, type InboundWorker } from './inbound/inbound-worker.js';
import { onSendFailure } from './outbox/send-failures.js';
import { escalateAfterFailedSend } from './alerts/escalation.js';
import { retryUnansweredCall } from './campaigns/voice-retry.js';

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
    metrics: createMetrics(database.prisma, { defaults: opts.defaultMetrics ?? false, database }),
    places: createPlaceIndex(database.prisma),
    boundaries: createBoundaryIndex(database.prisma),
    keywords: createKeywordTable(i18n.resources),
    transport: opts.transport ?? createTransport(config, log),
    vocabulary: buildVocabulary(
      Object.fromEntries(
        SUPPORTED_LOCALES.map((l) => [l, ((i18n.resources[l]?.reports as { words?: Partial<ReportVocabulary> } | undefined)?.words ?? {})]),
      ),
    ),
    outbox: { notify() {} },
    inbound: { notify() {} },
  };
  // An alert SMS or call that fails for good escalates at once; an unanswered campaign call is tried again on
  // its campaign's ladder (the outbox cannot import alerts/ or campaigns/).
  onSendFailure(database.prisma, async (failure) => {
    await escalateAfterFailedSend(ctx, failure);
    await retryUnansweredCall(ctx, failure);
  });
  return ctx;
}

/** The inbound worker for this instance; PGlite has one connection, so it processes one message at a time. */
export function createInboundWorkerFor(ctx: AppContext): InboundWorker {
  const c = ctx.config.inbound;
  const worker = createInboundWorker(ctx, {
    instanceId: ctx.config.instanceId,
    batchSize: c.batchSize,
    concurrency: ctx.database.kind === 'pglite' ? 1 : c.concurrency,
    maxAttempts: c.maxAttempts,
    retryBaseMs: c.retryBaseMs,
    retryMaxMs: c.retryMaxMs,
    claimTimeoutSeconds: c.claimTimeoutSeconds,
    pollMs: c.pollMs,
    transactionTimeoutMs: c.transactionTimeoutMs,
  });
  ctx.inbound = { notify: () => worker.notify() };
  return worker;
}

/** What a dispatcher needs from the context (tests pass their own database, transport and clock). */
export type DispatcherDeps = Pick<AppContext, 'config' | 'prisma' | 'transport' | 'log' | 'clock'> & {
  outbox?: AppContext['outbox'];
  forwarder?: Forwarder | null;
};

/** The dispatcher's options as the config sets them. */
export function dispatcherOptionsFrom(c: Config): DispatcherOptions {
  return {
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
    reconcileGraceMs: c.outbox.reconcileGraceMs,
    reconcileResendAfterMs: c.outbox.reconcileResendAfterMs,
    machineDetection: c.outboundVoice.machineDetection,
  };
}

/**
 * The dispatcher for this instance, wired to the context's transport and config. `over` is for tests that
 * need timings the config does not allow (retries after milliseconds).
 */
export function createDispatcher(ctx: DispatcherDeps, over: Partial<DispatcherOptions> = {}): Dispatcher {
  const c = ctx.config;
  const dispatcher = new Dispatcher(
    ctx.prisma,
    ctx.transport,
    { ...dispatcherOptionsFrom(c), ...over },
    ctx.log.child({ component: 'dispatcher' }),
    ctx.clock,
    ctx.forwarder === undefined ? createHttpForwarder({ timeoutMs: c.twilio.timeoutMs }) : ctx.forwarder,
  );
  if (ctx.outbox) ctx.outbox.notify = () => dispatcher.notify();
  return dispatcher;
}
