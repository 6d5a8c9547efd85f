// The campaign scheduler, as a Job ticking every second (so a due campaign fires within 2 s, DESIGN.md §5).
// Each tick:
//   1. fires due occurrences: campaigns scheduled|running with next_run_at <= now. An occurrence is claimed by
//      inserting its (campaign, occurrence) row in campaign_runs, under a row lock on the campaign taken with
//      SKIP LOCKED; only the instance whose INSERT went in fans out, so with any number of instances on one
//      PostgreSQL it runs exactly once. An occurrence more than CAMPAIGN_CATCHUP_MINUTES late (the service was
//      down), or overtaken by a later one that is also due, is recorded as `missed` and not sent.
//   2. defers the unsent messages of campaigns whose quiet hours have begun, to the end of the window;
//   3. marks campaigns completed once they have no occurrence left and nothing unsent;
//   4. now and then, takes over a run whose instance died between its claim and its fan-out.
// Every step is an indexed query with a LIMIT, so an idle tick costs a few milliseconds.
import type { Campaign } from '../generated/prisma/client.js';
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/scheduler.js';
import { audit } from '../lib/audit.js';
import { scheduleOf } from './campaigns.service.js';
import type { StoredRunStats } from './campaign-stats.js';
import { nextOccurrence } from './schedule.js';
import { inQuiet, quietEnd } from './quiet-hours.js';
import { executeRun, recoverStaleRuns } from './execute-run.js';

export { STALE_CLAIM_MS } from './execute-run.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log' | 'outbox'>;

/** Campaigns fired per tick; more wait for the next tick, a second later. */
export const DUE_BATCH = 20;
/** Missed occurrences recorded per campaign per tick (a week down with an hourly cron catches up in seconds). */
const MAX_MISSED_PER_TICK = 100;
const RECOVERY_EVERY_MS = 60_000;
/** A deferral already applied is re-applied this often, to catch retries that fell due inside the window. */
const QUIET_REAPPLY_MS = 30_000;

export interface CampaignJobResult {
  /** Occurrences fanned out by this instance. */
  fired: number;
  /** Occurrences recorded as missed. */
  missed: number;
  /** Outbox rows moved to the end of quiet hours. */
  deferred: number;
  completed: number;
  recovered: number;
}

export function createCampaignJob(ctx: Ctx): Job<CampaignJobResult> {
  const deferrals = new Map<number, { end: number; at: number }>();
  let lastRecovery = -Infinity;
  return {
    name: 'campaigns',
    schedule: '* * * * * *',
    // Every instance ticks every second; the campaign_runs claim inside run() makes each occurrence fire once.
    coordinated: false,
    async run(now = ctx.clock.now()) {
      const result: CampaignJobResult = { fired: 0, missed: 0, deferred: 0, completed: 0, recovered: 0 };
      if (now.getTime() - lastRecovery >= RECOVERY_EVERY_MS) {
        lastRecovery = now.getTime();
        result.recovered = await recoverStaleRuns(ctx, now);
      }
      const due = await ctx.prisma.$queryRaw<{ id: number }[]>`
        SELECT id FROM campaigns
        WHERE status IN ('scheduled', 'running') AND next_run_at <= ${now}::timestamp(3)
        ORDER BY next_run_at, id
        LIMIT ${DUE_BATCH}::int`;
      for (const { id } of due) {
        try {
          const r = await fireDue(ctx, id, now);
          result.fired += r.fired;
          result.missed += r.missed;
        } catch (err) {
          // One broken campaign must not hold the others back; it is tried again next tick.
          ctx.log.error({ err, campaignId: id }, 'campaign occurrence failed');
        }
      }
      result.deferred = await deferQuietHours(ctx, now, deferrals);
      result.completed = await completeFinished(ctx, now);
      if (result.fired + result.missed + result.deferred + result.completed + result.recovered > 0) {
        ctx.log.info(result, 'campaign tick');
      }
      return result;
    },
  };
}

interface Claim {
  campaign: Campaign;
  runId: number | null;
  missed: number;
}

/** Claims the due occurrence of one campaign (recording missed ones) and fans it out if this instance won it. */
async function fireDue(ctx: Ctx, id: number, now: Date): Promise<{ fired: number; missed: number }> {
  const claim = await claimOccurrence(ctx, id, now);
  if (!claim) return { fired: 0, missed: 0 };
  if (claim.runId !== null) await executeRun(ctx, claim.campaign, claim.runId, now);
  return { fired: claim.runId !== null ? 1 : 0, missed: claim.missed };
}

async function claimOccurrence(ctx: Ctx, id: number, now: Date): Promise<Claim | null> {
  const catchupMs = ctx.config.campaigns.catchupMinutes * 60_000;
  const instanceId = ctx.config.instanceId;
  return ctx.prisma.$transaction(async (tx) => {
    // SKIP LOCKED: another instance handling this campaign right now keeps it; this one moves on.
    const [row] = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM campaigns
      WHERE id = ${id}::int AND status IN ('scheduled', 'running') AND next_run_at <= ${now}::timestamp(3)
      FOR UPDATE SKIP LOCKED`;
    if (!row) return null;
    const campaign = await tx.campaign.findUniqueOrThrow({ where: { id } });
    const schedule = scheduleOf(campaign);

    const missed: { at: Date; reason: string }[] = [];
    let runAt: Date | null = null;
    let next: Date | null = campaign.nextRunAt;
    while (next && next.getTime() <= now.getTime() && missed.length < MAX_MISSED_PER_TICK) {
      const occurrence: Date = next;
      next = nextOccurrence(schedule, occurrence);
      if (now.getTime() - occurrence.getTime() > catchupMs) {
        missed.push({ at: occurrence, reason: `late: more than ${ctx.config.campaigns.catchupMinutes} min (CAMPAIGN_CATCHUP_MINUTES)` });
      } else if (next && next.getTime() <= now.getTime()) {
        // Two occurrences due at once (the service was down): only the latest is sent.
        missed.push({ at: occurrence, reason: `superseded by the occurrence of ${next.toISOString()}` });
      } else {
        runAt = occurrence;
        break;
      }
    }

    if (missed.length > 0) {
      await tx.campaignRun.createMany({
        data: missed.map((m) => ({
          campaignId: id,
          occurrenceAt: m.at,
          status: 'missed',
          instanceId,
          stats: { reason: m.reason } satisfies StoredRunStats,
          startedAt: now,
          finishedAt: now,
        })),
        skipDuplicates: true,
      });
    }
    let runId: number | null = null;
    if (runAt) {
      // The claim: the unique (campaign_id, occurrence_at) lets exactly one INSERT in.
      const [inserted] = await tx.$queryRaw<{ id: number }[]>`
        INSERT INTO campaign_runs (campaign_id, occurrence_at, status, instance_id, stats, started_at)
        VALUES (${id}::int, ${runAt}::timestamp(3), 'claimed', ${instanceId}, '{}'::jsonb, ${now}::timestamp(3))
        ON CONFLICT DO NOTHING
        RETURNING id`;
      runId = inserted ? Number(inserted.id) : null;
    }
    const updated = await tx.campaign.update({
      where: { id },
      data: { nextRunAt: next, ...(runId !== null ? { status: 'running', lastRunAt: runAt } : {}) },
    });
    if (missed.length > 0) {
      ctx.log.warn({ campaignId: id, missed: missed.map((m) => m.at.toISOString()) }, 'campaign occurrences missed');
    }
    return { campaign: updated, runId, missed: missed.length };
  });
}

/**
 * Quiet hours began: everything of the campaign still waiting to be sent before the window ends waits for
 * its end instead (a backlog the dispatcher paces out can run into the evening). Held rows of paused
 * campaigns are not touched (they wait later still).
 */
async function deferQuietHours(ctx: Ctx, now: Date, applied: Map<number, { end: number; at: number }>): Promise<number> {
  const campaigns = await ctx.prisma.campaign.findMany({
    where: { status: 'running', quietStart: { not: null }, quietEnd: { not: null } },
    select: { id: true, timezone: true, quietStart: true, quietEnd: true },
    orderBy: { id: 'asc' },
    take: 500,
  });
  let deferred = 0;
  for (const c of campaigns) {
    if (!inQuiet(now, c.timezone, c.quietStart!, c.quietEnd!)) {
      applied.delete(c.id);
      continue;
    }
    const end = quietEnd(now, c.timezone, c.quietStart!, c.quietEnd!);
    const last = applied.get(c.id);
    if (last && last.end === end.getTime() && now.getTime() - last.at < QUIET_REAPPLY_MS) continue;
    deferred += await ctx.prisma.$executeRaw`
      UPDATE outbox SET next_attempt_at = ${end}::timestamp(3), updated_at = ${now}::timestamp(3)
      WHERE campaign_id = ${c.id}::int AND status = 'pending' AND next_attempt_at < ${end}::timestamp(3)`;
    applied.set(c.id, { end: end.getTime(), at: now.getTime() });
  }
  return deferred;
}

/** Campaigns with no occurrence left, no run being fanned out and nothing unsent are completed. */
async function completeFinished(ctx: Ctx, now: Date): Promise<number> {
  const done = await ctx.prisma.$queryRaw<{ id: number }[]>`
    UPDATE campaigns c SET status = 'completed', updated_at = ${now}::timestamp(3)
    WHERE c.status IN ('scheduled', 'running') AND c.next_run_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.campaign_id = c.id AND o.status IN ('pending', 'sending'))
      AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE r.campaign_id = c.id AND r.status = 'claimed')
    RETURNING c.id`;
  for (const { id } of done) {
    await audit(ctx.prisma, { actor: 'system', actorType: 'system', action: 'campaign.complete', entity: 'campaign', entityId: id });
  }
  return done.length;
}
