// TwiML for the voice hotline, built with the SDK's VoiceResponse so every text and URL is escaped. The hotline
// (src/ivr/) describes a screen as plain data; only this file knows Twilio's verbs, attributes and voices.
import twilio from 'twilio';
import { voiceFor } from './twiml.js';

/** One thing the caller hears: text read by Twilio's voice for a locale, a recording, or silence. */
export type VoiceItem = { say: string; locale: string } | { play: string } | { pause: number };

export type VoiceNext =
  /** Wait for one key (any of 0-9, * and #: '#' is not a "finish" key here, it means "next"). */
  | { gather: { action: string; timeoutSeconds: number } }
  | { record: { action: string; recordingStatusCallback: string; maxLengthSeconds: number } }
  | { redirect: string }
  | { hangup: true };

export interface VoiceScreen {
  items: VoiceItem[];
  next: VoiceNext;
}

type Response = InstanceType<typeof twilio.twiml.VoiceResponse>;
type Target = Pick<Response, 'say' | 'play' | 'pause'>;

function addItems(target: Target, items: VoiceItem[]) {
  for (const item of items) {
    if ('say' in item) {
      const v = voiceFor(item.locale);
      target.say({ language: v.language, voice: v.voice }, item.say);
    } else if ('play' in item) target.play(item.play);
    else target.pause({ length: Math.max(1, Math.round(item.pause)) });
  }
}

export function voiceScreenTwiml(screen: VoiceScreen): string {
  const response = new twilio.twiml.VoiceResponse();
  const { next } = screen;
  if ('gather' in next) {
    // Prompts are read inside <Gather> so a caller who knows the menu can press at once. actionOnEmptyResult
    // posts silence to the same action (Digits absent), so the hotline counts it like a wrong key.
    const gather = response.gather({
      input: ['dtmf'],
      numDigits: 1,
      finishOnKey: '',
      timeout: next.gather.timeoutSeconds,
      action: next.gather.action,
      method: 'POST',
      actionOnEmptyResult: true,
    });
    addItems(gather, screen.items);
  } else {
    addItems(response, screen.items);
    if ('record' in next) {
      response.record({
        action: next.record.action,
        method: 'POST',
        maxLength: next.record.maxLengthSeconds,
        timeout: 5,
        finishOnKey: '#*',
        playBeep: true,
        recordingStatusCallback: next.record.recordingStatusCallback,
        recordingStatusCallbackMethod: 'POST',
        recordingStatusCallbackEvent: ['completed'],
      });
    } else if ('redirect' in next) response.redirect({ method: 'POST' }, next.redirect);
    else response.hangup();
  }
  return response.toString();
}
