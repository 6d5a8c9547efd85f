// Running one claimed occurrence: fan-out, stats, and settling against a pause or cancel that came in
// meanwhile; and taking over runs whose instance died between claim and fan-out.
import type { Campaign, CampaignStatus, Prisma } from '../generated/prisma/client.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { fanOut } from './fan-out.js';
import { campaignTemplates } from './campaign-content.js';
import { HELD_UNTIL, contentOf, hotlineOf } from './campaigns.service.js';
import type { StoredRunStats } from './campaign-stats.js';
import { notBeforeFor } from './quiet-hours.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log' | 'outbox'>;

/** A claimed run not fanned out after this long lost its instance (fan-out transactions give up after 30 min). */
export const STALE_CLAIM_MS = 31 * 60_000;

/**
 * Fans the run out, then settles it under the campaign's row lock: a pause or cancel that came in during the
 * fan-out has by then either committed (and its status is seen here, so the new rows are held or cancelled)
 * or waits for this transaction (and its own UPDATE of the outbox then sees the new rows).
 */
export async function executeRun(ctx: Ctx, campaign: Campaign, runId: number, now: Date): Promise<void> {
  const notBefore = notBeforeFor(now, campaign);
  let status = 'completed';
  let stats: StoredRunStats;
  try {
    const { templates, escape } = campaignTemplates(ctx, contentOf(campaign));
    const result = await fanOut(ctx.prisma, {
      campaignId: campaign.id,
      runId,
      channel: campaign.channel,
      targetPcodes: campaign.districts,
      languages: campaign.languages,
      templates,
      variables: { hotline: hotlineOf(ctx, campaign) },
      maxPerSubscriberPerWeek: campaign.maxPerSubscriberPerWeek,
      notBefore,
      now,
      escape,
    });
    stats = { ...result, notBefore: notBefore?.toISOString() ?? null };
  } catch (err) {
    status = 'failed';
    stats = { error: err instanceof AppError ? err.message : 'the fan-out failed; see the server log' };
    ctx.log.error({ err, campaignId: campaign.id, runId }, 'campaign fan-out failed');
  }
  await ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: CampaignStatus }[]>`
      SELECT status::text AS status FROM campaigns WHERE id = ${campaign.id}::int FOR UPDATE`;
    if (row?.status === 'paused') {
      await tx.$executeRaw`
        UPDATE outbox SET next_attempt_at = ${HELD_UNTIL}::timestamp(3)
        WHERE campaign_run_id = ${runId}::int AND campaign_id = ${campaign.id}::int AND status = 'pending'`;
    } else if (row?.status === 'cancelled') {
      await tx.$executeRaw`
        UPDATE outbox SET status = 'cancelled', last_error = 'campaign cancelled'
        WHERE campaign_run_id = ${runId}::int AND campaign_id = ${campaign.id}::int AND status = 'pending'`;
    }
    await tx.campaignRun.update({
      where: { id: runId },
      data: { status, stats: stats as Prisma.InputJsonValue, finishedAt: ctx.clock.now() },
    });
  });
  ctx.log.info({ campaignId: campaign.id, runId, status, queued: stats.queued ?? 0, notBefore: stats.notBefore }, 'campaign run');
  if ((stats.queued ?? 0) > 0) ctx.outbox.notify();
}

/**
 * A run claimed by an instance that stopped before its fan-out committed: the occurrence would otherwise be
 * lost. After STALE_CLAIM_MS the fan-out's own transaction has certainly ended, so taking the run over cannot
 * double it (and fanOut queues nothing for a run that already has rows). Too late by then → missed.
 */
export async function recoverStaleRuns(ctx: Ctx, now: Date): Promise<number> {
  const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS);
  const runs = await ctx.prisma.$queryRaw<{ id: number; campaign_id: number; occurrence_at: Date }[]>`
    UPDATE campaign_runs SET instance_id = ${ctx.config.instanceId}, started_at = ${now}::timestamp(3)
    WHERE id IN (
      SELECT id FROM campaign_runs WHERE status = 'claimed' AND started_at < ${staleBefore}::timestamp(3)
      ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED)
    RETURNING id, campaign_id, occurrence_at`;
  const catchupMs = ctx.config.campaigns.catchupMinutes * 60_000;
  for (const r of runs) {
    const campaign = await ctx.prisma.campaign.findUniqueOrThrow({ where: { id: r.campaign_id } });
    const late = now.getTime() - new Date(r.occurrence_at).getTime() > catchupMs;
    ctx.log.warn({ campaignId: campaign.id, runId: r.id, late }, 'taking over a campaign run whose instance stopped');
    if (late || campaign.status === 'cancelled') {
      await ctx.prisma.campaignRun.update({
        where: { id: r.id },
        data: { status: 'missed', finishedAt: now, stats: { reason: 'the instance that claimed it stopped before queueing' } },
      });
    } else {
      await executeRun(ctx, campaign, Number(r.id), now);
    }
  }
  return runs.length;
}
