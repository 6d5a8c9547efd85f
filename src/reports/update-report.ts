// PATCH /api/reports/:id: a coordinator moves a report through its lifecycle, corrects the device or the place,
// names who handles it, or adds a note. One transaction under the report's row lock; every changed field is a
// history event, and the effects of a status (reporter update, alerts closed or acknowledged, escalations
// cancelled) commit with it or not at all.
import type { HazardReport, Prisma } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { ReportStatus } from '../generated/prisma/enums.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { ancestry } from '../districts/ancestry.js';
import { unitOfPoint } from '../districts/locate-point.js';
import type { BoundaryLookup } from '../districts/boundary-index.js';
import { noteToTeam } from '../alerts/note-duplicate.js';
import { apiActor, userActor, type Actor } from '../lib/actor.js';
import { CLOSED, isOpen } from '../lib/report-status.js';
import { addNote, changeStatus } from './lifecycle.js';
import { notifyReporter } from './notify.js';
import type { ApiCaller } from '../auth/caller.js';
import { reportDetail, withinProvinces } from './reports.service.js';
import type { UpdateReportBody } from './reports.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'clock' | 'log' | 'outbox' | 'boundaries'>;

// A team that reports progress has, in effect, acknowledged: escalating to its next contact would be noise.
const ACKNOWLEDGING: readonly ReportStatus[] = ['acknowledged', 'verified', 'tasked'];

const LOCATION_FIELDS = [
  'lat', 'lon', 'accuracyM', 'locationSource', 'locationText', 'locationConfidence', 'adminPcode', 'districtPcode', 'provincePcode',
] as const;
type LocationFields = Pick<HazardReport, (typeof LOCATION_FIELDS)[number]>;

export async function updateReport(ctx: Ctx, id: number, body: UpdateReportBody, caller: ApiCaller) {
  const actor = caller.actorType === 'user' ? userActor(caller.name) : apiActor(caller.name);
  const now = ctx.clock.now();
  let queued = false;
  // Outside the transaction: a first load must not wait behind it on PGlite's one connection.
  const boundaries = body.location && 'lat' in body.location ? await ctx.boundaries.get() : null;

  const changed = await ctx.prisma.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM hazard_reports WHERE id = ${id} FOR UPDATE`;
    if (!locked) throw new AppError('not_found', `Report ${id} does not exist`);
    const before = await tx.hazardReport.findUniqueOrThrow({ where: { id } });
    if (!withinProvinces(before.districtPcode, caller.provinces)) throw new AppError('not_found', `Report ${id} does not exist`);
    const fields: string[] = [];
    const fieldEvent = (field: string, from: unknown, to: unknown) =>
      tx.reportEvent.create({
        data: { reportId: id, kind: 'field', actor: actor.id, actorType: actor.type, at: now, details: json({ field, from, to }) },
      });

    // Fields first, so a reporter update or a team note sent for the status sees the corrected report.
    const data: Prisma.HazardReportUpdateInput = {};
    if (body.deviceClass !== undefined && body.deviceClass !== before.deviceClass) {
      data.deviceClass = body.deviceClass;
      await fieldEvent('deviceClass', before.deviceClass, body.deviceClass);
      fields.push('deviceClass');
    }
    if (body.assignee !== undefined && body.assignee !== before.assignee) {
      data.assignee = body.assignee;
      await fieldEvent('assignee', before.assignee, body.assignee);
      fields.push('assignee');
    }
    let locationChanged = false;
    if (body.location) {
      const next = await newLocation(tx, boundaries, before, body.location);
      const from = pickLocation(before);
      if (LOCATION_FIELDS.some((k) => from[k] !== next[k])) {
        Object.assign(data, next);
        await fieldEvent('location', from, next);
        fields.push('location');
        locationChanged = true;
      }
    }
    let report = Object.keys(data).length ? await tx.hazardReport.update({ where: { id }, data }) : before;

    const original = body.duplicateOf === undefined ? null : await originalOf(tx, id, body.duplicateOf);
    let status: { from: ReportStatus; to: ReportStatus } | null = null;
    if (body.status !== undefined && body.status !== before.status) {
      const note = original === null ? null : `duplicate of #${original}`;
      const result = await changeStatus(tx, id, { to: body.status, actor, at: now, note });
      report = result.after;
      status = { from: before.status, to: body.status };
      queued = (await applyStatusEffects(ctx, tx, report, body.status, actor, now)) || queued;
    }
    if (original !== null && original !== report.duplicateOfId) {
      await fieldEvent('duplicateOf', report.duplicateOfId, original);
      report = await tx.hazardReport.update({ where: { id }, data: { duplicateOfId: original } });
      fields.push('duplicateOf');
    }
    if (locationChanged && isOpen(report) && (await tx.alert.count({ where: { reportId: id } })) > 0) {
      // The team on its way must hear that the place moved; a report not yet dispatched has nobody to tell.
      await noteToTeam(ctx, tx, report, 'location');
      queued = true;
    }
    if (body.note) {
      await addNote(tx, id, actor, body.note, now);
      fields.push('note');
    }
    if (status || fields.length) {
      await audit(tx, {
        actor: caller.name,
        actorType: caller.actorType ?? 'api_key',
        action: 'report.update',
        entity: 'report',
        entityId: id,
        details: json({ fields, ...(status ? { status } : {}) }),
        requestId: caller.requestId,
      });
    }
    return Boolean(status || fields.length);
  });

  if (queued) ctx.outbox.notify();
  return { ...(await reportDetail(ctx.prisma, id, caller)), changed };
}

/** What a new status sets off: the reporter's update, and the alerts and pending escalations it settles. */
async function applyStatusEffects(ctx: Ctx, tx: Tx, report: HazardReport, to: ReportStatus, actor: Actor, now: Date): Promise<boolean> {
  const notified = await notifyReporter(ctx, tx, report, to);
  const closing = CLOSED.includes(to);
  if (!closing && !ACKNOWLEDGING.includes(to)) return notified;
  if (closing) {
    await tx.alert.updateMany({ where: { reportId: report.id, state: 'open' }, data: { state: 'closed', nextEscalationAt: null } });
  } else {
    await tx.alert.updateMany({
      where: { reportId: report.id, state: 'open' },
      data: { state: 'acknowledged', acknowledgedAt: now, acknowledgedBy: actor.id, nextEscalationAt: null },
    });
  }
  // Escalation texts and calls still waiting to go would wake the next person on call for nothing.
  await tx.outboxMessage.updateMany({
    where: { reportId: report.id, status: 'pending', kind: { in: ['escalation', 'call'] } },
    data: { status: 'cancelled', lastError: `report ${to} via API`, updatedAt: now },
  });
  return notified;
}

/**
 * The report `duplicateOf` names, checked: not this one, existing, and when it is itself a duplicate, its own
 * original (followed a few steps), so chains never form.
 */
async function originalOf(tx: Tx, id: number, duplicateOf: number): Promise<number> {
  if (duplicateOf === id) throw new AppError('unprocessable', `Report ${id} cannot be a duplicate of itself`, { field: 'duplicateOf' });
  type Link = { id: number; status: ReportStatus; duplicateOfId: number | null };
  const find = (rid: number): Promise<Link | null> =>
    tx.hazardReport.findUnique({ where: { id: rid }, select: { id: true, status: true, duplicateOfId: true } });
  let original = await find(duplicateOf);
  if (!original) throw new AppError('unprocessable', `Report ${duplicateOf} does not exist`, { field: 'duplicateOf' });
  for (let i = 0; i < 10 && original.status === 'duplicate' && original.duplicateOfId !== null; i++) {
    const next: Link | null = await find(original.duplicateOfId);
    if (!next) break;
    original = next;
  }
  if (original.id === id) throw new AppError('unprocessable', `Report ${duplicateOf} is a duplicate of report ${id} itself`, { field: 'duplicateOf' });
  return original.id;
}

function pickLocation(r: HazardReport): LocationFields {
  return Object.fromEntries(LOCATION_FIELDS.map((k) => [k, r[k]])) as LocationFields;
}

async function newLocation(tx: Tx, boundaries: BoundaryLookup | null, before: HazardReport, loc: NonNullable<UpdateReportBody['location']>): Promise<LocationFields> {
  if ('pcode' in loc) {
    const unit = await tx.adminUnit.findUnique({ where: { pcode: loc.pcode } });
    if (!unit) throw new AppError('unprocessable', `Unknown P-code ${loc.pcode}`, { field: 'location.pcode' });
    const chain = await ancestry(tx, unit.pcode);
    // Coordinates stay: a place name refines where a point is, it does not contradict it.
    return {
      ...pickLocation(before),
      locationSource: 'api',
      locationText: unit.nameEn,
      locationConfidence: 1,
      adminPcode: unit.pcode,
      districtPcode: chain.find((u) => u.level === 'district')?.pcode ?? null,
      provincePcode: chain.find((u) => u.level === 'province')?.pcode ?? null,
    };
  }
  const point = { lat: loc.lat, lon: loc.lon };
  const next: LocationFields = {
    ...pickLocation(before),
    lat: loc.lat,
    lon: loc.lon,
    accuracyM: loc.accuracyM ?? null,
    locationSource: 'api',
    locationConfidence: 1,
  };
  // A report nobody could place gets the unit whose boundary contains the point (else the nearest district
  // centre), as intake does for a GPS fix.
  if (!before.adminPcode) {
    const unit = await unitOfPoint(tx, boundaries, point);
    if (unit) {
      const chain = await ancestry(tx, unit.pcode);
      next.adminPcode = unit.pcode;
      next.districtPcode = chain.find((u) => u.level === 'district')?.pcode ?? null;
      next.provincePcode = chain.find((u) => u.level === 'province')?.pcode ?? null;
    }
  }
  return next;
}

function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
