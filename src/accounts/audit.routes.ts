// /api/audit (admin): the append-only trail, newest first, with a cursor.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { encodeCursor } from '../lib/schemas.js';
import { AuditQuerySchema } from './accounts.schemas.js';

export function createAuditRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole());

  router.get('/', async (req, res) => {
    const q = AuditQuerySchema.parse(req.query);
    const rows = await ctx.prisma.auditLog.findMany({
      ...(q.cursor === undefined ? {} : { where: { id: { lt: q.cursor } } }),
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    res.json({
      data: page.map((r) => ({ id: r.id, at: r.at, actor: r.actor, actorType: r.actorType, action: r.action, entity: r.entity, entityId: r.entityId, details: r.details })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
    });
  });
  return router;
}
