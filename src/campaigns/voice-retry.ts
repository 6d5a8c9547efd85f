// The retry ladder of voice campaigns: a call that was busy, not answered or failed is tried again after the
// campaign's voiceRetryMinutes (default VOICE_RETRY_MINUTES, 15, 30, 60: three retries). Each try is its own
// outbox row pointing at the one it repeats (retry_of_id, unique), so every attempt stays visible with its
// own provider id and status, a repeated status callback queues nothing twice, and a retry is paced,
// claimed and limited by CALLS_CONCURRENT like any call. Called through the outbox's send-failure hook.
import type { AppContext } from '../context.js';
import type { SendFailure } from '../outbox/send-failures.js';
import { isUnansweredCall } from '../messaging/provider-status.js';
import { HELD_UNTIL } from './campaigns.service.js';
import { notBeforeFor } from './quiet-hours.js';

type Ctx = Pick<AppContext, 'prisma' | 'log'>;

interface Attempt {
  id: number;
  call_attempt: number;
  subscriber_id: number | null;
  ladder: number[] | null;
  campaign_status: string;
  timezone: string;
  quiet_start: string | null;
  quiet_end: string | null;
}

/** When try `attempt` failed at `at`, when the next one is due; null when the ladder is used up. */
export function nextTryAt(ladder: readonly number[], attempt: number, at: Date): Date | null {
  const minutes = ladder[attempt - 1];
  return minutes === undefined ? null : new Date(at.getTime() + minutes * 60_000);
}

/** Queues the next try of an unanswered campaign call; returns its outbox id, or null when there is none. */
export async function retryUnansweredCall(ctx: Ctx, failure: SendFailure): Promise<number | null> {
  if (failure.kind !== 'campaign' || !isUnansweredCall(failure.providerStatus)) return null;
  try {
    const [row] = await ctx.prisma.$queryRaw<Attempt[]>`
      SELECT o.id, o.call_attempt, o.subscriber_id, c.voice_retry_minutes AS ladder, c.status::text AS campaign_status,
        c.timezone, c.quiet_start, c.quiet_end
      FROM outbox o JOIN campaigns c ON c.id = o.campaign_id
      LEFT JOIN subscribers s ON s.id = o.subscriber_id
      WHERE o.id = ${failure.outboxId}::int AND o.channel = 'voice'
        AND (s.id IS NULL OR (s.status = 'active'::"SubscriberStatus" AND s.voice_opted_out_at IS NULL))`;
    if (!row || row.campaign_status === 'cancelled') return null;
    const due = nextTryAt(row.ladder ?? [], row.call_attempt, failure.at);
    if (!due) return null;
    // Quiet hours hold a retry like any campaign message; a paused campaign holds it until resumed.
    const at = row.campaign_status === 'paused' ? HELD_UNTIL : (notBeforeFor(due, { timezone: row.timezone, quietStart: row.quiet_start, quietEnd: row.quiet_end }) ?? due);
    const [created] = await ctx.prisma.$queryRaw<{ id: number }[]>`
      INSERT INTO outbox (kind, channel, priority, recipient, sender, body, locale, encoding, segments, status, next_attempt_at,
        campaign_id, campaign_run_id, subscriber_id, call_url, machine_detection, call_attempt, retry_of_id, created_at, updated_at)
      SELECT kind, channel, priority, recipient, sender, body, locale, encoding, segments, 'pending'::"OutboxStatus", ${at}::timestamp(3),
        campaign_id, campaign_run_id, subscriber_id, call_url, machine_detection, call_attempt + 1, id, ${failure.at}::timestamp(3), ${failure.at}::timestamp(3)
      FROM outbox WHERE id = ${row.id}::int
      ON CONFLICT (retry_of_id) DO NOTHING
      RETURNING id`;
    if (created) {
      ctx.log.info({ outboxId: row.id, retryId: created.id, attempt: row.call_attempt + 1, due: at, providerStatus: failure.providerStatus }, 'campaign call not answered: retry queued');
    }
    return created?.id ?? null;
  } catch (err) {
    // The hook must never fail the status callback that carried the news; the try stays recorded as it ended.
    ctx.log.error({ err, outboxId: failure.outboxId }, 'could not queue the retry of an unanswered campaign call');
    return null;
  }
}
