// The escalation cron job. Each run first routes reports whose reporter never answered "where is it?" (an
// unanswered question must never leave a report without a team), then moves unacknowledged alerts on by a
// step (alerts/escalation.ts). It is put together here because the first half is reports' business and
// alerts must not import reports.
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/scheduler.js';
import { SYSTEM } from '../lib/actor.js';
import { eachIsolated, escalateDueAlerts, type EscalationResult } from '../alerts/escalation.js';
import { settle } from './dispatch.js';
import { VOICE_DIALOGUE } from './voice-intake.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log'>;

export const DIALOGUE_BATCH = 50;

export interface EscalationRunResult extends EscalationResult {
  /** Reports routed because their reporter did not answer the location question in time. */
  routed: number;
}

export function createEscalationJob(ctx: Ctx): Job<EscalationRunResult> {
  return {
    name: 'escalate-alerts',
    schedule: ctx.config.reports.escalationCron,
    async run(now = ctx.clock.now()) {
      const routed = await routeUnansweredReports(ctx, now);
      const { escalated, closed } = await escalateDueAlerts(ctx, now);
      if (escalated + closed + routed > 0) ctx.log.info({ escalated, closed, routed }, 'escalation run');
      return { escalated, closed, routed };
    },
  };
}

/**
 * Reports still waiting for the reporter's answer about the place after dialogueWaitMinutes: route them now.
 * Voice reports whose call never reported its end (no status callback) are routed the same way.
 */
async function routeUnansweredReports(ctx: Ctx, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - ctx.config.reports.dialogueWaitMinutes * 60_000);
  return ctx.prisma.$transaction(
    async (tx) => {
      // The lock also keeps a reporter's late answer (answerDialogue) from routing the same report at once.
      const waiting = await tx.$queryRaw<{ id: number; dialogue_state: string }[]>`
        SELECT id, dialogue_state FROM hazard_reports
        WHERE dialogue_state IN ('awaiting_location', ${VOICE_DIALOGUE}) AND status = 'triaged' AND created_at <= ${cutoff}
        ORDER BY created_at, id
        LIMIT ${DIALOGUE_BATCH}
        FOR UPDATE SKIP LOCKED`;
      let routed = 0;
      await eachIsolated(ctx, tx, waiting, (r) => ({ reportId: r.id }), async ({ id, dialogue_state }) => {
        const report = await tx.hazardReport.update({ where: { id }, data: { dialogueState: null, dialogueUntil: null } });
        await tx.reportEvent.create({
          data: { reportId: id, kind: 'dialogue', actor: SYSTEM.id, actorType: SYSTEM.type, note: dialogue_state === VOICE_DIALOGUE ? 'voice call ended without a status callback: routed with its answers' : 'no answer about the place: routed without it', at: now },
        });
        // Duplicate check first, as for any report whose place is settled; stamped with this run's `now`.
        await settle(ctx, tx, report, null, now);
        routed++;
      });
      return routed;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
