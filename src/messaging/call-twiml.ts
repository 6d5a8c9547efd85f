// TwiML of the calls we place (campaign messages, alert calls): the stored message, then a one-key menu. Built
// with the SDK's VoiceResponse like every other TwiML, so text is always escaped.
import twilio from 'twilio';
import { voiceFor } from './twiml.js';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

/** One thing to tell the listener: a recording where there is one, else <Say> in a voice Twilio has. */
export interface Prompt {
  text: string;
  /** The listener's language; without a Twilio voice for it (km, lo) the text is read in English. */
  locale: string;
  /** A recording of the text (Khmer, Lao): played instead of reading it. */
  audioUrl?: string | null;
}

export interface KeyMenu {
  /** Absolute URL the pressed key (or silence, as an empty Digits) is posted to. */
  action: string;
  prompt: Prompt;
  /** Said when the menu ends without a post (Twilio always posts with actionOnEmptyResult; this is the net). */
  goodbye: Prompt;
  /** Seconds to wait for a key after the prompt. */
  timeoutSeconds?: number;
}

const MENU_TIMEOUT_SECONDS = 6;
const STORED_RESPONSE = /^\s*(?:<\?xml[^>]*\?>)?\s*<Response>([\s\S]*)<\/Response>\s*$/;

function say(into: VoiceResponse | ReturnType<VoiceResponse['gather']>, p: Prompt): void {
  if (p.audioUrl) {
    into.play({}, p.audioUrl);
    return;
  }
  const v = voiceFor(p.locale);
  into.say({ language: v.language, voice: v.voice }, p.text);
}

/**
 * The stored message TwiML (built by twiml.ts: <Say> twice or <Play loop=2>) with more verbs after it. The
 * stored document is our own SDK output, so its verbs are taken as they are and only the new ones are built here.
 * A body that is not a <Response> document (never written by us) contributes nothing rather than broken XML.
 */
function after(messageTwiml: string | null, build: (r: VoiceResponse) => void): string {
  const extra = new twilio.twiml.VoiceResponse();
  build(extra);
  const xml = extra.toString();
  const inner = messageTwiml ? STORED_RESPONSE.exec(messageTwiml)?.[1] : undefined;
  if (!inner) return xml;
  const open = xml.indexOf('<Response>');
  if (open < 0) {
    // An empty VoiceResponse serialises as <Response/>: the message alone.
    return xml.replace('<Response/>', `<Response>${inner}</Response>`);
  }
  const at = open + '<Response>'.length;
  return `${xml.slice(0, at)}${inner}${xml.slice(at)}`;
}

/** The message, any lead prompts ("that key is not in the menu"), then a one-key menu; silence or a key is posted to its action. */
export function messageWithMenuTwiml(messageTwiml: string | null, menu: KeyMenu, lead: Prompt[] = []): string {
  return after(messageTwiml, (r) => {
    for (const p of lead) say(r, p);
    const gather = r.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: menu.timeoutSeconds ?? MENU_TIMEOUT_SECONDS,
      action: menu.action,
      method: 'POST',
      actionOnEmptyResult: true,
    });
    say(gather, menu.prompt);
    say(r, menu.goodbye);
    r.hangup();
  });
}

/** An answering machine: the message once more is pointless, a menu nobody presses is noise. Message, note, hang up. */
export function voicemailTwiml(messageTwiml: string | null, note: Prompt | null): string {
  return after(messageTwiml, (r) => {
    if (note) say(r, note);
    r.hangup();
  });
}

/** Prompts in order, then hang up (a confirmation, a goodbye, "this call cannot continue"). */
export function promptsTwiml(prompts: Prompt[]): string {
  return after(null, (r) => {
    for (const p of prompts) say(r, p);
    r.hangup();
  });
}
