// What a campaign says, per locale: a template with {{district}}/{{hotline}} left in for render time. SMS
// templates are the raw texts (a library message's locales/<lng>/messages.json entry, or the educator's custom
// text); voice templates are TwiML: <Say> where Twilio has a voice (en, es), <Play> of the library recording
// where it has none (km, lo). i18next is not asked to interpolate: the variables are filled per district later.
import { existsSync } from 'node:fs';
import type { Resource } from 'i18next';
import type { AppContext } from '../context.js';
import { SUPPORTED_LOCALES, type Locale } from '../config.js';
import { AppError } from '../lib/errors.js';
import { playTwiml, sayTwiml } from '../messaging/twiml.js';
import { AUDIO_LOCALES, MESSAGE_VARIABLES, TTS_LOCALES, audioFile, loadContentLibrary, splitKey, type ContentLibrary } from '../content/library.js';
import { textVariables } from '../content/check-content.js';
import { checkKeyedText } from '../content/safety/scan-locales.js';
import { renderAll, type RenderUnit } from './render.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'log'>;

export interface CampaignContent {
  channel: 'sms' | 'voice';
  messageId: string | null;
  texts: Partial<Record<string, string>> | null;
}

// ───────────────────────────── the content library ─────────────────────────────

// Loaded once per set of i18n resources (the texts live there); tests hand in a library of their own.
const libraries = new WeakMap<object, ContentLibrary | Error>();

/** Uses this library for campaigns of this context (tests; a server reloading content). */
export function useContentLibrary(ctx: Pick<AppContext, 'i18n'>, library: ContentLibrary): void {
  libraries.set(ctx.i18n, library);
}

export function contentLibrary(ctx: Ctx): ContentLibrary {
  let lib = libraries.get(ctx.i18n);
  if (!lib) {
    try {
      lib = loadContentLibrary();
    } catch (err) {
      ctx.log.error({ err }, 'the content library could not be loaded; campaigns can only use custom text');
      lib = err instanceof Error ? err : new Error(String(err));
    }
    libraries.set(ctx.i18n, lib);
  }
  if (lib instanceof Error) {
    throw new AppError('unavailable', 'The content library could not be loaded; see the server log (npm run content:check)');
  }
  return lib;
}

function lookup(resources: Resource, lng: string, key: string): unknown {
  const { ns, path } = splitKey(key);
  let node: unknown = resources[lng]?.[ns];
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

// ───────────────────────────── templates ─────────────────────────────

export interface Templates {
  /** locale → template; a locale missing here has no content (its subscribers are skipped as no_content). */
  templates: Record<string, string>;
  /** Render-time escaping of {{district}} and {{hotline}} values: XML inside TwiML. */
  escape: 'xml' | 'none';
}

/** The template of every locale that has content for this campaign's channel. */
export function campaignTemplates(ctx: Ctx, c: CampaignContent): Templates {
  const templates: Record<string, string> = {};
  if (c.messageId) {
    const library = contentLibrary(ctx);
    const message = library.get(c.messageId);
    if (!message) throw new AppError('unprocessable', `The content library has no message "${c.messageId}"`, { field: 'message' });
    const key = message.channels.includes(c.channel) ? message[c.channel] : undefined;
    if (!key) {
      throw new AppError('unprocessable', `Message ${message.id} has no ${c.channel} version (it has: ${message.channels.join(', ')})`, {
        field: 'message',
      });
    }
    for (const lng of SUPPORTED_LOCALES) {
      if (c.channel === 'voice' && AUDIO_LOCALES.includes(lng)) {
        const rel = message.audio[lng];
        const file = audioFile(library, message, lng);
        if (rel && file && existsSync(file)) templates[lng] = playTwiml(`${ctx.config.publicBaseUrl}/${rel}`);
        continue;
      }
      const text = lookup(ctx.i18n.resources, lng, key);
      if (typeof text !== 'string' || text.trim() === '') continue;
      templates[lng] = c.channel === 'voice' ? sayTwiml(text, lng) : text;
    }
  } else {
    for (const [lng, text] of Object.entries(c.texts ?? {})) {
      if (!text) continue;
      if (c.channel === 'voice' && !TTS_LOCALES.includes(lng as Locale)) continue;
      templates[lng] = c.channel === 'voice' ? sayTwiml(text, lng) : text;
    }
  }
  return { templates, escape: c.channel === 'voice' ? 'xml' : 'none' };
}

// ───────────────────────────── checks at creation ─────────────────────────────

const braces = (v: string) => `{{${v}}}`;

/**
 * Custom text is held to the library's rules: only {{district}}/{{hotline}}, the same variables in every
 * locale, no advice to touch, move or burn (English), and at most CONTENT_MAX_SEGMENTS parts once rendered
 * for each targeted district. Voice custom text needs a Twilio voice, so it is English or Spanish only.
 */
export function checkCustomTexts(
  ctx: Ctx,
  q: { channel: 'sms' | 'voice'; texts: Partial<Record<string, string>>; units: RenderUnit[]; hotline: string },
): void {
  const texts = Object.entries(q.texts).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (q.channel === 'voice') {
    const noVoice = texts.map(([lng]) => lng).filter((lng) => !TTS_LOCALES.includes(lng as Locale));
    if (noVoice.length > 0) {
      throw new AppError(
        'unprocessable',
        `Voice custom text can only be read in ${TTS_LOCALES.join(' and ')}: Twilio has no ${noVoice.join('/')} voice. Use a library message with recordings for ${noVoice.join(', ')}`,
        { field: 'text', locales: noVoice },
      );
    }
  }
  const problems: string[] = [];
  const reference = texts.find(([lng]) => lng === 'en') ?? texts[0];
  const expected = reference ? textVariables(reference[1]) : [];
  for (const [lng, text] of texts) {
    const vars = textVariables(text);
    const unknown = vars.filter((v) => !(MESSAGE_VARIABLES as readonly string[]).includes(v));
    if (unknown.length > 0) {
      problems.push(`${lng} uses ${unknown.map(braces).join(', ')}; only ${MESSAGE_VARIABLES.map(braces).join(' and ')} are filled in`);
    }
    if (reference && lng !== reference[0] && vars.join() !== expected.join()) {
      problems.push(`${lng} uses ${vars.map(braces).join(', ') || 'no variables'} but ${reference[0]} uses ${expected.map(braces).join(', ') || 'none'}`);
    }
  }
  if (problems.length > 0) throw new AppError('unprocessable', `The text is not acceptable: ${problems.join('; ')}`, { field: 'text', problems });
  assertSafeTexts(texts);

  if (q.channel !== 'sms') return;
  const max = ctx.config.campaigns.contentMaxSegments;
  const rendered = renderAll({
    channel: 'sms',
    units: q.units,
    locales: texts.map(([lng]) => lng),
    templates: Object.fromEntries(texts),
    variables: { hotline: q.hotline },
  });
  const tooLong = rendered.filter((r) => r.segments > max);
  if (tooLong.length > 0) {
    const worst = new Map<string, (typeof tooLong)[number]>();
    for (const r of tooLong) if ((worst.get(r.locale)?.segments ?? 0) < r.segments) worst.set(r.locale, r);
    const list = [...worst.values()].map((r) => `${r.locale} is ${r.segments} ${r.encoding} parts (district ${r.district})`);
    throw new AppError('unprocessable', `The text is too long: ${list.join('; ')}; the limit is ${max} parts (CONTENT_MAX_SEGMENTS)`, {
      field: 'text',
      maxSegments: max,
      tooLong: [...worst.values()].map((r) => ({ locale: r.locale, district: r.district, segments: r.segments, encoding: r.encoding })),
    });
  }
}

/**
 * Custom text in every language goes through the same safety check as the library: advice to touch, move,
 * burn or collect (un-negated) in any locale is refused with 422 unsafe_content naming locale and phrase.
 * A locale without a safety lexicon cannot be checked and is refused the same way.
 */
export function assertSafeTexts(texts: [string, string][]): void {
  const unsafe = texts.flatMap(([lng, text]) => checkKeyedText('text', lng, text).filter((f) => f.code !== 'negation-scope'));
  if (unsafe.length === 0) return;
  throw new AppError('unsafe_content', `The text gives unsafe advice: ${unsafe.map((f) => f.message.replace(/^text /, '')).join('; ')}. Say "never …" / "do not …" before each action`, {
    field: 'text',
    unsafe: unsafe.map((f) => ({ locale: f.locale, phrase: f.phrase ?? null, problem: f.code, message: f.message.replace(/^text /, '') })),
  });
}

/** Safety warnings for custom texts (one negation before several verbs), shown as preview notes. */
export function safetyWarnings(texts: Partial<Record<string, string>> | null): string[] {
  return Object.entries(texts ?? {}).flatMap(([lng, text]) =>
    text ? checkKeyedText('text', lng, text).filter((f) => f.code === 'negation-scope').map((f) => f.message) : [],
  );
}

/** Every explicitly requested language must have content; otherwise the request is refused, naming them. */
export function requireLanguages(c: CampaignContent, templates: Record<string, string>, languages: readonly string[]): void {
  const missing = languages.filter((l) => templates[l] === undefined);
  if (missing.length === 0) return;
  const why =
    c.channel === 'voice'
      ? c.messageId
        ? `message ${c.messageId} has no ${c.channel} script or recording in ${missing.join(', ')}`
        : `voice custom text can only be read in ${TTS_LOCALES.join(' and ')}; ${missing.join(', ')} need${missing.length === 1 ? 's' : ''} a library message with recordings`
      : c.messageId
        ? `message ${c.messageId} has no text in ${missing.join(', ')}`
        : `no text was given for ${missing.join(', ')}`;
  throw new AppError('unprocessable', `Content is missing in a targeted language: ${why}`, { field: 'languages', missing });
}
