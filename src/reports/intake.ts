// Hazard-report intake: a villager's text becomes a report (the inbound row is already stored), is parsed,
// triaged, checked for duplicates and routed, and the reply carries the report number and the safety advice.
// When the place is missing we ask, at most twice; the answer completes the same report.
import type { HazardReport, Prisma, Subscriber } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { parseReport, type ParsedReport } from './parse/parse-report.js';
import { ancestry } from '../districts/ancestry.js';
import { unitOfPoint } from '../districts/locate-point.js';
import type { BoundaryLookup } from '../districts/boundary-index.js';
import { SURE } from '../districts/resolve-district.js';
import { triage } from './triage.js';
import { insertReportEvent } from '../lib/report-row.js';
import { addNote, changeStatus } from './lifecycle.js';
import { reporterActor, SYSTEM } from '../lib/actor.js';
import { placeName } from '../alerts/route-report.js';
import { noteToTeam } from '../alerts/note-duplicate.js';
import { settle } from './dispatch.js';
import { referVictimAssistance, rehabService } from './notify.js';
import { countryFacts } from '../districts/countries.js';
import { countryOfPhone, subscriberCountry } from '../subscribers/phone.js';
import { countCasualties } from './parse/casualty-count.js';
import { createCasualtyPlaceholders, placePlaceholders } from '../victims/placeholders.js';

export interface ReportMessage {
  sub: Subscriber | null;
  phone: string;
  /** The whole text as received (after control-character cleaning). */
  text: string;
  /** A leading report keyword (REPORT, MINE, UXO…), kept out of place matching. */
  keyword?: string | undefined;
  mediaUrls: string[];
}

export interface IntakeOutcome {
  reply: string;
  handledAs: string;
  reportId: number;
}

/**
 * The location fields a parse yields, with the district and province derived from the gazetteer. A named place
 * wins; a coordinate's unit is the boundary polygon containing it, else the nearest district centre
 * (`districtVia` says which).
 */
async function locate(tx: Tx, boundaries: BoundaryLookup, parsed: ParsedReport) {
  const point = parsed.location?.value ?? null;
  let adminPcode = parsed.place && parsed.place.value.level !== 'province' ? parsed.place.value.pcode : null;
  let adminLevel = adminPcode ? parsed.place!.value.level : null;
  let districtVia: string | null = adminPcode ? 'gazetteer' : null;
  if (!adminPcode && point) {
    const unit = await unitOfPoint(tx, boundaries, point);
    if (unit) [adminPcode, adminLevel, districtVia] = [unit.pcode, unit.level, unit.via];
  }
  const chain = adminPcode ? await ancestry(tx, adminPcode) : [];
  const country = chain[0]?.country;
  const provinceOnly = parsed.place?.value.level === 'province' ? parsed.place.value.pcode : null;
  const sure = Boolean(point) || (Boolean(parsed.place) && (parsed.place!.confidence ?? 0) >= SURE && adminPcode !== null);
  return {
    fields: {
      lat: point?.lat ?? null,
      lon: point?.lon ?? null,
      accuracyM: point?.accuracyM ?? null,
      locationSource: parsed.location?.source ?? (parsed.place ? 'gazetteer' : null),
      locationText: parsed.place?.match ?? parsed.location?.match ?? null,
      locationConfidence: point ? 1 : (parsed.place?.confidence ?? null),
      adminPcode,
      districtPcode: chain.find((u) => u.level === 'district')?.pcode ?? null,
      provincePcode: chain.find((u) => u.level === 'province')?.pcode ?? provinceOnly,
    },
    adminLevel,
    districtVia,
    sure,
    /** The country of the place, when the report has one. */
    country,
  };
}

function parseRecord(parsed: ParsedReport, districtVia: string | null): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify({
    location: parsed.location, place: parsed.place, device: parsed.device, casualties: parsed.casualties,
    children: parsed.children, contextFlags: parsed.contextFlags, districtVia,
  })) as Prisma.InputJsonValue;
}

/**
 * The country whose emergency number and services a reporter is told: the report's place's, else the reporter's
 * district's, else the number's.
 */
async function reporterCountry(tx: Tx, msg: ReportMessage, placeCountry: string | undefined): Promise<string | undefined> {
  if (placeCountry) return placeCountry;
  return msg.sub ? subscriberCountry(tx, msg.sub) : countryOfPhone(msg.phone);
}

function replyFor(ctx: AppContext, report: HazardReport, opts: { ask?: 'askLocation' | 'askLocationAgain'; country?: string | undefined }): string {
  const t = (k: string, v?: Record<string, unknown>) => ctx.i18n.t(report.locale, k, v);
  const parts = [t('reports:received', { number: report.id })];
  if (opts.ask) parts.push(t(`reports:${opts.ask}`));
  parts.push(t('safety.reply'));
  if (report.casualties) {
    const facts = countryFacts(ctx.config, opts.country);
    parts.push(t('reports:emergency', { emergency: facts.emergencyNumber }));
    const rehab = rehabService(ctx, report.provincePcode, opts.country);
    if (rehab) parts.push(t('reports:rehab', { service: rehab }));
  }
  return parts.join(' ');
}

export async function createReport(ctx: AppContext, tx: Tx, msg: ReportMessage): Promise<IntakeOutcome> {
  const now = ctx.clock.now();
  const parsed = parseReport(msg.text, { vocabulary: ctx.vocabulary, matcher: await ctx.places.get(), mediaUrls: msg.mediaUrls, keyword: msg.keyword });
  const loc = await locate(tx, await ctx.boundaries.get(), parsed);
  const tri = triage({ casualties: parsed.casualties.value, children: parsed.children, contextFlags: parsed.contextFlags.value });
  const ask = !loc.sure;
  let report = await tx.hazardReport.create({
    data: {
      originalText: msg.text,
      reporterPhone: msg.phone,
      reporterId: msg.sub?.id ?? null,
      locale: msg.sub?.language ?? ctx.config.defaultLocale,
      deviceClass: parsed.device.value,
      casualties: parsed.casualties.value,
      contextFlags: parsed.contextFlags.value,
      priority: tri.priority,
      priorityReasons: tri.reasons,
      mediaUrls: parsed.mediaUrls,
      parse: parseRecord(parsed, loc.districtVia),
      ...loc.fields,
      ...(ask ? { dialogueState: 'awaiting_location', questionsAsked: 1, dialogueUntil: new Date(now.getTime() + ctx.config.reports.dialogueHours * 3_600_000) } : {}),
      createdAt: now,
    },
  });
  await insertReportEvent(tx, {
    reportId: report.id, kind: 'status', toStatus: 'received', actor: reporterActor(msg.sub?.id ?? null).id, actorType: 'reporter', at: now,
  });
  ({ after: report } = await changeStatus(tx, report.id, { to: 'triaged', actor: SYSTEM, at: now, note: `${tri.priority}: ${tri.reasons.join(', ') || 'no urgent signs'}` }));
  // A report that waits for its place is still routed at once when someone is hurt.
  if (!ask || report.priority === 'critical') report = await settle(ctx, tx, report, loc.adminLevel, ctx.clock.now());
  // Only casualties need the country (its emergency number and services): no lookup for other reports.
  const country = report.casualties ? await reporterCountry(tx, msg, loc.country) : undefined;
  if (report.casualties) {
    await referVictimAssistance(ctx, tx, report, await placeName(tx, report), country);
    // One casualty record per person the text counts, for the victim-assistance focal point to complete.
    await createCasualtyPlaceholders(tx, report, countCasualties(msg.text, ctx.vocabulary).people);
  }
  return {
    reply: replyFor(ctx, report, { ask: ask ? 'askLocation' : undefined, country }),
    handledAs: ask ? 'report:ask_location' : 'report',
    reportId: report.id,
  };
}

/** The reporter's answer to "where is it?": completes the same report, or asks once more, or goes on without. */
export async function answerDialogue(ctx: AppContext, tx: Tx, report: HazardReport, msg: ReportMessage): Promise<IntakeOutcome> {
  const now = ctx.clock.now();
  // The reporter's language now: a LANG sent since the report, or a clearer message, counts.
  const locale = (msg.sub?.language ?? report.locale) as Locale;
  const t = (k: string, v?: Record<string, unknown>) => ctx.i18n.t(locale, k, v);
  await addNote(tx, report.id, reporterActor(msg.sub?.id ?? null), msg.text, now, 'dialogue');
  const parsed = parseReport(msg.text, { vocabulary: ctx.vocabulary, matcher: await ctx.places.get(), mediaUrls: msg.mediaUrls, keyword: msg.keyword });
  const loc = await locate(tx, await ctx.boundaries.get(), parsed);
  const found = parsed.location !== null || (parsed.place !== null && loc.fields.adminPcode !== null);
  if (!found && report.questionsAsked < 2) {
    await tx.hazardReport.update({ where: { id: report.id }, data: { questionsAsked: 2 } });
    return { reply: t('reports:askLocationAgain'), handledAs: 'report:ask_location_again', reportId: report.id };
  }
  const previous = (report.parse ?? {}) as Record<string, unknown>;
  let updated = await tx.hazardReport.update({
    where: { id: report.id },
    data: {
      dialogueState: null,
      dialogueUntil: null,
      ...(found ? { ...loc.fields, parse: { ...previous, dialogue: parseRecord(parsed, loc.districtVia) } as Prisma.InputJsonValue } : {}),
      mediaUrls: [...((report.mediaUrls as string[]) ?? []), ...parsed.mediaUrls],
    },
  });
  if (found && updated.casualties) await placePlaceholders(tx, updated);
  if (updated.status === 'triaged') {
    updated = await settle(ctx, tx, updated, found ? loc.adminLevel : null, ctx.clock.now());
  } else if (found) {
    // A critical report was routed before its place was known; the team now hears where.
    await noteToTeam(ctx, tx, updated, 'location');
  }
  const place = found ? ((await placeName(tx, updated, locale)) ?? loc.fields.locationText ?? '') : '';
  return found
    ? { reply: t('reports:locationNoted', { number: report.id, place }), handledAs: 'report:location', reportId: report.id }
    : { reply: t('reports:received', { number: report.id }), handledAs: 'report:no_location', reportId: report.id };
}
