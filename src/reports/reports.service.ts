// Reading hazard reports for coordinators: the filtered list (reporter numbers masked) and one report in full,
// with its history, messages, duplicates and alerts. Updates live in update-report.ts, the GIS export in
// export-reports.ts; both share the filters and the serialisation below.
import type { HazardReport, Prisma } from '../generated/prisma/client.js';
import type { DbOrTx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { maskPhone } from '../lib/logger.js';
import { ancestry } from '../districts/ancestry.js';
import { serializeOutbox } from '../outbox/outbox.routes.js';
import { allowedNext } from './lifecycle.js';
import { encodeCursor, type ListReportsQuery, type ReportFilters } from './reports.schemas.js';
import { seesReporterPhone, type ApiCaller } from '../auth/caller.js';

export function serializeReport(r: HazardReport, opts: { maskPhone: boolean }) {
  return {
    id: r.id,
    status: r.status,
    priority: r.priority,
    priorityReasons: r.priorityReasons,
    deviceClass: r.deviceClass,
    casualties: r.casualties,
    contextFlags: r.contextFlags,
    originalText: r.originalText,
    reporterPhone: opts.maskPhone ? maskPhone(r.reporterPhone) : r.reporterPhone,
    location: {
      lat: r.lat,
      lon: r.lon,
      accuracyM: r.accuracyM,
      source: r.locationSource,
      text: r.locationText,
      adminPcode: r.adminPcode,
      districtPcode: r.districtPcode,
      provincePcode: r.provincePcode,
    },
    teamId: r.teamId,
    assignee: r.assignee,
    duplicateOfId: r.duplicateOfId,
    createdAt: r.createdAt,
    acknowledgedAt: r.acknowledgedAt,
    closedAt: r.closedAt,
  };
}

/**
 * A coordinator limited to provinces sees the reports whose district P-code starts with one of them (P-codes
 * nest: district 0102 is in province 01). Empty = no limit (admins, API keys, unlimited coordinators).
 */
export function withinProvinces(districtPcode: string | null, provinces: readonly string[] = []): boolean {
  return provinces.length === 0 || (districtPcode !== null && provinces.some((p) => districtPcode.startsWith(p)));
}

/** The WHERE for the list and the export. Throws 422 for a P-code the gazetteer does not know. */
export async function reportWhere(prisma: DbOrTx, f: ReportFilters, provinces: readonly string[] = []): Promise<Prisma.HazardReportWhereInput> {
  const and: Prisma.HazardReportWhereInput[] = [];
  if (provinces.length) and.push({ OR: provinces.map((p) => ({ districtPcode: { startsWith: p } })) });
  if (f.status) and.push({ status: { in: f.status } });
  if (f.priority) and.push({ priority: { in: f.priority } });
  if (f.team !== undefined) and.push({ teamId: f.team });
  if (f.from) and.push({ createdAt: { gte: f.from } });
  if (f.to) and.push({ createdAt: { lt: f.to } });
  if (f.district) and.push(await placeFilter(prisma, f.district));
  return and.length ? { AND: and } : {};
}

async function placeFilter(prisma: DbOrTx, pcode: string): Promise<Prisma.HazardReportWhereInput> {
  const unit = await prisma.adminUnit.findUnique({ where: { pcode }, select: { level: true } });
  if (!unit) throw new AppError('unprocessable', `Unknown P-code ${pcode}`, { field: 'district' });
  switch (unit.level) {
    case 'province':
      return { provincePcode: pcode };
    case 'district':
      return { districtPcode: pcode };
    case 'commune': {
      // Reports placed in one of the commune's villages are in the commune too.
      const villages = await prisma.adminUnit.findMany({ where: { parentPcode: pcode }, select: { pcode: true } });
      return { adminPcode: { in: [pcode, ...villages.map((v) => v.pcode)] } };
    }
    case 'village':
      return { adminPcode: pcode };
  }
}

export async function listReports(ctx: Pick<AppContext, 'prisma'>, q: ListReportsQuery, provinces: readonly string[] = []) {
  const where = await reportWhere(ctx.prisma, q, provinces);
  const rows = await ctx.prisma.hazardReport.findMany({
    // Newest first; one row more than asked tells whether there is a next page without a count query.
    where: q.cursor === undefined ? where : { AND: [where, { id: { lt: q.cursor } }] },
    orderBy: { id: 'desc' },
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  // The triage queue's "waiting for ACK" timer: since when the oldest alert still open was sent (one query).
  const open = page.length
    ? await ctx.prisma.alert.groupBy({ by: ['reportId'], where: { reportId: { in: page.map((r) => r.id) }, state: 'open' }, _min: { createdAt: true } })
    : [];
  const openSince = new Map(open.map((a) => [a.reportId, a._min.createdAt]));
  return {
    data: page.map((r) => ({ ...serializeReport(r, { maskPhone: true }), alertOpenSince: openSince.get(r.id) ?? null })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null,
  };
}

/** One report in full; the reporter's number in full only for a caller whose role calls villagers back. */
export async function reportDetail(prisma: DbOrTx, id: number, caller: Pick<ApiCaller, 'role'>) {
  const report = await prisma.hazardReport.findUnique({ where: { id } });
  if (!report) throw new AppError('not_found', `Report ${id} does not exist`);
  const [history, inbound, outbox, duplicates, alerts, chain] = await Promise.all([
    prisma.reportEvent.findMany({ where: { reportId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
    prisma.inboundMessage.findMany({ where: { reportId: id }, orderBy: { id: 'asc' } }),
    prisma.outboxMessage.findMany({ where: { reportId: id }, orderBy: { id: 'asc' } }),
    prisma.hazardReport.findMany({
      where: { duplicateOfId: id },
      select: { id: true, status: true, createdAt: true, originalText: true },
      orderBy: { id: 'asc' },
    }),
    prisma.alert.findMany({ where: { reportId: id }, orderBy: { id: 'asc' } }),
    report.adminPcode ? ancestry(prisma, report.adminPcode) : Promise.resolve([]),
  ]);
  const base = serializeReport(report, { maskPhone: !seesReporterPhone(caller) });
  return {
    ...base,
    locale: report.locale,
    channel: report.channel,
    mediaUrls: report.mediaUrls,
    // A voice report's recording: the same short link its alert carries (GET /r/<token> redirects to it).
    recordingLink: report.recordingLink,
    location: {
      ...base.location,
      confidence: report.locationConfidence,
      admin: chain.map((u) => ({ pcode: u.pcode, level: u.level, name: u.nameEn, nameLocal: u.nameLocal })),
    },
    updatedAt: report.updatedAt,
    allowedTransitions: allowedNext(report.status),
    parse: report.parse,
    history: history.map((e) => ({
      id: e.id, kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, actor: e.actor, actorType: e.actorType,
      note: e.note, details: e.details, at: e.at,
    })),
    messages: {
      // Numbers other than the reporter's (a neighbour's follow-up) are masked as in the outbox listing.
      inbound: inbound.map((m) => ({
        id: m.id, channel: m.channel, from: maskPhone(m.fromPhone), body: m.body, numMedia: m.numMedia,
        mediaUrls: m.mediaUrls, handledAs: m.handledAs, receivedAt: m.receivedAt,
      })),
      outbox: outbox.map(serializeOutbox),
    },
    duplicates,
    alerts: alerts.map((a) => ({
      id: a.id, teamId: a.teamId, contactId: a.contactId, state: a.state, step: a.step,
      nextEscalationAt: a.nextEscalationAt, acknowledgedAt: a.acknowledgedAt, acknowledgedBy: a.acknowledgedBy,
      createdAt: a.createdAt,
    })),
  };
}

/** The detail read is audited: it shows a villager's phone number to the caller. */
export async function getReport(ctx: Pick<AppContext, 'prisma'>, id: number, caller: ApiCaller) {
  const detail = await reportDetail(ctx.prisma, id, caller);
  // Outside the caller's provinces it does not exist for them (404, not 403: no probing for numbers).
  if (!withinProvinces(detail.location.districtPcode, caller.provinces)) throw new AppError('not_found', `Report ${id} does not exist`);
  await audit(ctx.prisma, {
    actor: caller.name,
    actorType: caller.actorType ?? 'api_key',
    action: 'report.read',
    entity: 'report',
    entityId: id,
    requestId: caller.requestId,
  });
  return detail;
}
