// Per-run statistics: what the fan-out decided (audience, queued, skipped with reasons), stored on the run,
// and what became of the queued rows since, counted live from the outbox. They add up:
//   audience = queued + invalidNumber + frequencyCap + noContent   (opted-out subscribers are outside it)
//   queued   = pending + sent + delivered + undelivered + failed + cancelled + unknown
// A voice call tried again (busy, no answer) is one queued message: its rows count by their last try, and
// `calls` tells the tries apart (answered, listened to the end, pressed 9, machine, busy, retries pending).
import type { DbOrTx } from '../lib/db.js';
import type { FanOutStats } from './fan-out.js';

/** What a run stores in campaign_runs.stats. */
export interface StoredRunStats extends Partial<FanOutStats> {
  /** Quiet hours held the run's messages until then (ISO). */
  notBefore?: string | null;
  /** Why a run was not sent: late (beyond CAMPAIGN_CATCHUP_MINUTES), superseded (a later occurrence was due too)… */
  reason?: string;
  error?: string;
}

const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'unknown'] as const;
type OutboxCounts = Record<(typeof OUTBOX_STATUSES)[number], number>;

const emptyCounts = (): OutboxCounts => Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as OutboxCounts;

function headline(stats: StoredRunStats, o: OutboxCounts) {
  const skipped = stats.skipped;
  return {
    audience: stats.audience ?? 0,
    queued: stats.queued ?? 0,
    skipped: {
      optedOut: skipped?.opted_out ?? 0,
      invalidNumber: skipped?.invalid_number ?? 0,
      frequencyCap: skipped?.frequency_cap ?? 0,
      noContent: skipped?.no_content ?? 0,
    },
    /** Still to send: waiting (pending, including held by pause or quiet hours) or being sent. */
    pending: o.pending + o.sending,
    /** Accepted by the provider, no delivery report yet. */
    sent: o.sent,
    delivered: o.delivered,
    /** Accepted, then reported undelivered by the carrier (or a call not answered). */
    undelivered: o.undelivered,
    /** Could not be sent (permanent error, or retries used up). */
    failed: o.failed,
    cancelled: o.cancelled,
    /** The process stopped mid-send; never retried, so no one gets it twice. */
    unknown: o.unknown,
  };
}

type Headline = ReturnType<typeof headline>;

function addInto(total: Headline, h: Headline) {
  total.audience += h.audience;
  total.queued += h.queued;
  for (const k of Object.keys(total.skipped) as (keyof Headline['skipped'])[]) total.skipped[k] += h.skipped[k];
  for (const k of ['pending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'unknown'] as const) total[k] += h[k];
}

/** The newest `limit` runs of a campaign with their stats, and totals over all its runs. */
export async function campaignRunStats(prisma: DbOrTx, campaignId: number, limit = 50) {
  const counts = await prisma.$queryRaw<{ run: number | null; status: string; n: number }[]>`
    SELECT campaign_run_id AS run, status::text AS status, count(*)::int AS n
    FROM outbox o WHERE campaign_id = ${campaignId}::int
      AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.retry_of_id = o.id)
    GROUP BY campaign_run_id, status`;
  const calls = await callStats(prisma, campaignId);
  const byRun = new Map<number | null, OutboxCounts>();
  for (const c of counts) {
    const key = c.run === null ? null : Number(c.run);
    const into = byRun.get(key) ?? emptyCounts();
    into[c.status as keyof OutboxCounts] = Number(c.n);
    byRun.set(key, into);
  }

  const all = await prisma.campaignRun.findMany({
    where: { campaignId },
    orderBy: [{ occurrenceAt: 'desc' }, { id: 'desc' }],
    select: { id: true, occurrenceAt: true, status: true, startedAt: true, finishedAt: true, stats: true },
  });
  const totals: Headline & { runs: Record<string, number>; calls?: CallStats } = {
    ...headline({}, emptyCounts()),
    runs: {},
  };
  const runs = all.map((r) => {
    const stats = (r.stats ?? {}) as StoredRunStats;
    const h = headline(stats, byRun.get(r.id) ?? emptyCounts());
    addInto(totals, h);
    const c = calls.get(r.id);
    if (c) totals.calls = addCalls(totals.calls ?? emptyCalls(), c);
    totals.runs[r.status] = (totals.runs[r.status] ?? 0) + 1;
    return {
      id: r.id,
      occurrenceAt: r.occurrenceAt,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      ...(stats.reason ? { reason: stats.reason } : {}),
      ...(stats.error ? { error: stats.error } : {}),
      notBefore: stats.notBefore ?? null,
      ...h,
      byLocale: stats.byLocale ?? {},
      byDistrict: stats.byDistrict ?? {},
      ...(c ? { calls: c } : {}),
    };
  });
  return { runs: runs.slice(0, limit), totals };
}

/** What became of a voice run's calls, try by try. */
export interface CallStats {
  /** Calls placed (every try, retries included). */
  attempts: number;
  /** Picked up by a person (answering-machine detection said human, or the listener pressed a key). */
  answered: number;
  /** Reached the key menu after the message. */
  listenedToEnd: number;
  /** Pressed 9: no more campaign calls. */
  pressedStop: number;
  /** Pressed 1 to hear the message again. */
  replayed: number;
  /** An answering machine or fax took the call (the message was left). */
  machine: number;
  busy: number;
  noAnswer: number;
  /** The provider could not connect the call. */
  failed: number;
  /** New tries queued after busy / no answer / failed, and how many of them are still to be placed. */
  retries: number;
  retriesPending: number;
}

const CALL_KEYS = ['attempts', 'answered', 'listenedToEnd', 'pressedStop', 'replayed', 'machine', 'busy', 'noAnswer', 'failed', 'retries', 'retriesPending'] as const;
const emptyCalls = (): CallStats => Object.fromEntries(CALL_KEYS.map((k) => [k, 0])) as unknown as CallStats;

function addCalls(into: CallStats, c: CallStats): CallStats {
  for (const k of CALL_KEYS) into[k] += c[k];
  return into;
}

async function callStats(prisma: DbOrTx, campaignId: number): Promise<Map<number, CallStats>> {
  const rows = await prisma.$queryRaw<({ run: number } & Record<(typeof CALL_KEYS)[number], number>)[]>`
    SELECT campaign_run_id AS run,
      count(*) FILTER (WHERE sent_at IS NOT NULL OR provider_id IS NOT NULL)::int AS "attempts",
      count(*) FILTER (WHERE answered_by = 'human' OR (answered_by IS NULL AND listened_at IS NOT NULL))::int AS "answered",
      count(*) FILTER (WHERE listened_at IS NOT NULL)::int AS "listenedToEnd",
      count(*) FILTER (WHERE menu_choice = '9')::int AS "pressedStop",
      count(*) FILTER (WHERE menu_choice = '1')::int AS "replayed",
      count(*) FILTER (WHERE answered_by IN ('machine', 'fax'))::int AS "machine",
      count(*) FILTER (WHERE provider_status = 'busy')::int AS "busy",
      count(*) FILTER (WHERE provider_status = 'no-answer')::int AS "noAnswer",
      count(*) FILTER (WHERE provider_status = 'failed')::int AS "failed",
      count(*) FILTER (WHERE retry_of_id IS NOT NULL)::int AS "retries",
      count(*) FILTER (WHERE retry_of_id IS NOT NULL AND status IN ('pending', 'sending'))::int AS "retriesPending"
    FROM outbox
    WHERE campaign_id = ${campaignId}::int AND channel = 'voice' AND campaign_run_id IS NOT NULL
    GROUP BY campaign_run_id`;
  return new Map(rows.map((r) => [Number(r.run), Object.fromEntries(CALL_KEYS.map((k) => [k, Number(r[k])])) as unknown as CallStats]));
}
