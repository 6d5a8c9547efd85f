// What the fault drills read from the database, straight over pg (no Prisma, no service code): the state of
// the inbound messages a drill sent, the outbox rows they led to, and the invariants a drill checks.
import pg from 'pg';
import { performance } from 'node:perf_hooks';

export interface DrillDb {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** One pg client in the drill's schema, with its own application_name (so a drill never terminates it). */
export async function openDrillDb(url: string, schema: string): Promise<DrillDb> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path="${schema}" -c TimeZone=UTC`, application_name: 'bench-drills' });
  client.on('error', () => {});
  await client.connect();
  return {
    query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    close: () => client.end(),
  };
}

export interface Backlog {
  /** Inbound messages of the drill still pending or processing. */
  inbound: number;
  /** Outbox rows of the drill's reports and senders not yet in a final state (pending, sending, unknown). */
  outbox: number;
}

const N = (v: unknown) => Number(v ?? 0);

/** The drill's inbound rows (by MessageSid) and outbox rows (replies to its phones, alerts of its reports). */
export async function backlog(db: DrillDb, sids: string[]): Promise<Backlog> {
  const [r] = await db.query(
    `WITH m AS (SELECT id, state, report_id FROM inbound_messages WHERE message_sid = ANY($1::text[]))
     SELECT (SELECT count(*) FROM m WHERE state IN ('pending', 'processing')) AS inbound,
            (SELECT count(*) FROM outbox o
              WHERE o.status IN ('pending', 'sending', 'unknown')
                AND (o.dedupe_key IN (SELECT 'inbound:' || id || ':reply' FROM m) OR o.report_id IN (SELECT report_id FROM m))) AS outbox`,
    [sids],
  );
  return { inbound: N(r?.inbound), outbox: N(r?.outbox) };
}

/** Polls until the drill's backlog is empty or timeoutMs passes; returns how long it took and what was left. */
export async function waitForSettled(db: DrillDb, sids: string[], timeoutMs: number): Promise<{ settled: boolean; ms: number; left: Backlog }> {
  const t0 = performance.now();
  let left = await backlog(db, sids);
  while (left.inbound + left.outbox > 0 && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 500));
    left = await backlog(db, sids);
  }
  return { settled: left.inbound + left.outbox === 0, ms: Math.round(performance.now() - t0), left };
}

export interface Invariants {
  /** MessageSids Twilio got a 200 for. */
  acknowledged: number;
  /** Of those, without an inbound row: lost messages. */
  missingInbound: number;
  handled: number;
  failedInbound: number;
  notHandled: number;
  /** Handled inbound messages without a report (each drill message is a report). */
  withoutReport: number;
  /** Reports created from the drill's phones, against the messages: more means a message was processed twice. */
  reports: number;
  extraReports: number;
  /** Messages with no reply row / reply rows beyond one per phone. */
  missingReplies: number;
  extraReplies: number;
  /** Reports without an alert row / alert rows beyond one per report. */
  missingAlerts: number;
  extraAlerts: number;
  /** Reply or alert rows that ended failed (or undelivered, cancelled, unknown). */
  failedOutbox: number;
  /** Outbox rows by status, replies and alerts of the drill. */
  outboxByStatus: Record<string, number>;
}

/**
 * Exactly-once checks for the messages Twilio got a 200 for (each from its own phone, each a report):
 * one inbound row, handled, one report, one reply row, one alert row, nothing failed.
 */
export async function checkInvariants(db: DrillDb, acked: { sid: string; phone: string }[]): Promise<Invariants> {
  const sids = acked.map((a) => a.sid);
  const phones = acked.map((a) => a.phone);
  const [r] = await db.query(
    `WITH m AS (SELECT id, state::text AS state, report_id FROM inbound_messages WHERE message_sid = ANY($1::text[])),
          rep AS (SELECT id FROM hazard_reports WHERE reporter_phone = ANY($2::text[])),
          replies AS (SELECT recipient, count(*) AS n FROM outbox WHERE kind = 'reply' AND recipient = ANY($2::text[]) GROUP BY recipient),
          alerts AS (SELECT report_id, count(*) AS n FROM outbox WHERE kind = 'alert' AND report_id IN (SELECT id FROM rep) GROUP BY report_id)
     SELECT (SELECT count(*) FROM m) AS inbound,
            (SELECT count(*) FROM m WHERE state = 'handled') AS handled,
            (SELECT count(*) FROM m WHERE state = 'failed') AS failed,
            (SELECT count(*) FROM m WHERE state = 'handled' AND report_id IS NULL) AS without_report,
            (SELECT count(*) FROM rep) AS reports,
            (SELECT count(*) FROM replies) AS phones_replied,
            (SELECT coalesce(sum(n - 1), 0) FROM replies) AS extra_replies,
            (SELECT count(*) FROM rep WHERE id NOT IN (SELECT report_id FROM alerts)) AS missing_alerts,
            (SELECT coalesce(sum(n - 1), 0) FROM alerts) AS extra_alerts`,
    [sids, phones],
  );
  const byStatus = await db.query<{ status: string; n: string }>(
    `SELECT status::text AS status, count(*) AS n FROM outbox
      WHERE (kind = 'reply' AND recipient = ANY($1::text[]))
         OR (kind = 'alert' AND report_id IN (SELECT id FROM hazard_reports WHERE reporter_phone = ANY($1::text[])))
      GROUP BY status`,
    [phones],
  );
  const outboxByStatus = Object.fromEntries(byStatus.map((s) => [s.status, N(s.n)]));
  const inbound = N(r?.inbound);
  const handled = N(r?.handled);
  const failedInbound = N(r?.failed);
  const reports = N(r?.reports);
  return {
    acknowledged: acked.length,
    missingInbound: acked.length - inbound,
    handled,
    failedInbound,
    notHandled: inbound - handled - failedInbound,
    withoutReport: N(r?.without_report),
    reports,
    extraReports: Math.max(0, reports - inbound),
    missingReplies: acked.length - N(r?.phones_replied),
    extraReplies: N(r?.extra_replies),
    missingAlerts: N(r?.missing_alerts),
    extraAlerts: N(r?.extra_alerts),
    failedOutbox: ['failed', 'undelivered', 'cancelled', 'unknown'].reduce((s, k) => s + (outboxByStatus[k] ?? 0), 0),
    outboxByStatus,
  };
}

/** Sum of the counts that must be zero. */
export function violations(i: Invariants): number {
  return i.missingInbound + i.failedInbound + i.notHandled + i.withoutReport + i.extraReports + i.missingReplies + i.extraReplies + i.missingAlerts + i.extraAlerts + i.failedOutbox;
}
