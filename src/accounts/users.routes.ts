// /api/users (admin): the console's people. Thin handlers over users.service.ts.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { CreateUserBodySchema, ResetPasswordBodySchema, UpdateUserBodySchema, UserIdSchema } from './accounts.schemas.js';
import { createUser, listUsers, resetPassword, updateUser } from './users.service.js';

export function createUsersRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole());
  const body = [requireContentType('application/json'), jsonBody(ctx.config)];

  router.get('/', async (_req, res) => {
    res.json(await listUsers(ctx));
  });

  router.post('/', ...body, async (req, res) => {
    res.status(201).json(await createUser(ctx, CreateUserBodySchema.parse(req.body), callerOf(req)));
  });

  router.patch('/:id', ...body, async (req, res) => {
    const { id } = UserIdSchema.parse(req.params);
    res.json(await updateUser(ctx, id, UpdateUserBodySchema.parse(req.body), callerOf(req)));
  });

  router.post('/:id/password', ...body, async (req, res) => {
    const { id } = UserIdSchema.parse(req.params);
    const { password } = ResetPasswordBodySchema.parse(req.body);
    await resetPassword(ctx, id, password, callerOf(req));
    res.status(204).end();
  });
  return router;
}
