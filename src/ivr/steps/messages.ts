// Hearing the content library's voice messages one after another: # (or silence) the next one, * this one
// again, 0 back to the main menu. After the last one the caller is back at the main menu.
import type { StepHandler, Turn, StepCtx, CallState } from '../types.js';

function nextMessage(ctx: StepCtx, state: CallState): Promise<Turn> {
  const msg = state.msg + 1;
  if (msg >= ctx.env.voiceMessages.length) return ctx.go('menu', state, { before: [{ prompt: 'messages.end' }] });
  return ctx.go('messages', { ...state, msg });
}

export const messagesStep: StepHandler = {
  async screen(ctx, state) {
    const id = ctx.env.voiceMessages[Math.min(state.msg, ctx.env.voiceMessages.length - 1)];
    return { say: id ? [{ message: id }] : [{ prompt: 'messages.end' }], next: { gather: true } };
  },
  async answer(ctx, state, digits) {
    if (digits === null || digits === '#') return nextMessage(ctx, state);
    if (digits === '*') return ctx.go('messages', state);
    if (digits === '0') return ctx.go('menu', state);
    return 'invalid';
  },
  giveUp: (ctx, state) => nextMessage(ctx, state),
};
