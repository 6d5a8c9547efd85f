// JOIN / STOP / START / HELP / LANG from a phone. Each handler changes the subscriber inside the caller's
// transaction and returns the reply text (or null: no reply, e.g. a second STOP).
import type { AdminUnit, Subscriber } from '../generated/prisma/client.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { audit } from '../lib/audit.js';
import { truncate } from '../lib/text.js';
import { parseLanguage, type KeywordMatch } from './keywords.js';
import { resolveDistrict, districtDisplayName } from '../districts/resolve-district.js';
import { countryFacts } from '../districts/countries.js';
import { subscriberCountry } from './phone.js';

type Ctx = Pick<AppContext, 'i18n' | 'places' | 'clock' | 'config'>;

/** How long a "did you mean …?" after an unsure JOIN waits for YES. */
export const PENDING_JOIN_MS = 24 * 3600_000;

export interface KeywordOutcome {
  reply: string | null;
  handledAs: string;
}

const actor = (s: Subscriber) => ({ actor: `subscriber:${s.id}`, actorType: 'sms' as const, entity: 'subscriber', entityId: s.id });

export async function handleKeyword(ctx: Ctx, tx: Tx, sub: Subscriber, kw: KeywordMatch): Promise<KeywordOutcome | null> {
  switch (kw.command) {
    case 'join':
      return join(ctx, tx, sub, kw.rest, 'keyword:join');
    case 'stop':
      return stop(ctx, tx, sub);
    case 'start':
      return start(ctx, tx, sub);
    case 'help': {
      const facts = countryFacts(ctx.config, await subscriberCountry(tx, sub));
      return { reply: ctx.i18n.t(sub.language, 'help.text', { emergency: facts.emergencyNumber }), handledAs: 'keyword:help' };
    }
    case 'lang':
      return lang(ctx, tx, sub, kw.rest);
    case 'yes':
      return yes(ctx, tx, sub);
    default:
      return null; // report and team commands belong to other features
  }
}

export async function join(ctx: Ctx, tx: Tx, sub: Subscriber, place: string, handledAs: string): Promise<KeywordOutcome> {
  const t = (key: string, vars?: Record<string, unknown>) => ctx.i18n.t(sub.language, key, vars);
  const now = ctx.clock.now();
  const askAgain = async (reply: string, outcome: string, suggested?: string) => {
    // Remember that we asked, so a bare district name in the next message completes the JOIN, and what we
    // suggested, so YES accepts it.
    const pending = suggested
      ? { pendingJoinPcode: suggested, pendingJoinUntil: new Date(now.getTime() + PENDING_JOIN_MS) }
      : { pendingJoinPcode: null, pendingJoinUntil: null };
    if (sub.status !== 'active' || suggested || sub.pendingJoinPcode) {
      await tx.subscriber.update({ where: { id: sub.id }, data: { ...(sub.status !== 'active' ? { status: 'pending' } : {}), ...pending } });
    }
    return { reply, handledAs: `${handledAs}:${outcome}` };
  };

  if (!place.trim()) return askAgain(t('join.askDistrict'), 'ask');
  const found = await resolveDistrict(ctx.places, tx, place);
  if (found.kind === 'none') return askAgain(t('join.unknownDistrict', { place: truncate(place, 40) }), 'unknown');
  if (found.kind === 'province') return askAgain(t('join.askDistrict'), 'province');
  const name = districtDisplayName(found.district, sub.language as Locale);
  if (found.kind === 'unsure') return askAgain(t('join.suggest', { district: name }), 'suggest', found.district.pcode);
  return subscribe(ctx, tx, sub, found.district, { confidence: found.confidence }, handledAs);
}

async function subscribe(ctx: Ctx, tx: Tx, sub: Subscriber, district: AdminUnit, details: Record<string, unknown>, handledAs: string): Promise<KeywordOutcome> {
  const now = ctx.clock.now();
  await tx.subscriber.update({
    where: { id: sub.id },
    data: {
      status: 'active',
      districtPcode: district.pcode,
      joinedAt: sub.status === 'active' && sub.districtPcode === district.pcode ? sub.joinedAt : now,
      optedOutAt: null,
      pendingJoinPcode: null,
      pendingJoinUntil: null,
      // Asking to join again undoes "press 9 to stop these calls" too.
      voiceOptedOutAt: null,
    },
  });
  await audit(tx, { ...actor(sub), action: 'subscriber.join', details: { district: district.pcode, from: sub.status, ...details } });
  const name = districtDisplayName(district, sub.language as Locale);
  return { reply: ctx.i18n.t(sub.language, 'join.confirmed', { district: name }), handledAs };
}

/**
 * YES (OK, 1, បាទ, ចាស, ແມ່ນ, SÍ…): accepts the district a "did you mean …?" offered. From a number that sent STOP
 * it opts back in, as carriers' YES does. Otherwise there is nothing to confirm: a number that never opted out is
 * not welcomed back.
 */
async function yes(ctx: Ctx, tx: Tx, sub: Subscriber): Promise<KeywordOutcome> {
  const now = ctx.clock.now();
  if (sub.pendingJoinPcode && sub.pendingJoinUntil && sub.pendingJoinUntil > now) {
    const district = await tx.adminUnit.findUnique({ where: { pcode: sub.pendingJoinPcode } });
    if (district) return subscribe(ctx, tx, sub, district, { accepted: 'suggestion' }, 'keyword:yes:join');
  }
  if (sub.status === 'opted_out') return start(ctx, tx, sub);
  return { reply: ctx.i18n.t(sub.language, 'yes.nothing'), handledAs: 'keyword:yes:nothing' };
}

async function stop(ctx: Ctx, tx: Tx, sub: Subscriber): Promise<KeywordOutcome> {
  // Confirm once: a second STOP gets silence, as carriers require.
  if (sub.status === 'opted_out') return { reply: null, handledAs: 'keyword:stop:repeat' };
  await tx.subscriber.update({ where: { id: sub.id }, data: { status: 'opted_out', optedOutAt: ctx.clock.now() } });
  // Nothing queued for this number may go out after STOP (alerts to team phones are not subscribers' rows).
  await tx.outboxMessage.updateMany({
    where: { subscriberId: sub.id, status: 'pending', kind: 'campaign' },
    data: { status: 'cancelled', lastError: 'recipient opted out' },
  });
  await audit(tx, { ...actor(sub), action: 'subscriber.opt_out', details: { from: sub.status } });
  return { reply: ctx.i18n.t(sub.language, 'stop.confirmed'), handledAs: 'keyword:stop' };
}

async function start(ctx: Ctx, tx: Tx, sub: Subscriber): Promise<KeywordOutcome> {
  const status = sub.districtPcode ? 'active' : 'inactive';
  await tx.subscriber.update({ where: { id: sub.id }, data: { status, optedOutAt: null, voiceOptedOutAt: null } });
  if (sub.status !== status) {
    await audit(tx, { ...actor(sub), action: 'subscriber.opt_in', details: { from: sub.status, to: status } });
  }
  if (!sub.districtPcode) return { reply: ctx.i18n.t(sub.language, 'start.needDistrict'), handledAs: 'keyword:start' };
  const district = await tx.adminUnit.findUnique({ where: { pcode: sub.districtPcode } });
  const name = district ? districtDisplayName(district, sub.language as Locale) : sub.districtPcode;
  return { reply: ctx.i18n.t(sub.language, 'start.confirmed', { district: name }), handledAs: 'keyword:start' };
}

async function lang(ctx: Ctx, tx: Tx, sub: Subscriber, arg: string): Promise<KeywordOutcome> {
  const locale = parseLanguage(arg);
  // After STOP only START and HELP are answered; a language change is still remembered.
  const silent = sub.status === 'opted_out';
  if (!locale) return { reply: silent ? null : ctx.i18n.t(sub.language, 'lang.unknown'), handledAs: 'keyword:lang:unknown' };
  await tx.subscriber.update({ where: { id: sub.id }, data: { language: locale, languageSource: 'chosen' } });
  return { reply: silent ? null : ctx.i18n.t(locale, 'lang.confirmed'), handledAs: 'keyword:lang' };
}
