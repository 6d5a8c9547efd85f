// /api/subscribers: thin handlers over the services; zod errors and AppErrors reach the one error middleware.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { csvBody, jsonBody, requireContentType } from '../lib/http.js';
import { CreateSubscriberBodySchema, ListSubscribersQuerySchema } from './subscribers.schemas.js';
import { createSubscriber, listSubscribers } from './subscribers.service.js';
import { importSubscribers } from './import-subscribers.js';

export function createSubscribersRouter(ctx: AppContext) {
  const router = Router();

  router.get('/', requireRole('educator'), async (req, res) => {
    res.json(await listSubscribers(ctx, ListSubscribersQuerySchema.parse(req.query)));
  });

  // The content-type guard comes first so a CSV sent here is a 415, not a puzzling "expected object".
  router.post('/', requireRole('educator'), requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const body = CreateSubscriberBodySchema.parse(req.body);
    res.status(201).json(await createSubscriber(ctx, body, callerOf(req)));
  });

  router.post('/import', requireRole('educator'), requireContentType('text/csv', 'text/plain'), csvBody(ctx.config), async (req, res) => {
    // No body at all leaves req.body undefined; the service answers that with a 400.
    res.json(await importSubscribers(ctx, typeof req.body === 'string' ? req.body : '', callerOf(req)));
  });

  return router;
}
