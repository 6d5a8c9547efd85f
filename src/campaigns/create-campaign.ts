// Creating a campaign: targets, content and schedule are all checked before anything is stored, so a
// campaign that exists can run. Created scheduled (the scheduler picks it up at nextRunAt) or as a draft.
import type { AppContext } from '../context.js';
import { Prisma } from '../lib/db.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { countryFacts } from '../districts/countries.js';
import { targetDistricts } from './fan-out.js';
import { campaignTemplates, checkCustomTexts, requireLanguages, type CampaignContent } from './campaign-content.js';
import { checkTargets, describeCampaign, hotlineOf } from './campaigns.service.js';
import { requireApproved } from './content-approval.js';
import { nextOccurrence, type CampaignSchedule } from './schedule.js';
import type { CreateCampaignBody } from './campaigns.schemas.js';
import type { ApiCaller } from '../auth/caller.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'log' | 'clock'>;

/**
 * The campaign's templates, checked: custom text by the library's rules, every requested language covered,
 * and at least one language with content. Subscribers of a language without content, when languages were not
 * given, are counted as skipped (no content) at each run and shown in the preview.
 */
export async function checkContentFor(
  ctx: Ctx,
  c: CampaignContent & { districts: string[]; languages: string[]; hotline: string },
): Promise<Record<string, string>> {
  if (c.texts) {
    const units = await targetDistricts(ctx.prisma, c.districts);
    checkCustomTexts(ctx, { channel: c.channel, texts: c.texts, units, hotline: c.hotline });
  }
  const { templates } = campaignTemplates(ctx, c);
  if (c.languages.length > 0) requireLanguages(c, templates, c.languages);
  if (Object.keys(templates).length === 0) {
    throw new AppError('unprocessable', `There is no ${c.channel} content in any language for this campaign`, { field: c.messageId ? 'message' : 'text' });
  }
  return templates;
}

/** The first occurrence from now on, or a 422 saying why there is none. */
export function firstOccurrence(s: CampaignSchedule, now: Date): Date {
  if (s.at && s.at.getTime() <= now.getTime()) {
    throw new AppError('unprocessable', `schedule.at (${s.at.toISOString()}) is in the past`, { field: 'schedule.at' });
  }
  const next = nextOccurrence(s, now);
  if (!next) {
    throw new AppError('unprocessable', 'The schedule has no occurrence from now on (see schedule.endAt)', { field: 'schedule' });
  }
  return next;
}

export async function createCampaign(ctx: Ctx, body: CreateCampaignBody, actor: ApiCaller) {
  const now = ctx.clock.now();
  const districts = [...new Set(body.districts)];
  const languages = [...new Set(body.languages ?? [])];
  await checkTargets(ctx.prisma, districts);

  const variables = body.variables?.hotline ? { hotline: body.variables.hotline } : {};
  const content: CampaignContent = { channel: body.channel, messageId: body.message ?? null, texts: body.text ?? null };
  const templates = await checkContentFor(ctx, { ...content, districts, languages, hotline: hotlineOf(ctx, { variables }) });
  requireApproved(ctx, content, Object.keys(templates).filter((l) => languages.length === 0 || (languages as string[]).includes(l)), body.allowUnapproved === true);

  const s = body.schedule;
  const schedule: CampaignSchedule =
    'cron' in s
      ? { cron: s.cron, timezone: s.timezone, startAt: s.startAt ?? null, endAt: s.endAt ?? null }
      : { at: s.at, timezone: s.timezone ?? countryFacts(ctx.config, ctx.config.defaultCountry).timeZone };
  const first = firstOccurrence(schedule, now);

  const created = await ctx.prisma.$transaction(async (tx) => {
    const c = await tx.campaign.create({
      data: {
        name: body.name,
        status: body.draft ? 'draft' : 'scheduled',
        channel: body.channel,
        messageId: content.messageId,
        texts: content.texts ?? Prisma.JsonNull,
        districts,
        languages,
        scheduleAt: schedule.at ?? null,
        cron: schedule.cron ?? null,
        timezone: schedule.timezone,
        startAt: schedule.startAt ?? null,
        endAt: schedule.endAt ?? null,
        quietStart: body.quietHours?.start ?? null,
        quietEnd: body.quietHours?.end ?? null,
        maxPerSubscriberPerWeek: body.maxPerSubscriberPerWeek ?? null,
        voiceRetryMinutes: body.channel === 'voice' ? (body.voiceRetryMinutes ?? ctx.config.outboundVoice.retryMinutes) : [],
        variables,
        nextRunAt: body.draft ? null : first,
        createdBy: actor.name,
      },
    });
    await audit(tx, {
      actor: actor.name,
      actorType: actor.actorType ?? 'api_key',
      action: 'campaign.create',
      entity: 'campaign',
      entityId: c.id,
      details: {
        name: c.name,
        status: c.status,
        channel: c.channel,
        message: c.messageId,
        districts,
        languages,
        ...(body.allowUnapproved ? { allowUnapproved: true } : {}),
        schedule: schedule.cron ? { cron: schedule.cron, timezone: schedule.timezone } : { at: first.toISOString() },
      },
      requestId: actor.requestId,
    });
    return c;
  });
  ctx.log.info({ campaignId: created.id, status: created.status, nextRunAt: created.nextRunAt }, 'campaign created');
  return describeCampaign(ctx, created);
}
