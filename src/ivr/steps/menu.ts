// The language menu, the main menu, stopping messages and the end of a call.
import type { Locale } from '../../config.js';
import type { Segment, StepHandler } from '../types.js';
import { goToPlaces } from './choice.js';

// Each language is offered in its own words, in this order: 1 Khmer, 2 Lao, 3 Spanish, 4 English.
const LANG_KEYS: Record<string, Locale> = { '1': 'km', '2': 'lo', '3': 'es', '4': 'en' };

export const langStep: StepHandler = {
  async screen(_ctx, state) {
    const say: Segment[] = state.tries === 0 ? [{ prompt: 'welcome' }] : [];
    for (const locale of Object.values(LANG_KEYS)) say.push({ prompt: 'lang.choose', locale });
    return { say, next: { gather: true } };
  },
  async answer(ctx, state, digits) {
    const locale = digits ? LANG_KEYS[digits] : undefined;
    if (!locale) return 'invalid';
    return ctx.go('menu', { ...state, locale }, { effects: [{ kind: 'setLanguage', locale }] });
  },
  // No choice: go on in the language guessed from the number (not remembered as chosen).
  giveUp: (ctx, state) => ctx.go('menu', state),
};

export const menuStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'menu.main' }], next: { gather: true } }),
  async answer(ctx, state, digits) {
    switch (digits) {
      case '1': {
        // The safety advice first, before any question.
        const s = { ...state, report: {} };
        const before: Segment[] = [{ prompt: 'report.safety' }];
        return goToPlaces(ctx, 'report.province', s, null, () => ctx.go('report.device', s), { before });
      }
      case '2':
        if (ctx.env.voiceMessages.length === 0) return ctx.go('menu', state, { before: [{ prompt: 'messages.end' }] });
        return ctx.go('messages', { ...state, msg: 0 }, { before: [{ prompt: 'messages.intro' }] });
      case '3': {
        const s = { ...state, sub: {} };
        return goToPlaces(ctx, 'sub.province', s, null, () => ctx.go('end', s, { before: [{ prompt: 'sub.needPlace' }] }));
      }
      case '4':
        return ctx.go('stop.confirm', state);
      case '9':
        return ctx.go('lang', state);
      default:
        return 'invalid';
    }
  },
  giveUp: (ctx, state) => ctx.go('end', state),
};

export const stopStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'stop.confirm' }], next: { gather: true } }),
  async answer(ctx, state, digits) {
    if (digits === '1') return ctx.go('end', state, { before: [{ prompt: 'stop.done' }], effects: [{ kind: 'optOut' }] });
    if (digits === '2') return ctx.go('menu', state);
    return 'invalid';
  },
  // Nothing is stopped without a clear "1".
  giveUp: (ctx, state) => ctx.go('end', state),
};

export const endStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'goodbye' }], next: { hangup: true } }),
  answer: (ctx, state) => ctx.go('end', state),
  giveUp: (ctx, state) => ctx.go('end', state),
};
