// What a campaign would send if it ran now: the rendered text per locale with its encoding and parts, how
// many it would reach, and what that costs (SMS_SEGMENT_PRICE per part, SMS_SEGMENT_PRICES per country).
// Rendering is per district (names differ in length, and Khmer names are UCS-2), so parts and cost are
// counted per (district, locale) and summed. Read-only.
import type { AppContext } from '../context.js';
import { smsSegments } from '../messaging/sms-segments.js';
import { renderAll, type RenderedText } from './render.js';
import { countAudience, targetDistricts } from './fan-out.js';
import { assertSafeTexts, campaignTemplates, safetyWarnings } from './campaign-content.js';
import { approvalNotes } from './content-approval.js';
import { contentOf, hotlineOf, loadCampaign } from './campaigns.service.js';

type Ctx = Pick<AppContext, 'prisma' | 'config' | 'i18n' | 'log'>;

const money = (n: number) => Math.round(n * 10_000) / 10_000;

export async function previewCampaign(ctx: Ctx, id: number) {
  const c = await loadCampaign(ctx.prisma, id);
  // A campaign stored before a lexicon learnt a phrase is checked again: preview is the last look before sending.
  const custom = contentOf(c).texts;
  if (custom) assertSafeTexts(Object.entries(custom).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const { campaigns: cfg } = ctx.config;
  const { templates, escape } = campaignTemplates(ctx, contentOf(c));
  const units = await targetDistricts(ctx.prisma, c.districts);
  const unitByCode = new Map(units.map((u) => [u.pcode, u]));
  const audience = await countAudience(ctx.prisma, { targetPcodes: c.districts, languages: c.languages, channel: c.channel });

  // Reachable subscribers per (district, language): active with a valid number. The weekly frequency cap
  // is applied at run time and not estimated here.
  const reach = units.length
    ? await ctx.prisma.$queryRaw<{ district: string; language: string; n: number }[]>`
        SELECT district_pcode AS district, language, count(*)::int AS n FROM subscribers
        WHERE district_pcode = ANY(${units.map((u) => u.pcode)}::text[])
          AND status = 'active'::"SubscriberStatus" AND number_invalid_at IS NULL
          AND (cardinality(${c.languages}::text[]) = 0 OR language = ANY(${c.languages}::text[]))
        GROUP BY district_pcode, language`
    : [];
  const recipientsOf = (district: string, locale: string) => Number(reach.find((r) => r.district === district && r.language === locale)?.n ?? 0);

  const contentLocales = Object.keys(templates).filter((l) => c.languages.length === 0 || c.languages.includes(l));
  const rendered = renderAll({ channel: c.channel, units, locales: contentLocales, templates, variables: { hotline: hotlineOf(ctx, c) }, escape });
  const locales = [...new Set([...contentLocales, ...reach.map((r) => r.language)])].sort();

  const priceOf = (country: string) => cfg.segmentPrices[country] ?? cfg.segmentPrice;
  const byCountry: Record<string, { segments: number; pricePerSegment: number; cost: number }> = {};
  const notes: string[] = safetyWarnings(custom);
  let totalSegments = 0;
  let recipients = 0;

  const perLocale = locales.map((locale) => {
    const rows = rendered.filter((r) => r.locale === locale);
    const localeRecipients = units.reduce((n, u) => n + recipientsOf(u.pcode, locale), 0);
    if (rows.length === 0) {
      if (localeRecipients > 0) {
        notes.push(`${localeRecipients} subscriber(s) reading ${locale} have no ${c.channel} content and will be skipped (no content)`);
      }
      return { locale, hasContent: false, recipients: localeRecipients, skippedNoContent: localeRecipients };
    }
    recipients += localeRecipients;
    // The sample is the text of the district with most readers of this locale (else the first).
    const sample = rows.reduce<RenderedText>((best, r) => (recipientsOf(r.district, locale) > recipientsOf(best.district, locale) ? r : best), rows[0]!);
    if (c.channel === 'voice') {
      return { locale, hasContent: true, recipients: localeRecipients, district: sample.district, twiml: sample.body };
    }
    let cost = 0;
    let segments = 0;
    for (const r of rows) {
      const n = recipientsOf(r.district, locale);
      const country = unitByCode.get(r.district)?.country ?? ctx.config.defaultCountry;
      const price = priceOf(country);
      segments += n * r.segments;
      cost += n * r.segments * price;
      const entry = (byCountry[country] ??= { segments: 0, pricePerSegment: price, cost: 0 });
      entry.segments += n * r.segments;
      entry.cost = money(entry.cost + n * r.segments * price);
    }
    totalSegments += segments;
    const parts = rows.map((r) => r.segments);
    const seg = smsSegments(sample.body);
    if (Math.max(...parts) > cfg.contentMaxSegments) {
      notes.push(`${locale} takes up to ${Math.max(...parts)} parts in some districts, over CONTENT_MAX_SEGMENTS (${cfg.contentMaxSegments})`);
    }
    return {
      locale,
      hasContent: true,
      recipients: localeRecipients,
      district: sample.district,
      text: sample.body,
      encoding: sample.encoding,
      segments: sample.segments,
      /** Parts vary with the district name: the range over the targeted districts. */
      segmentsRange: { min: Math.min(...parts), max: Math.max(...parts) },
      characters: sample.body.length,
      nonGsmChars: seg.nonGsmChars,
      totalSegments: segments,
      cost: money(cost),
    };
  });

  notes.unshift(...approvalNotes(ctx, contentOf(c), contentLocales));
  if (audience.optedOut > 0) notes.push(`${audience.optedOut} opted-out subscriber(s) in these districts get nothing`);
  if (audience.invalid > 0) notes.push(`${audience.invalid} subscriber(s) with an invalid number are skipped`);
  if (c.maxPerSubscriberPerWeek) notes.push(`at most ${c.maxPerSubscriberPerWeek} campaign message(s) per subscriber per week: some may be skipped at run time`);
  if (c.channel === 'voice') notes.push('calls are billed per minute by the carrier; no cost is estimated for voice');

  return {
    campaignId: c.id,
    channel: c.channel,
    recipients,
    audience,
    locales: perLocale,
    cost:
      c.channel === 'sms'
        ? { currency: cfg.currency, total: money(Object.values(byCountry).reduce((n, e) => n + e.cost, 0)), segments: totalSegments, byCountry }
        : null,
    notes,
  };
}
