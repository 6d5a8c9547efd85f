// Reads live_events rows (written by triggers on hazard_reports and outbox) together with the current state of
// the row each one points at, so a client gets what the report or message looks like now. Phones are masked:
// the stream goes to every signed-in role, and the full number is one click away for those allowed to see it.
import type { Db } from '../lib/db.js';
import { maskPhone } from '../lib/logger.js';

export interface LiveEvent {
  /** The live_events id: the SSE event id a client resumes from. */
  id: number;
  topic: 'report' | 'outbox';
  /** Province of the report (or of the outbox row's report) for filtering; null when not known. */
  province: string | null;
  /** Null when the row was deleted since: the id still moves the cursor, nothing is sent. */
  data: Record<string, unknown> | null;
}

interface Row {
  id: bigint;
  topic: string;
  ref_id: number;
  kind: string;
  at: Date;
  r_status: string | null;
  r_priority: string | null;
  r_district: string | null;
  r_province: string | null;
  o_kind: string | null;
  o_status: string | null;
  o_channel: string | null;
  o_recipient: string | null;
  o_report_id: number | null;
  o_province: string | null;
}

/** Events with an id above `after` (and any ids in `also`, late commits), oldest first, at most `limit`. */
export async function readEvents(prisma: Db, q: { after: number; also?: number[]; upTo?: number; limit: number }): Promise<LiveEvent[]> {
  const upTo = q.upTo ?? Number.MAX_SAFE_INTEGER;
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT e.id, e.topic, e.ref_id, e.kind, e.at,
           r.status::text AS r_status, r.priority::text AS r_priority, r.district_pcode AS r_district,
           COALESCE(r.province_pcode, left(r.district_pcode, 2)) AS r_province,
           o.kind::text AS o_kind, o.status::text AS o_status, o.channel AS o_channel, o.recipient AS o_recipient,
           o.report_id AS o_report_id, COALESCE(orp.province_pcode, left(orp.district_pcode, 2)) AS o_province
    FROM live_events e
    LEFT JOIN hazard_reports r ON e.topic = 'report' AND r.id = e.ref_id
    LEFT JOIN outbox o ON e.topic = 'outbox' AND o.id = e.ref_id
    LEFT JOIN hazard_reports orp ON orp.id = o.report_id
    WHERE (e.id > ${q.after} AND e.id <= ${upTo}) OR e.id = ANY(${q.also ?? []}::bigint[])
    ORDER BY e.id
    LIMIT ${q.limit}`;
  return rows.map(toEvent);
}

/** The newest event id (0 when there is none): where a fresh poller starts. */
export async function latestEventId(prisma: Db): Promise<number> {
  const [row] = await prisma.$queryRaw<{ id: bigint | null }[]>`SELECT max(id) AS id FROM live_events`;
  return Number(row?.id ?? 0);
}

function toEvent(r: Row): LiveEvent {
  const id = Number(r.id);
  const at = r.at.toISOString();
  if (r.topic === 'report') {
    if (r.r_status === null) return { id, topic: 'report', province: null, data: null };
    return {
      id,
      topic: 'report',
      province: r.r_province,
      data: { id: r.ref_id, kind: r.kind, status: r.r_status, priority: r.r_priority, districtPcode: r.r_district, at },
    };
  }
  if (r.o_status === null) return { id, topic: 'outbox', province: null, data: null };
  const to = r.o_channel === 'webhook' ? 'webhook' : maskPhone(r.o_recipient ?? '');
  return {
    id,
    topic: 'outbox',
    province: r.o_province,
    data: { id: r.ref_id, kind: r.o_kind, channel: r.o_channel, status: r.o_status, to, reportId: r.o_report_id, at },
  };
}

/**
 * One event per report or message per batch: a report's intake changes it several times in one transaction,
 * and a console only needs its state now. The kept event has the highest id (so a resume skips the rest) and
 * is `created` when any of them was.
 */
export function coalesceEvents(events: LiveEvent[]): LiveEvent[] {
  const last = new Map<string, LiveEvent>();
  const created = new Set<string>();
  for (const e of events) {
    if (!e.data) continue;
    const key = `${e.topic}:${String(e.data.id)}`;
    if (e.data.kind === 'created') created.add(key);
    last.set(key, e);
  }
  return [...last.entries()]
    .map(([key, e]) => (created.has(key) && e.data!.kind !== 'created' ? { ...e, data: { ...e.data, kind: 'created' } } : e))
    .sort((a, b) => a.id - b.id);
}
