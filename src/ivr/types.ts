// The hotline's step machine speaks in plain data: what the caller hears (segments), what happens next
// (wait for a key, record, hang up) and what the call changed (effects). The webhook applies the effects in
// one transaction; the walk tool (npm run ivr:walk) only prints them.
import type { Locale } from '../config.js';
import type { PromptKey } from '../content/prompts.js';
import type { DeviceClass } from '../generated/prisma/enums.js';

export interface PlaceOption {
  pcode: string;
  nameEn: string;
  nameLocal: string | null;
  level: string;
}

/** The gazetteer as the menus need it: the units under a parent (null = provinces), in a stable order. */
export interface PlaceSource {
  children(parent: string | null, opts: { country?: string | undefined }): Promise<PlaceOption[]>;
}

export type Segment =
  | { prompt: PromptKey; locale?: Locale }
  /** A number read digit by digit (an emergency number, a report number). */
  | { digits: string }
  | { place: PlaceOption }
  /** A content-library voice message, by id. */
  | { message: string }
  /** The call's report number, known once the effects of this turn are applied. */
  | { reportNumber: true };

export type Step =
  | 'lang'
  | 'menu'
  | 'report.province'
  | 'report.district'
  | 'report.commune'
  | 'report.device'
  | 'report.casualties'
  | 'report.record'
  | 'messages'
  | 'sub.province'
  | 'sub.district'
  | 'sub.commune'
  | 'sub.confirm'
  | 'stop.confirm'
  | 'end';

/** Places chosen so far; null = "I don't know" (or no answer). Kept whole so a confirmation can name them. */
export interface PlaceAnswers {
  province?: PlaceOption | null;
  district?: PlaceOption | null;
  commune?: PlaceOption | null;
}

export interface CallState {
  step: Step;
  locale: Locale;
  /** Wrong keys or silences at this step so far (the prompt is repeated twice, then the call moves on). */
  tries: number;
  /** Page of a place list. */
  page: number;
  /** Index of the safety message being played. */
  msg: number;
  report: PlaceAnswers & { device?: DeviceClass; casualties?: boolean | null };
  sub: PlaceAnswers;
}

export type Effect =
  | { kind: 'setLanguage'; locale: Locale }
  /** Create the call's report, or update it with the answers so far. */
  | { kind: 'saveReport' }
  /** Send the report on its way (dedupe, team alert, referral for casualties), once. */
  | { kind: 'settleReport' }
  | { kind: 'subscribe'; district: string; commune: string | null }
  | { kind: 'optOut' };

export type Next = { gather: true } | { record: true } | { hangup: true };

export interface Turn {
  state: CallState;
  say: Segment[];
  next: Next;
  effects: Effect[];
}

export interface MachineEnv {
  places: PlaceSource;
  emergencyNumber: string;
  /** Content-library ids of the voice messages, in the order they are played. */
  voiceMessages: readonly string[];
  /** The caller's country (ISO alpha-2) from the number: provinces of that country are offered first. */
  country: string | undefined;
}

/** What every step handler gets: the environment and a way to move to another step. */
export interface StepCtx {
  env: MachineEnv;
  /** Enters `step` (tries and page reset unless given), with `before` said first and `effects` recorded. */
  go(step: Step, state: CallState, opts?: { before?: Segment[]; effects?: Effect[]; keep?: boolean }): Promise<Turn>;
}

export interface StepHandler {
  /** The screen of this step for the state (the state's step is already this one). */
  screen(ctx: StepCtx, state: CallState): Promise<{ say: Segment[]; next: Next }>;
  /** The caller pressed `digits` (null: silence); 'invalid' repeats the prompt (twice) then gives up. */
  answer(ctx: StepCtx, state: CallState, digits: string | null): Promise<Turn | 'invalid'>;
  /** After the prompt was repeated twice without a valid key. */
  giveUp(ctx: StepCtx, state: CallState): Promise<Turn>;
}
