// Choosing a place by keypad: the gazetteer's units under a parent read as numbered choices.
// Up to 9 units: keys 1-9. More than 9: pages of 8 (keys 1-8) and 9 = the next page (after the last page, the
// first again). 0 = "I don't know" (in the subscription's commune list: "the whole district"), * = hear this
// page again. Anything else counts as a wrong key.
import type { PromptKey } from '../../content/prompts.js';
import type { CallState, PlaceOption, Segment, Step, StepCtx, StepHandler, Turn } from '../types.js';

const MAX_ON_ONE_PAGE = 9;
const PER_PAGE = 8;

export function pageOf(options: readonly PlaceOption[], page: number) {
  if (options.length <= MAX_ON_ONE_PAGE) {
    return { items: options.map((option, i) => ({ digit: String(i + 1), option })), more: false, pages: 1, page: 0 };
  }
  const pages = Math.ceil(options.length / PER_PAGE);
  const p = ((page % pages) + pages) % pages;
  const items = options.slice(p * PER_PAGE, (p + 1) * PER_PAGE).map((option, i) => ({ digit: String(i + 1), option }));
  return { items, more: true, pages, page: p };
}

export interface PlaceStepSpec {
  question: PromptKey;
  /** Said after the list for 0; null when the question itself says what 0 means. */
  unknownPrompt: PromptKey | null;
  options(ctx: StepCtx, state: CallState): Promise<PlaceOption[]>;
  /** The caller chose a unit, or null: 0, or no valid key after the repeats. */
  pick(ctx: StepCtx, state: CallState, option: PlaceOption | null): Promise<Turn>;
}

export function placeStep(spec: PlaceStepSpec): StepHandler {
  return {
    async screen(ctx, state) {
      const { items, more } = pageOf(await spec.options(ctx, state), state.page);
      const say: Segment[] = [{ prompt: spec.question }];
      for (const { digit, option } of items) say.push({ place: option }, { prompt: 'choice.press' }, { digits: digit });
      if (more) say.push({ prompt: 'choice.more' });
      if (spec.unknownPrompt) say.push({ prompt: spec.unknownPrompt });
      return { say, next: { gather: true } };
    },
    async answer(ctx, state, digits) {
      if (digits === '0') return spec.pick(ctx, state, null);
      const options = await spec.options(ctx, state);
      const { items, more, page, pages } = pageOf(options, state.page);
      if (digits === '*') return ctx.go(state.step, { ...state, tries: 0 }, { keep: true });
      if (digits === '9' && more) return ctx.go(state.step, { ...state, tries: 0, page: (page + 1) % pages }, { keep: true });
      const hit = items.find((i) => i.digit === digits);
      return hit ? spec.pick(ctx, state, hit.option) : 'invalid';
    },
    giveUp: (ctx, state) => spec.pick(ctx, state, null),
  };
}

/** Goes to a place step when the gazetteer has units under `parent`, else does `otherwise` (a shorter path). */
export async function goToPlaces(
  ctx: StepCtx,
  step: Step,
  state: CallState,
  parent: string | null,
  otherwise: () => Promise<Turn>,
  opts: Parameters<StepCtx['go']>[2] = {},
): Promise<Turn> {
  const children = await ctx.env.places.children(parent, { country: ctx.env.country });
  if (children.length === 0) {
    const turn = await otherwise();
    return { ...turn, say: [...(opts.before ?? []), ...turn.say], effects: [...(opts.effects ?? []), ...turn.effects] };
  }
  return ctx.go(step, state, opts);
}
