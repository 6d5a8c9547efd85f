// Reading campaigns, and what the actions share: loading, targets, the schedule and the public shape. Each
// action has its own file: create-campaign.ts, campaign-controls.ts, preview-campaign.ts, campaign-stats.ts;
// the scheduler's side is campaign-job.ts.
import type { Campaign, Prisma } from '../generated/prisma/client.js';
import type { DbOrTx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { countAudience } from './fan-out.js';
import { upcomingOccurrences, type CampaignSchedule } from './schedule.js';
import { campaignRunStats } from './campaign-stats.js';
import { encodeCursor, type ListCampaignsQuery } from './campaigns.schemas.js';

/** Statuses in which the scheduler fires occurrences. */
export const ACTIVE_STATUSES = ['scheduled', 'running'] as const;

/** Held rows of a paused campaign wait here; resume brings them back. */
export const HELD_UNTIL = new Date('9999-12-31T00:00:00Z');

export async function loadCampaign(tx: DbOrTx, id: number): Promise<Campaign> {
  const c = await tx.campaign.findUnique({ where: { id } });
  if (!c) throw new AppError('not_found', `No campaign ${id}`);
  return c;
}

export function scheduleOf(c: Pick<Campaign, 'scheduleAt' | 'cron' | 'timezone' | 'startAt' | 'endAt'>): CampaignSchedule {
  return { at: c.scheduleAt, cron: c.cron, timezone: c.timezone, startAt: c.startAt, endAt: c.endAt };
}

/** The number {{hotline}} stands for: the campaign's own, else CAMPAIGN_HOTLINE, else the emergency number. */
export function hotlineOf(ctx: Pick<AppContext, 'config'>, c: Pick<Campaign, 'variables'>): string {
  const own = (c.variables as { hotline?: unknown } | null)?.hotline;
  return typeof own === 'string' && own ? own : ctx.config.campaigns.hotline;
}

export function contentOf(c: Pick<Campaign, 'channel' | 'messageId' | 'texts'>) {
  return { channel: c.channel, messageId: c.messageId, texts: (c.texts as Partial<Record<string, string>> | null) ?? null };
}

/**
 * Targets must be provinces or districts of the gazetteer; all unknown ones are named at once. A province
 * stands for its districts, so one without any would reach nobody: also refused.
 */
export async function checkTargets(tx: DbOrTx, pcodes: string[]): Promise<void> {
  const units = await tx.adminUnit.findMany({ where: { pcode: { in: pcodes } }, select: { pcode: true, level: true } });
  const byCode = new Map(units.map((u) => [u.pcode, u.level]));
  const unknown = pcodes.filter((p) => !byCode.has(p));
  if (unknown.length > 0) {
    throw new AppError('unprocessable', `Unknown P-code${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, { field: 'districts', unknown });
  }
  const wrong = units.filter((u) => u.level !== 'province' && u.level !== 'district');
  if (wrong.length > 0) {
    throw new AppError(
      'unprocessable',
      `Campaigns target provinces or districts; ${wrong.map((u) => `${u.pcode} is a ${u.level}`).join(', ')}`,
      { field: 'districts', notProvinceOrDistrict: wrong.map((u) => u.pcode) },
    );
  }
  const provinces = units.filter((u) => u.level === 'province').map((u) => u.pcode);
  if (provinces.length > 0) {
    const withDistricts = await tx.adminUnit.groupBy({ by: ['parentPcode'], where: { parentPcode: { in: provinces }, level: 'district' } });
    const empty = provinces.filter((p) => !withDistricts.some((g) => g.parentPcode === p));
    if (empty.length > 0) {
      throw new AppError('unprocessable', `Province${empty.length > 1 ? 's' : ''} ${empty.join(', ')} ha${empty.length > 1 ? 've' : 's'} no districts in the gazetteer`, {
        field: 'districts',
        empty,
      });
    }
  }
}

export function serializeCampaign(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    channel: c.channel,
    message: c.messageId,
    text: c.texts ?? null,
    districts: c.districts,
    /** Empty: every language. */
    languages: c.languages,
    schedule: c.cron
      ? { cron: c.cron, timezone: c.timezone, startAt: c.startAt, endAt: c.endAt }
      : { at: c.scheduleAt, timezone: c.timezone },
    quietHours: c.quietStart && c.quietEnd ? { start: c.quietStart, end: c.quietEnd } : null,
    maxPerSubscriberPerWeek: c.maxPerSubscriberPerWeek,
    ...(c.channel === 'voice' ? { voiceRetryMinutes: c.voiceRetryMinutes } : {}),
    variables: c.variables,
    nextRunAt: c.nextRunAt,
    lastRunAt: c.lastRunAt,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A campaign with its audience as of now, its next occurrences and the stats of its runs. */
export async function getCampaign(ctx: Pick<AppContext, 'prisma'>, id: number) {
  const c = await loadCampaign(ctx.prisma, id);
  return describeCampaign(ctx, c);
}

export async function describeCampaign(ctx: Pick<AppContext, 'prisma'>, c: Campaign) {
  const audience = await countAudience(ctx.prisma, { targetPcodes: c.districts, languages: c.languages, channel: c.channel });
  const { runs, totals } = await campaignRunStats(ctx.prisma, c.id);
  const upcoming = c.nextRunAt && (c.status === 'scheduled' || c.status === 'running') ? [c.nextRunAt, ...upcomingOccurrences(scheduleOf(c), c.nextRunAt, 4)] : [];
  return { ...serializeCampaign(c), upcoming, audience, totals, runs };
}

export async function listCampaigns(ctx: Pick<AppContext, 'prisma'>, q: ListCampaignsQuery) {
  const where: Prisma.CampaignWhereInput = {};
  if (q.status) where.status = q.status;
  if (q.channel) where.channel = q.channel;
  if (q.district) where.districts = { has: q.district };
  if (q.q) where.name = { contains: q.q, mode: 'insensitive' };
  // Newest first: the cursor is the last id seen.
  if (q.cursor !== undefined) where.id = { lt: q.cursor };
  const rows = await ctx.prisma.campaign.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { data: page.map(serializeCampaign), nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null };
}
