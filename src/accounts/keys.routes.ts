// /api/keys (admin): API keys for integrations, made and revoked in the console while the service runs (the
// CLI cannot open the embedded database then). The secret is in the creation response only.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { createApiKey, listApiKeys } from '../auth/api-keys.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { CreateKeyBodySchema, KeyIdSchema } from './accounts.schemas.js';

export function createKeysRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole());

  router.get('/', async (_req, res) => {
    res.json({ data: await listApiKeys(ctx.prisma) });
  });

  router.post('/', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const { name, role } = CreateKeyBodySchema.parse(req.body);
    const caller = callerOf(req);
    const key = await createApiKey(ctx.prisma, { name, role });
    await audit(ctx.prisma, {
      actor: caller.name, actorType: caller.actorType ?? 'api_key', action: 'api_key.create', entity: 'api_key', entityId: key.id,
      details: { name, role, prefix: key.prefix }, requestId: caller.requestId,
    });
    res.status(201).set('Cache-Control', 'no-store').json(key);
  });

  router.delete('/:id', async (req, res) => {
    const { id } = KeyIdSchema.parse(req.params);
    const caller = callerOf(req);
    // Revoking twice is fine and keeps the first revocation's time.
    const revoked = await ctx.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: ctx.clock.now() } });
    if (revoked.count === 0 && !(await ctx.prisma.apiKey.findUnique({ where: { id }, select: { id: true } }))) {
      throw new AppError('not_found', `API key ${id} does not exist`);
    }
    if (revoked.count > 0) {
      await audit(ctx.prisma, { actor: caller.name, actorType: caller.actorType ?? 'api_key', action: 'api_key.revoke', entity: 'api_key', entityId: id, requestId: caller.requestId });
    }
    res.status(204).end();
  });
  return router;
}
