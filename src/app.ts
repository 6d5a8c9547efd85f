// createApp(ctx): the Express app with every route, and no listen() so tests drive it with supertest.
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './context.js';
import { errorHandler, notFound, requestId, requireContentType } from './lib/http.js';
import { authenticate } from './accounts/authenticate.js';
import { createOpsRouter } from './ops/ops.routes.js';
import { createTwilioWebhookRouter } from './webhooks/twilio.routes.js';
import { createVoiceOutRouter } from './webhooks/voice-out.routes.js';
import { createSubscribersRouter } from './subscribers/subscribers.routes.js';
import { createDistrictsRouter } from './districts/districts.routes.js';
import { createOutboxRouter } from './outbox/outbox.routes.js';
import { createInboundRouter } from './inbound/inbound.routes.js';
import { createReportsRouter } from './reports/reports.routes.js';
import { createTeamsRouter } from './alerts/teams.routes.js';
import { createCampaignsRouter } from './campaigns/campaigns.routes.js';
import { createAudioRouter } from './campaigns/audio.routes.js';
import { createRecordingLinkRouter } from './ivr/recording-link.routes.js';
import { createOpenApiRouter } from './openapi/openapi.routes.js';
import { createConsoleRouter } from './console/console.routes.js';
import { createPublicSessionRouter, createSessionRouter } from './accounts/session.routes.js';
import { createUsersRouter } from './accounts/users.routes.js';
import { createKeysRouter } from './accounts/keys.routes.js';
import { createAuditRouter } from './accounts/audit.routes.js';
import { createVictimsRouter } from './victims/victims.routes.js';
import { createEventsRouter } from './live/events.routes.js';
import { createSimulatorRouter } from './simulator/simulator.routes.js';
import { createContentRouter } from './content/content.routes.js';

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // Twilio signs the public URL; behind a proxy the scheme and host come from PUBLIC_BASE_URL, not headers.
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use(requestId());
  app.use(
    pinoHttp({
      logger: ctx.log,
      genReqId: (req) => (req as express.Request).id,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Query strings can carry phone filters; log the path only.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const end = ctx.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the raw path, keeps label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  app.use(createOpsRouter(ctx));
  // Outbound calls' answer and menu, inbound calls' status: its routes first, each signature-checked itself.
  app.use('/webhooks/twilio', createVoiceOutRouter(ctx));
  app.use('/webhooks/twilio', createTwilioWebhookRouter(ctx));
  app.use('/audio', createAudioRouter());
  app.use('/r', createRecordingLinkRouter(ctx));

  // The contract and its reference page are public: an integrator reads them before having a key.
  app.use('/api', createOpenApiRouter());
  // Signing in and the first-run setup come before there is a session or a key.
  app.use('/api', createPublicSessionRouter(ctx));

  const api = express.Router();
  api.use(authenticate(ctx));
  api.use('/session', createSessionRouter(ctx));
  api.use('/users', createUsersRouter(ctx));
  api.use('/keys', createKeysRouter(ctx));
  api.use('/audit', createAuditRouter(ctx));
  api.use('/subscribers', createSubscribersRouter(ctx));
  api.use('/districts', createDistrictsRouter(ctx));
  api.use('/outbox', createOutboxRouter(ctx));
  api.use('/inbound', createInboundRouter(ctx));
  api.use('/reports', createReportsRouter(ctx));
  api.use('/teams', createTeamsRouter(ctx));
  api.use('/campaigns', createCampaignsRouter(ctx));
  api.use('/victims', createVictimsRouter(ctx));
  api.use('/content', createContentRouter(ctx));
  api.use('/events', createEventsRouter(ctx));
  api.use('/simulator', createSimulatorRouter(ctx));
  app.use('/api', requireContentType('application/json', 'application/geo+json', 'text/csv', 'text/plain', 'application/csv'), api);
  // The web console at `/` (web/dist), after the API so no console path can shadow an API one.
  app.use(createConsoleRouter({ tileUrl: ctx.config.consoleTileUrl }));

  app.use(notFound());
  app.use(errorHandler());
  return app;
}
