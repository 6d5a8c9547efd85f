// Campaigns send reviewed content: a library message must be `approved` in every locale it will be sent in
// (locales/review.json, by text hash), or the educator says so explicitly with `allowUnapproved: true`. Custom
// text has no review at all; it passes the safety check and the preview says it is unreviewed.
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { LOCALES_DIR } from '../lib/i18n.js';
import { readReviewStore, reviewOf, type ReviewStatus, type ReviewStore } from '../content/review/review-store.js';
import { textOf } from '../content/review/review-sheet.js';
import { contentLibrary, type CampaignContent } from './campaign-content.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'log'>;

const stores = new WeakMap<object, ReviewStore>();

/** Uses this review store for campaigns of this context (tests). */
export function useReviewStore(ctx: Pick<AppContext, 'i18n'>, store: ReviewStore): void {
  stores.set(ctx.i18n, store);
}

function reviewStore(ctx: Ctx): ReviewStore {
  let s = stores.get(ctx.i18n);
  if (!s) {
    try {
      s = readReviewStore(LOCALES_DIR);
    } catch (err) {
      // An unreadable review file approves nothing: every library campaign then needs allowUnapproved.
      ctx.log.error({ err }, 'locales/review.json could not be read; library content counts as draft');
      s = { file: '', entries: new Map() };
    }
    stores.set(ctx.i18n, s);
  }
  return s;
}

export interface Unapproved {
  message: string;
  locales: { locale: string; status: ReviewStatus; changed: boolean }[];
}

/** The locales of the campaign's library message that are not approved (null for custom text). */
export function unapprovedContent(ctx: Ctx, c: CampaignContent, locales: readonly string[]): Unapproved | null {
  if (!c.messageId) return null;
  const message = contentLibrary(ctx).get(c.messageId);
  const key = message?.[c.channel];
  if (!message || !key) return null;
  const store = reviewStore(ctx);
  const out: Unapproved['locales'] = [];
  for (const locale of locales) {
    const text = textOf(ctx.i18n.resources, locale, key);
    if (text === undefined) continue;
    const r = reviewOf(store, key, locale, text);
    if (r.status !== 'approved') out.push({ locale, status: r.status, changed: r.changed });
  }
  return out.length ? { message: message.id, locales: out } : null;
}

const describe = (u: Unapproved) => u.locales.map((l) => `${l.locale} ${l.status}${l.changed ? ' (changed since review)' : ''}`).join(', ');

/** 422 content_unapproved unless every sent locale is approved or the caller overrides. */
export function requireApproved(ctx: Ctx, c: CampaignContent, locales: readonly string[], allowUnapproved: boolean): void {
  const u = unapprovedContent(ctx, c, locales);
  if (!u || allowUnapproved) return;
  throw new AppError(
    'content_unapproved',
    `Message ${u.message} is not approved in: ${describe(u)}. Have it approved (review sheet: npm run content:check -- --report) or send "allowUnapproved": true`,
    { field: 'message', message: u.message, locales: u.locales },
  );
}

/** The preview's warning notes about unreviewed content. */
export function approvalNotes(ctx: Ctx, c: CampaignContent, locales: readonly string[]): string[] {
  if (!c.messageId) return c.texts ? ['custom text has not been reviewed by an EORE specialist: read every language before sending'] : [];
  const u = unapprovedContent(ctx, c, locales);
  return u ? [`WARNING: message ${u.message} is not approved in ${describe(u)}; it was created with allowUnapproved`] : [];
}
