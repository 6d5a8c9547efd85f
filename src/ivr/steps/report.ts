// Reporting a device by keypad: where (province → district → commune), what, anyone hurt, then a recorded
// description. Every answer saves the report (the first one creates it), so a caller who hangs up half-way
// still leaves a report; it is sent to its team on entering the recording (all key answers known), or when
// the call ends first.
import type { DeviceClass } from '../../generated/prisma/enums.js';
import type { CallState, Effect, Segment, StepCtx, StepHandler, Turn } from '../types.js';
import { goToPlaces, placeStep } from './choice.js';

// The keypad's four answers in DeviceClass terms (IMAS 04.10). A villager who says "mine" means the kind
// that hurts people: anti-personnel mines are by far the most common find; the team sees the real type on site.
export const DEVICE_KEYS: Record<string, DeviceClass> = {
  '1': 'ap_mine',
  '2': 'uxo',
  '3': 'cluster_submunition',
  '4': 'unknown',
};

const SAVE: Effect = { kind: 'saveReport' };

const toDevice = (ctx: StepCtx, state: CallState) => ctx.go('report.device', state, { effects: [SAVE] });

const provinceStep = placeStep({
  question: 'report.province',
  unknownPrompt: 'choice.unknown',
  options: (ctx) => ctx.env.places.children(null, { country: ctx.env.country }),
  async pick(ctx, state, option) {
    const s = { ...state, report: { ...state.report, province: option, district: null, commune: null } };
    if (!option) return toDevice(ctx, s);
    return goToPlaces(ctx, 'report.district', s, option.pcode, () => toDevice(ctx, s), { effects: [SAVE] });
  },
});

const districtStep = placeStep({
  question: 'report.district',
  unknownPrompt: 'choice.unknown',
  options: (ctx, state) => ctx.env.places.children(state.report.province?.pcode ?? null, {}),
  async pick(ctx, state, option) {
    const s = { ...state, report: { ...state.report, district: option, commune: null } };
    if (!option) return toDevice(ctx, s);
    return goToPlaces(ctx, 'report.commune', s, option.pcode, () => toDevice(ctx, s), { effects: [SAVE] });
  },
});

const communeStep = placeStep({
  question: 'report.commune',
  unknownPrompt: 'choice.unknown',
  options: (ctx, state) => ctx.env.places.children(state.report.district?.pcode ?? null, {}),
  pick: (ctx, state, option) => toDevice(ctx, { ...state, report: { ...state.report, commune: option } }),
});

const deviceStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'report.device' }], next: { gather: true } }),
  async answer(ctx, state, digits) {
    const device = digits ? DEVICE_KEYS[digits] : undefined;
    if (!device) return 'invalid';
    return ctx.go('report.casualties', { ...state, report: { ...state.report, device } }, { effects: [SAVE] });
  },
  giveUp: (ctx, state) => ctx.go('report.casualties', { ...state, report: { ...state.report, device: 'unknown' } }, { effects: [SAVE] }),
};

/** Someone may be hurt: the emergency number comes before anything else. */
function emergency(ctx: StepCtx): Segment[] {
  return [{ prompt: 'report.emergency' }, { digits: ctx.env.emergencyNumber }, { prompt: 'report.emergencySafe' }];
}

function toRecording(ctx: StepCtx, state: CallState, casualties: boolean | null): Promise<Turn> {
  const s = { ...state, report: { ...state.report, casualties } };
  return ctx.go('report.record', s, {
    before: casualties === false ? [] : emergency(ctx),
    effects: [SAVE, { kind: 'settleReport' }],
  });
}

const casualtiesStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'report.casualties' }], next: { gather: true } }),
  async answer(ctx, state, digits) {
    if (digits === '1') return toRecording(ctx, state, true);
    if (digits === '2') return toRecording(ctx, state, false);
    return 'invalid';
  },
  // Not answered: not recorded as a casualty, but the emergency number is said anyway.
  giveUp: (ctx, state) => toRecording(ctx, state, null),
};

const thanks = (ctx: StepCtx, state: CallState) =>
  ctx.go('end', state, {
    before: [{ prompt: 'report.thanks' }, { reportNumber: true }, { prompt: 'report.sent' }],
    effects: [{ kind: 'settleReport' }],
  });

const recordStep: StepHandler = {
  screen: async () => ({ say: [{ prompt: 'report.record' }], next: { record: true } }),
  // The <Record> action: whatever was said (or not), the report stands.
  answer: (ctx, state) => thanks(ctx, state),
  giveUp: (ctx, state) => thanks(ctx, state),
};

export const reportSteps = {
  'report.province': provinceStep,
  'report.district': districtStep,
  'report.commune': communeStep,
  'report.device': deviceStep,
  'report.casualties': casualtiesStep,
  'report.record': recordStep,
} as const;
