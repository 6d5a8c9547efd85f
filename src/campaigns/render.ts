// Campaign text for each (district, locale) pair, rendered once in JavaScript. A fan-out reaches many
// subscribers but few distinct texts (districts of the targets × locales: a few hundred at most), so the
// per-subscriber work stays in SQL and only this small table crosses from JavaScript to the database.
import type { AdminUnit } from '../generated/prisma/client.js';
import type { Locale } from '../config.js';
import { districtDisplayName } from '../districts/resolve-district.js';
import { AppError } from '../lib/errors.js';
import { cleanText } from '../lib/text.js';
import { MAX_BODY_CHARS, smsSegments } from '../messaging/sms-segments.js';

export type RenderEscape = 'xml' | 'none';

export type RenderUnit = Pick<AdminUnit, 'pcode' | 'nameEn' | 'nameLocal' | 'country'>;

export interface TemplateVariables {
  district: string;
  hotline?: string | undefined;
}

/** One outbox body: what every subscriber of `district` reading `locale` is sent. */
export interface RenderedText {
  district: string;
  locale: string;
  body: string;
  /** GSM-7 | UCS-2 for SMS, null for voice (as enqueue() stores them). */
  encoding: string | null;
  segments: number;
}

const PLACEHOLDER_RE = /\{\{\s*(district|hotline)\s*\}\}/g;

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for an XML element or attribute value: a district called "Tom & Jerry" must not break the TwiML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * Fills `{{district}}` and `{{hotline}}`. Only the values are escaped, never the template: a voice template
 * is TwiML written by the educator. A missing hotline renders as nothing rather than as a literal "{{hotline}}"
 * in a villager's SMS; any other `{{…}}` is left as written.
 */
export function renderTemplate(template: string, vars: TemplateVariables, escape: RenderEscape = 'none'): string {
  const value = (v: string) => (escape === 'xml' ? escapeXml(v) : v);
  return template.replace(PLACEHOLDER_RE, (_m, name: string) => value(name === 'district' ? vars.district : (vars.hotline ?? '')));
}

export interface RenderAllInput {
  channel: 'sms' | 'voice';
  /** The targeted districts. */
  units: RenderUnit[];
  /** The locales to render, each with a template in `templates`. */
  locales: string[];
  templates: Record<string, string>;
  variables: { hotline?: string | undefined };
  escape?: RenderEscape | undefined;
}

/**
 * Every (district, locale) body with its SMS encoding and parts. SMS bodies are cleaned as enqueue() cleans
 * them (NFC, no control characters) and must fit Twilio's 1,600-character cap: one oversized text fails the
 * whole fan-out before anything is queued, rather than failing a million sends one by one.
 */
export function renderAll(input: RenderAllInput): RenderedText[] {
  const out: RenderedText[] = [];
  for (const locale of input.locales) {
    const template = input.templates[locale];
    if (template === undefined) continue;
    for (const unit of input.units) {
      // Locales outside SUPPORTED_LOCALES simply get the Latin name (localeOfCountry never returns them).
      const district = districtDisplayName(unit, locale as Locale);
      const rendered = renderTemplate(template, { district, hotline: input.variables.hotline }, input.escape ?? 'none');
      if (input.channel === 'voice') {
        out.push({ district: unit.pcode, locale, body: rendered, encoding: null, segments: 1 });
        continue;
      }
      const body = cleanText(rendered);
      if (body.length > MAX_BODY_CHARS) {
        throw new AppError(
          'unprocessable',
          `The ${locale} text for district ${unit.pcode} has ${body.length} characters; an SMS may have at most ${MAX_BODY_CHARS}`,
          { locale, district: unit.pcode, length: body.length },
        );
      }
      const seg = smsSegments(body);
      out.push({ district: unit.pcode, locale, body, encoding: seg.encoding, segments: seg.segments });
    }
  }
  return out;
}
