// Subscribing to warnings for an area by keypad: province → district → commune (0 = the whole district),
// then a confirmation naming the place. Without a district there is nothing to subscribe to.
import type { CallState, Segment, StepCtx, StepHandler } from '../types.js';
import { goToPlaces, placeStep } from './choice.js';

const needPlace = (ctx: StepCtx, state: CallState) => ctx.go('end', state, { before: [{ prompt: 'sub.needPlace' }] });

const provinceStep = placeStep({
  question: 'sub.province',
  unknownPrompt: 'choice.unknown',
  options: (ctx) => ctx.env.places.children(null, { country: ctx.env.country }),
  async pick(ctx, state, option) {
    if (!option) return needPlace(ctx, state);
    const s = { ...state, sub: { province: option } };
    return goToPlaces(ctx, 'sub.district', s, option.pcode, () => needPlace(ctx, s));
  },
});

const districtStep = placeStep({
  question: 'sub.district',
  unknownPrompt: 'choice.unknown',
  options: (ctx, state) => ctx.env.places.children(state.sub.province?.pcode ?? null, {}),
  async pick(ctx, state, option) {
    if (!option) return needPlace(ctx, state);
    const s = { ...state, sub: { ...state.sub, district: option, commune: null } };
    return goToPlaces(ctx, 'sub.commune', s, option.pcode, () => ctx.go('sub.confirm', s));
  },
});

const communeStep = placeStep({
  question: 'sub.commune',
  unknownPrompt: null,
  options: (ctx, state) => ctx.env.places.children(state.sub.district?.pcode ?? null, {}),
  pick: (ctx, state, option) => ctx.go('sub.confirm', { ...state, sub: { ...state.sub, commune: option } }),
});

const confirmStep: StepHandler = {
  async screen(_ctx, state) {
    const say: Segment[] = [{ prompt: 'sub.confirm' }];
    if (state.sub.commune) say.push({ place: state.sub.commune });
    if (state.sub.district) say.push({ place: state.sub.district });
    say.push({ prompt: 'sub.confirmKeys' });
    return { say, next: { gather: true } };
  },
  async answer(ctx, state, digits) {
    const district = state.sub.district;
    if (digits === '1' && district) {
      return ctx.go('end', state, {
        before: [{ prompt: 'sub.done' }],
        effects: [{ kind: 'subscribe', district: district.pcode, commune: state.sub.commune?.pcode ?? null }],
      });
    }
    if (digits === '2' || (digits === '1' && !district)) return ctx.go('sub.province', { ...state, sub: {} });
    return 'invalid';
  },
  // Never subscribe without a clear "1".
  giveUp: (ctx, state) => ctx.go('end', state),
};

export const subscribeSteps = {
  'sub.province': provinceStep,
  'sub.district': districtStep,
  'sub.commune': communeStep,
  'sub.confirm': confirmStep,
} as const;
