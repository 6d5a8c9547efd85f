// The hotline as a step machine (pure: no database, no HTTP, no Twilio). A call is a CallState; each key press
// (or silence) moves it to the next state and yields what to say, what to wait for and what changed. The
// webhook (hotline.service.ts) and the walk tool (scripts/ivr-walk.ts) run the same machine.
//
//   lang ─▶ menu ─1─▶ report.province ─▶ report.district ─▶ report.commune ─▶ report.device ─▶ report.casualties ─▶ report.record ─▶ end
//               ─2─▶ messages (# next, * repeat, 0 menu)
//               ─3─▶ sub.province ─▶ sub.district ─▶ sub.commune ─▶ sub.confirm ─▶ end
//               ─4─▶ stop.confirm ─▶ end
//               ─9─▶ lang
//
// A wrong key or silence repeats the step's prompt twice, then the step gives up its own way (a place list
// takes "I don't know", the device "unknown", the main menu says goodbye).
import type { Locale } from '../config.js';
import type { CallState, MachineEnv, Segment, Step, StepCtx, StepHandler, Turn } from './types.js';
import { langStep, menuStep, stopStep, endStep } from './steps/menu.js';
import { reportSteps } from './steps/report.js';
import { messagesStep } from './steps/messages.js';
import { subscribeSteps } from './steps/subscribe.js';

/** Times a prompt is repeated after a wrong key or silence before the call moves on. */
export const MAX_RETRIES = 2;

const STEPS: Record<Step, StepHandler> = {
  lang: langStep,
  menu: menuStep,
  ...reportSteps,
  messages: messagesStep,
  ...subscribeSteps,
  'stop.confirm': stopStep,
  end: endStep,
};

export function initialState(locale: Locale): CallState {
  return { step: 'lang', locale, tries: 0, page: 0, msg: 0, report: {}, sub: {} };
}

function stepCtx(env: MachineEnv): StepCtx {
  const ctx: StepCtx = {
    env,
    async go(step, state, opts = {}) {
      const next: CallState = opts.keep ? { ...state, step } : { ...state, step, tries: 0, page: 0 };
      const screen = await STEPS[step].screen(ctx, next);
      return { state: next, say: [...(opts.before ?? []), ...screen.say], next: screen.next, effects: opts.effects ?? [] };
    },
  };
  return ctx;
}

/**
 * The first screen of a call. A caller whose language we know (chosen before, imported, or a subscriber who
 * joined) goes straight to the main menu; anyone else hears the language menu.
 */
export async function startCall(env: MachineEnv, opts: { knownLocale: Locale | null; guessedLocale: Locale }): Promise<Turn> {
  const ctx = stepCtx(env);
  if (opts.knownLocale) return ctx.go('menu', initialState(opts.knownLocale), { before: [{ prompt: 'welcome' }] });
  return ctx.go('lang', initialState(opts.guessedLocale));
}

/** The caller's answer at the current step: `digits` is what Twilio posted (null or '' for silence). */
export async function advance(env: MachineEnv, state: CallState, digits: string | null): Promise<Turn> {
  const ctx = stepCtx(env);
  const handler = STEPS[state.step] ?? STEPS.menu;
  const key = digits ? digits.trim().slice(0, 1) : null;
  const turn = await handler.answer(ctx, state, key || null);
  if (turn !== 'invalid') return turn;
  if (state.tries < MAX_RETRIES) {
    const retry: Segment[] = [{ prompt: 'retry' }];
    return ctx.go(state.step, { ...state, tries: state.tries + 1 }, { before: retry, keep: true });
  }
  return handler.giveUp(ctx, state);
}

/** The current step's screen again (a stale or unknown request, or a call resumed without its row). */
export async function currentScreen(env: MachineEnv, state: CallState): Promise<Turn> {
  return stepCtx(env).go(state.step, state, { keep: true });
}
