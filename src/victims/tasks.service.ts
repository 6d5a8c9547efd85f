// Tasks for the victim-assistance focal point (and the list of follow-ups they come from): a survivor asked for help, did not answer twice, did not reach
// the service, or is due a needs re-assessment. Idempotent per follow-up and kind, so a job run twice makes one.
import type { AppContext } from '../context.js';
import type { ApiCaller } from '../auth/caller.js';
import type { DbOrTx } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { cleanText } from '../lib/text.js';

export type TaskKind = 'help_requested' | 'no_answer' | 'not_reached' | 'reassessment';

export async function raiseTask(tx: DbOrTx, t: { kind: TaskKind; casualtyId: number; referralId: number | null; followUpId: number | null; note: string; at: Date }) {
  const [row] = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO va_tasks (kind, status, casualty_id, referral_id, follow_up_id, note, due_at, created_at)
    VALUES (${t.kind}, 'open', ${t.casualtyId}, ${t.referralId}, ${t.followUpId}, ${t.note}, ${t.at}, ${t.at})
    ON CONFLICT (follow_up_id, kind) DO NOTHING
    RETURNING id`;
  return row?.id ?? null;
}

export async function listTasks(ctx: Pick<AppContext, 'prisma'>, q: { status?: string | undefined }) {
  const data = await ctx.prisma.vaTask.findMany({ where: q.status ? { status: q.status } : {}, orderBy: [{ status: 'desc' }, { dueAt: 'asc' }, { id: 'asc' }], take: 500 });
  return { data };
}

export async function listFollowUps(ctx: Pick<AppContext, 'prisma'>, q: { status?: string | undefined; referralId?: number | undefined }) {
  const data = await ctx.prisma.vaFollowUp.findMany({
    where: { ...(q.status ? { status: q.status } : {}), ...(q.referralId ? { referralId: q.referralId } : {}) },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  return { data };
}

export async function closeTask(ctx: Pick<AppContext, 'prisma' | 'clock'>, id: number, note: string | null | undefined, caller: ApiCaller) {
  const task = await ctx.prisma.vaTask.findUnique({ where: { id } });
  if (!task) throw new AppError('not_found', `No task ${id}`);
  if (task.status === 'done') throw new AppError('conflict', `Task ${id} is already done`);
  const row = await ctx.prisma.vaTask.update({
    where: { id },
    data: { status: 'done', closedAt: ctx.clock.now(), closedBy: `api:${caller.name}`, ...(note ? { note: cleanText(`${task.note ?? ''}\n${note}`.trim(), 2000) } : {}) },
  });
  await audit(ctx.prisma, { actor: caller.name, actorType: 'api_key', action: 'task.close', entity: 'va_task', entityId: id, requestId: caller.requestId });
  return row;
}
