// Campaign fan-out: one set-based INSERT … SELECT per run puts a row in the outbox for every active
// subscriber of the targeted districts, with the text of their district and language. Subscribers never
// pass through JavaScript, so a run over a million of them costs the database's time and a constant amount
// of this process's memory (DESIGN.md §5). Only the few hundred (district, locale) texts, rendered in
// render.ts, travel from here to the database, as parallel arrays unnested into a join.
//
// One run is one transaction (REPEATABLE READ on PostgreSQL; PGlite runs everything on its one connection):
//   1. the idempotency guard: if the outbox already holds a row of this run, nothing is queued;
//   2. one aggregate over the audience by (district, language): opted out, invalid number, no text;
//   3. the INSERT … SELECT, which alone applies the frequency cap;
//   4. only if the INSERT left out anyone the aggregate counted as reachable (the cap held them back): one
//      more aggregate to say in which districts and languages.
// All of them see the same snapshot, so queued + skipped adds up to the audience exactly.
import type { Db, DbOrTx } from '../lib/db.js';
import { Prisma } from '../lib/db.js';
import { PRIORITY } from '../outbox/enqueue.js';
import { renderAll, type RenderUnit } from './render.js';
import { VOICE_PATHS } from '../messaging/voice-urls.js';

export interface FanOutInput {
  campaignId: number;
  runId: number;
  channel: 'sms' | 'voice';
  /** As the educator gave them: a province P-code means all its districts; a district itself. */
  targetPcodes: string[];
  /** Empty = every locale. */
  languages: string[];
  /** locale → text template (SMS text, or TwiML for voice) with {{district}} / {{hotline}}; a locale missing here = "no content". */
  templates: Record<string, string>;
  variables: { hotline?: string };
  maxPerSubscriberPerWeek: number | null;
  /** Quiet hours: rows wait until then. */
  notBefore: Date | null;
  now: Date;
  sender?: string | null;
  /** Render-time escaping: 'xml' for TwiML bodies (district names inside <Say>), 'none' for SMS. */
  escape?: 'xml' | 'none';
}

export interface FanOutStats {
  /** Active subscribers of the targeted districts (in the selected languages), invalid numbers included. */
  audience: number;
  queued: number;
  /**
   * opted_out: opted-out subscribers of the targeted districts and languages (outside the audience);
   * invalid_number, frequency_cap, no_content: parts of the audience, in that order of precedence, so
   * audience = queued + invalid_number + frequency_cap + no_content.
   */
  skipped: { opted_out: number; invalid_number: number; frequency_cap: number; no_content: number };
  /** Queued rows by locale and by district P-code (non-zero entries only). */
  byLocale: Record<string, number>;
  byDistrict: Record<string, number>;
}

export interface AudienceCount {
  /** Active subscribers of the targeted districts in the selected languages; the same as FanOutStats.audience. */
  total: number;
  byLanguage: Record<string, number>;
  byDistrict: Record<string, number>;
  /** Opted-out subscribers of the same districts and languages (not in total). */
  optedOut: number;
  /** Active subscribers whose number is invalid (part of total; a fan-out skips them). */
  invalid: number;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** A run over millions of rows takes seconds to minutes; the transaction must not be cut off at Prisma's 5 s. */
const TX_TIMEOUT_MS = 30 * 60 * 1000;
/** On PGlite a transaction waits for whatever else holds the one connection (another run, for instance). */
const TX_MAX_WAIT_MS = 5 * 60 * 1000;

/** District P-codes of the targets: given districts ∪ the districts of given provinces, in one query. */
export async function targetDistricts(tx: DbOrTx, targetPcodes: string[]): Promise<RenderUnit[]> {
  if (targetPcodes.length === 0) return [];
  return tx.adminUnit.findMany({
    where: { level: 'district', OR: [{ pcode: { in: targetPcodes } }, { parentPcode: { in: targetPcodes } }] },
    select: { pcode: true, nameEn: true, nameLocal: true, country: true },
    orderBy: { pcode: 'asc' },
  });
}

interface FrequencyCap {
  max: number;
  since: Date;
}

/**
 * True when subscriber `s` has had fewer than `max` campaign messages since `since` (cancelled and failed
 * ones do not count): an index probe on outbox (subscriber_id, kind, created_at) that stops at the max-th row.
 *
 * Chosen over a pre-aggregated anti-join (`GROUP BY subscriber_id HAVING count(*) >= max` over the week's
 * campaign rows, then a hash/merge anti-join), measured on PostgreSQL at 1M subscribers: with one week of
 * campaign history in the outbox the aggregate is faster (0.9–1.1 s vs 2.6–2.9 s), but it reads every
 * campaign row the outbox still holds (the index leads with subscriber_id, so created_at cannot bound the
 * scan): with four weeks kept it took 2.2–3.5 s against the probe's 2.0 s, and it keeps growing with
 * retention. The probe costs the same whatever the history: one short index range per audience member.
 * (Numbers and method: bench/README.md, suite `campaigns`.)
 */
function underCap(cap: FrequencyCap): Prisma.Sql {
  if (cap.max <= 0) return Prisma.sql`false`;
  return Prisma.sql`NOT EXISTS (
    SELECT 1 FROM outbox o
    WHERE o.subscriber_id = s.id AND o.kind = 'campaign'::"OutboxKind" AND o.created_at > ${cap.since}::timestamp(3)
      AND o.status NOT IN ('cancelled'::"OutboxStatus", 'failed'::"OutboxStatus")
    OFFSET ${cap.max - 1}::int)`;
}

interface BreakdownRow {
  district: string;
  language: string;
  opted_out: number;
  active: number;
  invalid: number;
  no_content: number;
}

const VALID = Prisma.sql`s.status = 'active'::"SubscriberStatus" AND s.number_invalid_at IS NULL`;

/** Pressed 9 in a campaign call ("stop these calls"): out of voice campaigns, counted with the opted out. */
const voiceOut = (channel: 'sms' | 'voice') => (channel === 'voice' ? Prisma.sql`s.voice_opted_out_at IS NOT NULL` : Prisma.sql`false`);

/**
 * The audience by (district, language) with the skip reasons that need no outbox lookup: one aggregate, a
 * few hundred rows back. `content` = the locales that have a text (null: do not count no_content).
 */
async function audienceBreakdown(
  tx: DbOrTx,
  q: { districts: string[]; languages: string[]; content: string[] | null; channel: 'sms' | 'voice' },
): Promise<BreakdownRow[]> {
  if (q.districts.length === 0) return [];
  const hasContent = q.content ? Prisma.sql`s.language = ANY(${q.content}::text[])` : Prisma.sql`true`;
  const out = voiceOut(q.channel);
  const rows = await tx.$queryRaw<BreakdownRow[]>`
    SELECT s.district_pcode AS district, s.language,
      count(*) FILTER (WHERE s.status = 'opted_out'::"SubscriberStatus" OR (s.status = 'active'::"SubscriberStatus" AND ${out}))::int AS opted_out,
      count(*) FILTER (WHERE s.status = 'active'::"SubscriberStatus" AND NOT (${out}))::int AS active,
      count(*) FILTER (WHERE s.status = 'active'::"SubscriberStatus" AND NOT (${out}) AND s.number_invalid_at IS NOT NULL)::int AS invalid,
      count(*) FILTER (WHERE ${VALID} AND NOT (${out}) AND NOT (${hasContent}))::int AS no_content
    FROM subscribers s
    WHERE s.district_pcode = ANY(${q.districts}::text[])
      AND s.status IN ('active'::"SubscriberStatus", 'opted_out'::"SubscriberStatus")
      AND (cardinality(${q.languages}::text[]) = 0 OR s.language = ANY(${q.languages}::text[]))
    GROUP BY s.district_pcode, s.language`;
  // count()::int comes back as a number from both adapters; Number() keeps it so if one ever sends a string.
  return rows.map((r) => ({
    district: r.district,
    language: r.language,
    opted_out: Number(r.opted_out),
    active: Number(r.active),
    invalid: Number(r.invalid),
    no_content: Number(r.no_content),
  }));
}

/**
 * After the INSERT: the subscribers who could have had a row (valid, with a text) but got none, by (district,
 * language). Those are the capped ones. Only run when the counts say someone was capped.
 */
async function cappedBreakdown(
  tx: DbOrTx,
  q: { districts: string[]; content: string[]; campaignId: number; runId: number; now: Date; channel: 'sms' | 'voice' },
) {
  const rows = await tx.$queryRaw<{ district: string; language: string; n: number }[]>`
    SELECT s.district_pcode AS district, s.language, count(*)::int AS n
    FROM subscribers s
    WHERE s.district_pcode = ANY(${q.districts}::text[]) AND s.language = ANY(${q.content}::text[]) AND ${VALID}
      AND NOT (${voiceOut(q.channel)})
      AND NOT EXISTS (
        SELECT 1 FROM outbox o
        WHERE o.subscriber_id = s.id AND o.kind = 'campaign'::"OutboxKind" AND o.created_at = ${q.now}::timestamp(3)
          AND o.campaign_id = ${q.campaignId}::int AND o.campaign_run_id = ${q.runId}::int)
    GROUP BY s.district_pcode, s.language`;
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

function add(into: Record<string, number>, key: string, n: number) {
  if (n > 0) into[key] = (into[key] ?? 0) + n;
}

/** How many a campaign to these targets would reach, for previews and cost estimates. Read-only. */
export async function countAudience(
  prisma: Db,
  q: { targetPcodes: string[]; languages: string[]; channel?: 'sms' | 'voice' },
): Promise<AudienceCount> {
  const units = await targetDistricts(prisma, q.targetPcodes);
  const rows = await audienceBreakdown(prisma, {
    districts: units.map((u) => u.pcode), languages: q.languages, content: null, channel: q.channel ?? 'sms',
  });
  const out: AudienceCount = { total: 0, byLanguage: {}, byDistrict: {}, optedOut: 0, invalid: 0 };
  for (const r of rows) {
    out.total += r.active;
    out.optedOut += r.opted_out;
    out.invalid += r.invalid;
    add(out.byLanguage, r.language, r.active);
    add(out.byDistrict, r.district, r.active);
  }
  return out;
}

function emptyStats(): FanOutStats {
  return { audience: 0, queued: 0, skipped: { opted_out: 0, invalid_number: 0, frequency_cap: 0, no_content: 0 }, byLocale: {}, byDistrict: {} };
}

/**
 * Queues one outbox row per reachable subscriber of the run's audience, in one statement, at campaign
 * priority; the dispatcher paces them. Skipped, and counted: opted-out subscribers, invalid numbers,
 * subscribers at the weekly frequency cap, and languages without a text.
 *
 * Idempotent per run: the caller claims each CampaignRun once (a unique row), and in addition a fanOut for a
 * run that already has rows in the outbox queues nothing and returns empty stats (queued 0). That guard is
 * checked once, up front, inside the run's transaction; it protects a retried or repeated call, not two
 * calls racing for the same run (which the caller's claim rules out).
 */
export async function fanOut(prisma: Db, input: FanOutInput): Promise<FanOutStats> {
  const units = await targetDistricts(prisma, input.targetPcodes);
  const districts = units.map((u) => u.pcode);
  // A locale whose text is blank has no content, like one without a text: nobody is sent an empty message.
  const content = Object.keys(input.templates).filter(
    (l) => input.templates[l]?.trim() && (input.languages.length === 0 || input.languages.includes(l)),
  );
  // Rendered before the transaction: an SMS text over the length cap fails here, with nothing queued.
  const texts = renderAll({ channel: input.channel, units, locales: content, templates: input.templates, variables: input.variables, escape: input.escape });
  // A voice message is served by our answer route (the message, then "1 to hear again, 9 to stop"), after
  // answering-machine detection has said who picked up; its own TwiML stays in the body.
  const call = input.channel === 'voice' ? { url: VOICE_PATHS.answer, amd: 'DetectMessageEnd' } : { url: null, amd: null };
  const cap: FrequencyCap | null =
    input.maxPerSubscriberPerWeek === null ? null : { max: input.maxPerSubscriberPerWeek, since: new Date(input.now.getTime() - WEEK_MS) };

  return prisma.$transaction(
    async (tx) => {
      // The INSERT's cost estimate (with a cap, a subplan per subscriber) sets off JIT compilation with
      // inlining and optimisation: ~0.3 s of compiling for a statement whose time goes to index and
      // foreign-key upkeep, which JIT does not speed up (measured at 100k: 2.19 s with, 1.93 s without).
      await tx.$executeRaw`SET LOCAL jit = off`;
      // One INSERT over millions of rows may outlast the service's per-statement limit
      // (DATABASE_STATEMENT_TIMEOUT_MS); this transaction's own timeout bounds it instead.
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${TX_TIMEOUT_MS}`);
      const [guard] = await tx.$queryRaw<{ done: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM outbox WHERE campaign_id = ${input.campaignId}::int AND campaign_run_id = ${input.runId}::int) AS done`;
      if (guard?.done) return emptyStats();

      const rows = await audienceBreakdown(tx, { districts, languages: input.languages, content, channel: input.channel });
      const stats = emptyStats();
      const eligible = new Map<string, number>(); // "district\tlanguage" → valid, with a text
      let eligibleTotal = 0;
      for (const r of rows) {
        const n = r.active - r.invalid - r.no_content;
        stats.audience += r.active;
        stats.skipped.opted_out += r.opted_out;
        stats.skipped.invalid_number += r.invalid;
        stats.skipped.no_content += r.no_content;
        if (n > 0) eligible.set(`${r.district}\t${r.language}`, n);
        eligibleTotal += n;
      }
      if (eligibleTotal === 0) return stats;

      const inserted = await tx.$executeRaw`
        INSERT INTO outbox (kind, channel, priority, recipient, sender, body, locale, encoding, segments, status,
          next_attempt_at, campaign_id, campaign_run_id, subscriber_id, created_at, updated_at, call_url, machine_detection)
        SELECT 'campaign'::"OutboxKind", ${input.channel}::text, ${PRIORITY.campaign}::int, s.phone, ${input.sender ?? null}::text,
          r.body, r.locale, r.encoding, r.segments, 'pending'::"OutboxStatus",
          ${input.notBefore ?? input.now}::timestamp(3), ${input.campaignId}::int, ${input.runId}::int, s.id,
          ${input.now}::timestamp(3), ${input.now}::timestamp(3), ${call.url}::text, ${call.amd}::text
        FROM unnest(
          ${texts.map((t) => t.district)}::text[], ${texts.map((t) => t.locale)}::text[], ${texts.map((t) => t.body)}::text[],
          ${texts.map((t) => t.encoding)}::text[], ${texts.map((t) => t.segments)}::int[]
        ) AS r(district, locale, body, encoding, segments)
        JOIN subscribers s ON s.district_pcode = r.district AND s.language = r.locale
        WHERE ${VALID} AND NOT (${voiceOut(input.channel)}) ${cap ? Prisma.sql`AND ${underCap(cap)}` : Prisma.empty}`;

      // The cap is applied once, by the INSERT; who it held back is what the INSERT left out. Usually nobody,
      // and then the counts above are the queued ones; otherwise one more aggregate splits them by group.
      stats.queued = inserted;
      stats.skipped.frequency_cap = eligibleTotal - inserted;
      if (stats.skipped.frequency_cap > 0) {
        if (!cap) throw new Error(`fan-out of run ${input.runId} inserted ${inserted} rows, expected ${eligibleTotal}`);
        const capped = await cappedBreakdown(tx, {
          districts, content, campaignId: input.campaignId, runId: input.runId, now: input.now, channel: input.channel,
        });
        for (const c of capped) {
          const key = `${c.district}\t${c.language}`;
          eligible.set(key, (eligible.get(key) ?? 0) - c.n);
        }
      }
      let check = 0;
      for (const [key, n] of eligible) {
        const [district, language] = key.split('\t') as [string, string];
        add(stats.byLocale, language, n);
        add(stats.byDistrict, district, n);
        check += n;
      }
      if (check !== inserted || stats.skipped.frequency_cap < 0) {
        // Cannot happen within one snapshot. Rolled back rather than queued with stats that do not add up.
        throw new Error(`fan-out of run ${input.runId} inserted ${inserted} rows but counted ${check} of ${eligibleTotal}`);
      }
      return stats;
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: TX_TIMEOUT_MS, maxWait: TX_MAX_WAIT_MS },
  );
}
