// One hotline turn per webhook, in one short transaction: lock the call's row (created on the first post),
// run the step machine, apply its effects, store the new state and the TwiML, answer.
//
// Report creation, routing and referral happen inline here rather than in a worker: a hotline takes a few
// calls an hour, not SMS bursts, each turn touches a handful of rows (well under the 15 s Twilio waits), and
// doing it in the turn's transaction is what makes it exactly-once (the call row's lock and turn number
// guard it) and lets the caller hear their report number before hanging up.
//
// Idempotency: every TwiML we answer names the next turn in its action URL (?t=<n>). A post for the call's
// current turn runs it; any other post (Twilio retrying a turn we answered, or a stale request) gets the last
// TwiML again and changes nothing.
import type { IvrCall, Subscriber } from '../generated/prisma/client.js';
import type { Prisma, Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../config.js';
import { isLocale } from '../lib/i18n.js';
import { voiceScreenTwiml, type VoiceScreen } from '../messaging/voice-twiml.js';
import { loadContentLibrary, type ContentLibrary } from '../content/library.js';
import { countryOfPhone } from '../subscribers/phone.js';
import { guessLocale } from '../subscribers/language.js';
import { countryFacts } from '../districts/countries.js';
import { districtDisplayName } from '../districts/resolve-district.js';
import { advance, startCall, currentScreen } from './machine.js';
import { spokenParts, voiceItems } from './render.js';
import { dbPlaces } from './places.js';
import { applyEffects } from './effects.js';
import type { CallState, MachineEnv, Turn } from './types.js';

/** Seconds Twilio waits for a key after a prompt. */
export const GATHER_TIMEOUT_SECONDS = 6;
export const RECORD_MAX_SECONDS = 120;

export interface VoicePost {
  callSid: string;
  from: string;
  to: string;
  digits: string | null;
}

let library: ContentLibrary | undefined;
function contentLibrary(): ContentLibrary {
  library ??= loadContentLibrary();
  return library;
}

export function voiceMessageIds(lib: ContentLibrary): string[] {
  return lib.messages.filter((m) => m.channels.includes('voice') && m.voice).map((m) => m.id);
}

export function machineEnv(ctx: Pick<AppContext, 'config'>, places: MachineEnv['places'], phone: string): MachineEnv {
  const country = phone.startsWith('+') ? countryOfPhone(phone) : undefined;
  return {
    places,
    // The caller's country's number (config/countries.json), EMERGENCY_NUMBER where it gives none.
    emergencyNumber: countryFacts(ctx.config, country).emergencyNumber,
    voiceMessages: voiceMessageIds(contentLibrary()),
    country,
  };
}

/** A caller hears the language menu unless their language is known: chosen, imported, or set with a join. */
export function knownLocale(sub: Subscriber | null): Locale | null {
  if (!sub || !isLocale(sub.language)) return null;
  return sub.languageSource !== 'guessed' || sub.status === 'active' ? sub.language : null;
}

async function callerSubscriber(ctx: AppContext, tx: Tx, phone: string): Promise<Subscriber | null> {
  // Withheld numbers ("anonymous", "+266696687") have nobody to remember.
  if (!/^\+\d{6,15}$/.test(phone)) return null;
  const existing = await tx.subscriber.findUnique({ where: { phone } });
  if (existing) return existing;
  const language = guessLocale({ text: '', phone, defaultLocale: ctx.config.defaultLocale, localeOf: (c) => countryFacts(ctx.config, c).locale });
  return tx.subscriber.create({ data: { phone, language, languageSource: 'guessed', source: 'voice' } });
}

async function lockCall(tx: Tx, post: VoicePost, now: Date): Promise<IvrCall> {
  await tx.$executeRaw`
    INSERT INTO ivr_calls (call_sid, from_phone, to_phone, step, updated_at, created_at)
    VALUES (${post.callSid}, ${post.from}, ${post.to}, 'new', ${now}, ${now})
    ON CONFLICT (call_sid) DO NOTHING`;
  await tx.$queryRaw`SELECT id FROM ivr_calls WHERE call_sid = ${post.callSid} FOR UPDATE`;
  return tx.ivrCall.findUniqueOrThrow({ where: { callSid: post.callSid } });
}

function screenOf(ctx: AppContext, turn: Turn, nextTurn: number, render: Parameters<typeof spokenParts>[2]): VoiceScreen {
  const base = ctx.config.publicBaseUrl;
  const items = voiceItems(spokenParts(turn.say, turn.state.locale, render), base);
  const action = `${base}/webhooks/twilio/voice/step?s=${turn.state.step}&t=${nextTurn}`;
  if ('gather' in turn.next) return { items, next: { gather: { action, timeoutSeconds: GATHER_TIMEOUT_SECONDS } } };
  if ('record' in turn.next) {
    return {
      items,
      next: { record: { action, recordingStatusCallback: `${base}/webhooks/twilio/voice/recording`, maxLengthSeconds: RECORD_MAX_SECONDS } },
    };
  }
  return { items, next: { hangup: true } };
}

/**
 * Answers a hotline post: the incoming call (`turn` null) or a key press / finished recording for `turn`.
 * Returns the TwiML.
 */
export async function answerVoice(ctx: AppContext, post: VoicePost, turnNo: number | null): Promise<string> {
  return ctx.prisma.$transaction(async (tx) => {
    const now = ctx.clock.now();
    const call = await lockCall(tx, post, now);
    const fresh = call.turn === 0;
    // A retry, or a post for a turn that is not the current one: the last answer again, nothing else.
    if (!fresh && turnNo !== call.turn && call.lastTwiml) return call.lastTwiml;

    const sub = call.subscriberId
      ? await tx.subscriber.findUnique({ where: { id: call.subscriberId } })
      : await callerSubscriber(ctx, tx, post.from);
    const env = machineEnv(ctx, dbPlaces(tx), post.from);
    const state = call.state as unknown as CallState;
    let turn: Turn;
    if (fresh) {
      const guessed = sub && isLocale(sub.language) ? sub.language : guessLocale({ text: '', phone: post.from, defaultLocale: ctx.config.defaultLocale });
      turn = await startCall(env, { knownLocale: knownLocale(sub), guessedLocale: guessed });
    } else if (turnNo === call.turn) {
      turn = await advance(env, state, post.digits);
    } else {
      turn = await currentScreen(env, state);
    }

    const refs = await applyEffects(ctx, tx, { call, sub }, turn.state, turn.effects);
    const district = refs.sub?.districtPcode ? await tx.adminUnit.findUnique({ where: { pcode: refs.sub.districtPcode } }) : null;
    const nextTurn = call.turn + 1;
    const twiml = voiceScreenTwiml(
      screenOf(ctx, turn, nextTurn, {
        t: ctx.i18n.t,
        baseUrl: ctx.config.publicBaseUrl,
        library: contentLibrary(),
        messageVars: {
          district: district ? districtDisplayName(district, turn.state.locale) : ctx.i18n.t(turn.state.locale, 'ivr:words.yourArea'),
          hotline: ctx.config.campaigns.hotline,
        },
        reportNumber: refs.call.reportId,
      }),
    );
    await tx.ivrCall.update({
      where: { id: call.id },
      data: {
        subscriberId: refs.sub?.id ?? null,
        locale: turn.state.locale,
        step: turn.state.step,
        state: turn.state as unknown as Prisma.InputJsonValue,
        turn: nextTurn,
        lastTwiml: twiml,
      },
    });
    return twiml;
  });
}
