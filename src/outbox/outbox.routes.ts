// /api/outbox: what was sent to whom and what became of it; a manual retry for failed or unknown rows.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { AppError } from '../lib/errors.js';
import { CursorSchema, encodeCursor } from '../lib/schemas.js';
import { audit } from '../lib/audit.js';
import { maskPhone } from '../lib/logger.js';
import type { OutboxMessage } from '../generated/prisma/client.js';

const STATUSES = ['pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'unknown'] as const;
const KINDS = ['reply', 'question', 'alert', 'alert_note', 'escalation', 'report_update', 'referral', 'campaign', 'webhook', 'call'] as const;

export const OutboxListQuerySchema = z.strictObject({
  status: z.enum(STATUSES).optional(),
  kind: z.enum(KINDS).optional(),
  campaign: z.coerce.number().int().positive().optional(),
  report: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});

export const OutboxIdSchema = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });


export function serializeOutbox(m: OutboxMessage) {
  return {
    id: m.id, kind: m.kind, channel: m.channel, priority: m.priority,
    // Team and fallback numbers are staff; villagers' numbers are masked here as in logs.
    recipient: m.channel === 'webhook' ? m.recipient : maskPhone(m.recipient),
    sender: m.sender, body: m.body, locale: m.locale, encoding: m.encoding, segments: m.segments,
    status: m.status, attempts: m.attempts, nextAttemptAt: m.nextAttemptAt, providerId: m.providerId,
    providerStatus: m.providerStatus, lastErrorCode: m.lastErrorCode, lastError: m.lastError,
    reportId: m.reportId, alertId: m.alertId, campaignId: m.campaignId, campaignRunId: m.campaignRunId,
    subscriberId: m.subscriberId, createdAt: m.createdAt, sentAt: m.sentAt, deliveredAt: m.deliveredAt,
  };
}

export function createOutboxRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole('coordinator'));

  router.get('/', async (req, res) => {
    const q = OutboxListQuerySchema.parse(req.query);
    const rows = await ctx.prisma.outboxMessage.findMany({
      where: {
        ...(q.status ? { status: q.status } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.campaign ? { campaignId: q.campaign } : {}),
        ...(q.report ? { reportId: q.report } : {}),
        ...(q.cursor ? { id: { lt: q.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    res.json({
      data: page.map(serializeOutbox),
      nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    });
  });

  router.post('/:id/retry', async (req, res) => {
    const { id } = OutboxIdSchema.parse(req.params);
    const now = ctx.clock.now();
    // Only failed or unknown rows: anything else is on its way or done, and a second send would duplicate it.
    const updated = await ctx.prisma.outboxMessage.updateMany({
      where: { id, status: { in: ['failed', 'unknown'] } },
      data: { status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, lastErrorCode: null, updatedAt: now },
    });
    const row = await ctx.prisma.outboxMessage.findUnique({ where: { id } });
    if (!row) throw new AppError('not_found', `Outbox message ${id} does not exist`);
    if (updated.count === 0) {
      throw new AppError('unprocessable', `Only failed or unknown messages can be retried; ${id} is ${row.status}`);
    }
    await audit(ctx.prisma, { actor: req.auth!.name, actorType: req.auth!.userId === null ? 'api_key' : 'user', action: 'outbox.retry', entity: 'outbox', entityId: id, requestId: req.id });
    ctx.outbox.notify();
    res.json(serializeOutbox(row));
  });

  return router;
}
