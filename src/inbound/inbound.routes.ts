// /api/inbound: every stored inbound message and what became of it. Messages whose processing failed every
// attempt (`state=failed`) wait here for a person: the sender already got the safety advice, and a retry
// processes the message again (a report, a JOIN…), a review marks it looked at.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { InboundMessage } from '../generated/prisma/client.js';
import { requireRole } from '../auth/auth.middleware.js';
import { AppError } from '../lib/errors.js';
import { CursorSchema, encodeCursor } from '../lib/schemas.js';
import { audit } from '../lib/audit.js';
import { maskPhone } from '../lib/logger.js';

const STATES = ['pending', 'processing', 'handled', 'failed'] as const;

export const InboundListQuerySchema = z.strictObject({
  state: z.enum(STATES).optional(),
  /** Only failed messages nobody has reviewed yet. */
  unreviewed: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
export const InboundIdSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

export function serializeInbound(m: InboundMessage) {
  return {
    id: m.id, messageSid: m.messageSid, channel: m.channel, from: maskPhone(m.fromPhone), to: m.toPhone, body: m.body,
    numMedia: m.numMedia, state: m.state, attempts: m.attempts, nextAttemptAt: m.nextAttemptAt, lastError: m.lastError,
    handledAs: m.handledAs, replyText: m.replyText, optOutType: m.optOutType, subscriberId: m.subscriberId,
    reportId: m.reportId, receivedAt: m.receivedAt, handledAt: m.handledAt, reviewedAt: m.reviewedAt, reviewedBy: m.reviewedBy,
  };
}

export function createInboundRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole('coordinator'));

  router.get('/', async (req, res) => {
    const q = InboundListQuerySchema.parse(req.query);
    const rows = await ctx.prisma.inboundMessage.findMany({
      where: {
        ...(q.state ? { state: q.state } : {}),
        ...(q.unreviewed ? { state: 'failed', reviewedAt: null } : {}),
        ...(q.cursor ? { id: { lt: q.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    res.json({ data: page.map(serializeInbound), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null });
  });

  router.get('/:id', async (req, res) => {
    const { id } = InboundIdSchema.parse(req.params);
    const row = await ctx.prisma.inboundMessage.findUnique({ where: { id } });
    if (!row) throw new AppError('not_found', `Inbound message ${id} does not exist`);
    res.json(serializeInbound(row));
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = InboundIdSchema.parse(req.params);
    // Only failed rows: the reply dedupe key keeps the safety advice already sent from going out twice.
    const updated = await ctx.prisma.inboundMessage.updateMany({
      where: { id, state: 'failed' },
      data: { state: 'pending', attempts: 0, nextAttemptAt: ctx.clock.now(), reviewedAt: null, reviewedBy: null },
    });
    const row = await ctx.prisma.inboundMessage.findUnique({ where: { id } });
    if (!row) throw new AppError('not_found', `Inbound message ${id} does not exist`);
    if (updated.count === 0) throw new AppError('unprocessable', `Only failed messages can be retried; ${id} is ${row.state}`);
    await audit(ctx.prisma, { actor: req.auth!.name, actorType: req.auth!.userId === null ? 'api_key' : 'user', action: 'inbound.retry', entity: 'inbound', entityId: id, requestId: req.id });
    ctx.inbound.notify();
    res.json(serializeInbound(row));
  });

  router.post('/:id/review', async (req, res) => {
    const { id } = InboundIdSchema.parse(req.params);
    const updated = await ctx.prisma.inboundMessage.updateMany({
      where: { id, state: 'failed' },
      data: { reviewedAt: ctx.clock.now(), reviewedBy: req.auth!.name },
    });
    const row = await ctx.prisma.inboundMessage.findUnique({ where: { id } });
    if (!row) throw new AppError('not_found', `Inbound message ${id} does not exist`);
    if (updated.count === 0) throw new AppError('unprocessable', `Only failed messages are reviewed; ${id} is ${row.state}`);
    await audit(ctx.prisma, { actor: req.auth!.name, actorType: req.auth!.userId === null ? 'api_key' : 'user', action: 'inbound.review', entity: 'inbound', entityId: id, requestId: req.id });
    res.json(serializeInbound(row));
  });

  return router;
}
