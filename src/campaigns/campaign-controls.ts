// Pause, resume, cancel, and scheduling a draft. Each locks the campaign row first (UPDATE … WHERE status …),
// so it is ordered against a run in progress: the job re-reads the status under the same lock after its
// fan-out and holds or cancels what it just queued (campaign-job.ts).
//
//   pause  → status paused; its pending outbox rows wait at 9999-12-31 (not claimable); no new runs.
//   resume → status back; those rows are due now (or when quiet hours end); next run from now on.
//   cancel → status cancelled; pending rows cancelled; no further runs. Rows already being sent finish.
import type { Campaign, CampaignStatus, Prisma } from '../generated/prisma/client.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { HELD_UNTIL, contentOf, describeCampaign, hotlineOf, loadCampaign, scheduleOf } from './campaigns.service.js';
import { nextOccurrence } from './schedule.js';
import { notBeforeFor } from './quiet-hours.js';
import { checkContentFor, firstOccurrence } from './create-campaign.js';
import type { ApiCaller } from '../auth/caller.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'log' | 'clock' | 'outbox'>;
type Action = 'pause' | 'resume' | 'cancel' | 'schedule';

const ALLOWED: Record<Action, readonly CampaignStatus[]> = {
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
  schedule: ['draft'],
};

function refuse(action: Action, c: Campaign): never {
  throw new AppError('conflict', `Campaign ${c.id} is ${c.status}; only a ${ALLOWED[action].join(' or ')} campaign can be ${past(action)}`, {
    status: c.status,
  });
}

const past = (a: Action) => ({ pause: 'paused', resume: 'resumed', cancel: 'cancelled', schedule: 'scheduled' })[a];

export async function controlCampaign(ctx: Ctx, id: number, action: Action, actor: ApiCaller) {
  const now = ctx.clock.now();
  const current = await loadCampaign(ctx.prisma, id);
  if (!ALLOWED[action].includes(current.status)) refuse(action, current);
  // A draft is checked again when it is scheduled: content or the gazetteer may have changed meanwhile.
  if (action === 'schedule') {
    await checkContentFor(ctx, { ...contentOf(current), districts: current.districts, languages: current.languages, hotline: hotlineOf(ctx, current) });
  }

  const result = await ctx.prisma.$transaction(async (tx) => {
    // The row lock orders this against the job's fan-out of the same campaign.
    const [locked] = await tx.$queryRaw<{ status: CampaignStatus }[]>`
      SELECT status::text AS status FROM campaigns WHERE id = ${id}::int FOR UPDATE`;
    if (!locked) throw new AppError('not_found', `No campaign ${id}`);
    const c = await loadCampaign(tx, id);
    if (!ALLOWED[action].includes(c.status)) refuse(action, c);

    let rows = 0;
    let data: Prisma.CampaignUpdateInput = {};
    switch (action) {
      case 'pause':
        data = { status: 'paused' };
        rows = await tx.$executeRaw`
          UPDATE outbox SET next_attempt_at = ${HELD_UNTIL}::timestamp(3), updated_at = ${now}::timestamp(3)
          WHERE campaign_id = ${id}::int AND status = 'pending'`;
        break;
      case 'cancel':
        data = { status: 'cancelled', nextRunAt: null };
        rows = await tx.$executeRaw`
          UPDATE outbox SET status = 'cancelled', last_error = 'campaign cancelled', updated_at = ${now}::timestamp(3)
          WHERE campaign_id = ${id}::int AND status = 'pending'`;
        break;
      case 'resume': {
        const ran = (await tx.campaignRun.count({ where: { campaignId: id, status: { not: 'missed' } } })) > 0;
        // A one-off campaign paused before its time and resumed after it still goes out, now.
        const next = c.scheduleAt && !ran ? new Date(Math.max(c.scheduleAt.getTime(), now.getTime())) : nextOccurrence(scheduleOf(c), now);
        data = { status: ran ? 'running' : 'scheduled', nextRunAt: next };
        const due = notBeforeFor(now, c) ?? now;
        rows = await tx.$executeRaw`
          UPDATE outbox SET next_attempt_at = ${due}::timestamp(3), updated_at = ${now}::timestamp(3)
          WHERE campaign_id = ${id}::int AND status = 'pending'`;
        break;
      }
      case 'schedule':
        data = { status: 'scheduled', nextRunAt: firstOccurrence(scheduleOf(c), now) };
        break;
    }
    const updated = await tx.campaign.update({ where: { id }, data });
    await audit(tx, {
      actor: actor.name,
      actorType: actor.actorType ?? 'api_key',
      action: `campaign.${action}`,
      entity: 'campaign',
      entityId: id,
      details: { from: c.status, to: updated.status, outboxRows: rows, nextRunAt: updated.nextRunAt?.toISOString() ?? null },
      requestId: actor.requestId,
    });
    return { updated, rows };
  });
  ctx.log.info({ campaignId: id, action, outboxRows: result.rows }, `campaign ${past(action)}`);
  if (action === 'resume' && result.rows > 0) ctx.outbox.notify();
  return { ...(await describeCampaign(ctx, result.updated)), outboxRows: result.rows };
}
