// SMS that victim assistance answers, checked by the inbound worker before anything else (and before a
// subscriber is made for the sender): a provider's `REF 12 ACCEPT|START|DONE|DECLINE` (in any of the four
// languages) and a survivor's or family's "1", "2" or "3" to a check-in. Anything else is left to the others.
import type { AppContext } from '../context.js';
import type { Tx } from '../lib/db.js';
import type { VaFollowUp } from '../generated/prisma/client.js';
import { AppError } from '../lib/errors.js';
import { moveReferral } from './referral-status.js';
import { raiseTask } from './tasks.service.js';
import type { ReferralStatus } from './vocab.js';
import { countryFacts } from '../districts/countries.js';
import { countryOfPhone } from '../subscribers/phone.js';

type Ctx = Pick<AppContext, 'i18n' | 'clock' | 'config'>;

export interface VictimsReply {
  reply: string | null;
  handledAs: string;
  locale: string | null;
}

const ACTIONS = { accept: 'accepted', start: 'in_progress', done: 'completed', decline: 'declined' } as const satisfies Record<string, ReferralStatus>;
type Action = keyof typeof ACTIONS;
/** A late answer still counts this long after the check-in went out. */
const ANSWER_WINDOW_DAYS = 30;

interface CommandWords {
  ref: RegExp;
  actions: [Action, string][];
}
const compiled = new WeakMap<object, CommandWords>();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DIGITS = '0-9០-៩໐-໙';
const toAscii = (s: string) => [...s].map((c) => {
  const cp = c.codePointAt(0)!;
  return cp >= 0x17e0 && cp <= 0x17e9 ? String(cp - 0x17e0) : cp >= 0x0ed0 && cp <= 0x0ed9 ? String(cp - 0x0ed0) : c;
}).join('');

/** The REF words of every locale (locales/<lng>/victims.json "commands"), compiled once per resource set. */
function words(ctx: Ctx): CommandWords {
  const resources = ctx.i18n.resources;
  let w = compiled.get(resources);
  if (w) return w;
  const refs = new Set<string>();
  const actions: [Action, string][] = [];
  for (const lng of Object.keys(resources)) {
    const c = (resources[lng]?.victims as { commands?: Record<string, string[]> } | undefined)?.commands ?? {};
    for (const r of c.ref ?? []) refs.add(r.toLowerCase());
    for (const a of Object.keys(ACTIONS) as Action[]) for (const word of c[a] ?? []) actions.push([a, word.toLowerCase()]);
  }
  actions.sort((a, b) => b[1].length - a[1].length);
  const refAlt = [...refs].sort((a, b) => b.length - a.length).map(escape).join('|');
  w = { ref: new RegExp(`^\\s*(?:${refAlt})\\s*#?\\s*([${DIGITS}]{1,9})\\s*(.*)$`, 'isu'), actions };
  compiled.set(resources, w);
  return w;
}

export function parseReferralCommand(ctx: Ctx, body: string): { referralId: number; action: Action | null; rest: string } | null {
  const w = words(ctx);
  const m = w.ref.exec(body.normalize('NFC'));
  if (!m) return null;
  const tail = m[2]!.trim();
  const lower = tail.toLowerCase();
  const hit = w.actions.find(([, word]) => lower.startsWith(word) && !/^[\p{Script=Latin}]/u.test(lower.slice(word.length)));
  return { referralId: Number(toAscii(m[1]!)), action: hit?.[0] ?? null, rest: hit ? tail.slice(hit[1].length).trim() : tail };
}

const ANSWER_RE = /^\s*([123១២៣໑໒໓])\s*[.!]?\s*$/u;

export async function handleVictimsSms(ctx: Ctx, tx: Tx, msg: { body: string; fromPhone: string }): Promise<VictimsReply | null> {
  const cmd = parseReferralCommand(ctx, msg.body);
  if (cmd) return providerReply(ctx, tx, msg.fromPhone, cmd);
  const answer = ANSWER_RE.exec(msg.body);
  if (answer) return followUpAnswer(ctx, tx, msg.fromPhone, toAscii(answer[1]!) as '1' | '2' | '3');
  return null;
}

async function providerReply(ctx: Ctx, tx: Tx, fromPhone: string, cmd: { referralId: number; action: Action | null }): Promise<VictimsReply | null> {
  const providers = await tx.vaServiceProvider.findMany({ where: { phone: fromPhone, active: true } });
  // Not a provider's phone: a villager's text starting with "ref…" is for the others (a report, most likely).
  if (providers.length === 0) return null;
  const locale = providers[0]!.language;
  const t = (k: string, v?: Record<string, unknown>) => ctx.i18n.t(locale, k, v);
  if (!cmd.action) return { reply: t('victims:provider.usage'), handledAs: 'victims:ref:usage', locale };
  const referral = await tx.vaReferral.findUnique({ where: { id: cmd.referralId } });
  if (!referral || !providers.some((p) => p.id === referral.providerId)) {
    return { reply: t('victims:provider.notYours', { number: cmd.referralId }), handledAs: 'victims:ref:not_yours', locale };
  }
  const to = ACTIONS[cmd.action];
  try {
    await moveReferral(tx, referral, to, {
      actor: { id: `provider:${referral.providerId}`, type: 'provider' }, at: ctx.clock.now(),
      ...(to === 'declined' ? { reason: 'declined by the provider (SMS)' } : {}),
      ...(to === 'completed' ? { outcome: 'service completed (provider SMS)' } : {}),
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      return { reply: t('victims:provider.cannot', { number: referral.id, status: t(`victims:status.${referral.status}`) }), handledAs: 'victims:ref:conflict', locale };
    }
    throw err;
  }
  return { reply: t('victims:provider.done', { number: referral.id, status: t(`victims:status.${to}`) }), handledAs: `victims:ref:${cmd.action}`, locale };
}

async function followUpAnswer(ctx: Ctx, tx: Tx, fromPhone: string, answer: '1' | '2' | '3'): Promise<VictimsReply | null> {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - ANSWER_WINDOW_DAYS * 86_400_000);
  const [f] = await tx.$queryRaw<Pick<VaFollowUp, 'id'>[]>`
    SELECT f.id FROM va_follow_ups f JOIN casualties c ON c.id = f.casualty_id
    WHERE c.contact_phone = ${fromPhone} AND c.erased_at IS NULL AND f.status IN ('sent', 'unanswered') AND f.last_sent_at >= ${since}
    ORDER BY f.last_sent_at DESC, f.id DESC LIMIT 1
    FOR UPDATE OF f`;
  if (!f) return null;
  const followUp = await tx.vaFollowUp.update({ where: { id: f.id }, data: { status: 'answered', answer, answeredAt: now } });
  const casualty = await tx.casualty.findUniqueOrThrow({ where: { id: followUp.casualtyId } });
  const referral = await tx.vaReferral.findUniqueOrThrow({ where: { id: followUp.referralId } });
  const actor = { id: `casualty:${casualty.id}`, type: 'contact' as const };
  if (answer === '1' && (referral.status === 'pending' || referral.status === 'accepted')) {
    await moveReferral(tx, referral, 'in_progress', { actor, at: now, note: `reached the service (${followUp.kind} check-in)` });
  } else {
    await tx.vaReferralEvent.create({
      data: { referralId: referral.id, fromStatus: referral.status, toStatus: referral.status, actor: actor.id, actorType: actor.type, at: now, note: `${followUp.kind} check-in answered ${answer}` },
    });
  }
  if (answer !== '1') {
    await raiseTask(tx, {
      kind: answer === '3' ? 'help_requested' : 'not_reached', casualtyId: casualty.id, referralId: referral.id, followUpId: followUp.id,
      note: answer === '3' ? `asked for help in the ${followUp.kind} check-in` : `did not reach the service (${followUp.kind} check-in)`, at: now,
    });
  }
  const locale = casualty.language;
  return { reply: ctx.i18n.t(locale, `victims:followUp.answer${answer}`, { emergency: countryFacts(ctx.config, countryOfPhone(fromPhone) ?? ctx.config.defaultCountry).emergencyNumber }), handledAs: `victims:follow_up:${answer}`, locale };
}
