// A hotline call from the simulator: each turn posts to the real voice webhook as Twilio would (the first to
// /webhooks/twilio/voice, then to the step URL the last TwiML named, with the keys pressed), and reads the
// TwiML back into prompts. A <Redirect> is followed at once, as Twilio does; when the call hangs up, the status
// callback Twilio would send ("completed") is posted too, so the hotline settles the call's report.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { readCallTwiml, type Prompt } from '../messaging/read-twiml.js';
import { postToWebhook } from './post-webhook.js';
import type { SimulatorCallBody } from './simulator.schemas.js';

const MAX_REDIRECTS = 5;

export interface CallTurn {
  callSid: string;
  prompts: (Prompt | { say: string; language: string })[];
  gather: { numDigits: number; timeout: number } | null;
  record: boolean;
  hangup: boolean;
  next: string | null;
}

type Ctx = Pick<AppContext, 'config'>;

/** A URL from our TwiML as a path on this service, or null when it points elsewhere. */
function ownPath(ctx: Ctx, url: string): string | null {
  const base = ctx.config.publicBaseUrl;
  if (url.startsWith('/')) return url;
  return url.startsWith(`${base}/`) ? url.slice(base.length) : null;
}

export async function simulateCall(ctx: Ctx, o: { baseUrl: string; hotline: string; body: SimulatorCallBody }): Promise<CallTurn> {
  const callSid = o.body.callSid ?? `CA${randomBytes(16).toString('hex')}`;
  const common = { CallSid: callSid, From: o.body.from, To: o.hotline, Direction: 'inbound', CallStatus: 'in-progress' };
  let path = o.body.next ?? '/webhooks/twilio/voice';
  let params: Record<string, string> = { ...common, ...(o.body.next && o.body.digits !== undefined ? { Digits: o.body.digits } : {}) };
  const prompts: Prompt[] = [];

  for (let hop = 0; ; hop++) {
    const { text } = await postToWebhook(ctx, { baseUrl: o.baseUrl, path, params });
    let screen;
    try {
      screen = readCallTwiml(text);
    } catch (err) {
      throw new AppError('unavailable', `The hotline answered TwiML the simulator cannot read: ${(err as Error).message}`);
    }
    // Recordings are fetched by the browser from this service: same origin, whatever PUBLIC_BASE_URL is.
    prompts.push(...screen.prompts.map((p) => ('play' in p ? { play: ownPath(ctx, p.play) ?? p.play } : p)));
    if (screen.redirect && hop < MAX_REDIRECTS) {
      const next = ownPath(ctx, screen.redirect);
      if (!next) throw new AppError('unavailable', 'The hotline redirected the call away from this service');
      path = next;
      params = common;
      continue;
    }
    const action = screen.gather?.action ?? screen.record?.action ?? null;
    const next = action ? ownPath(ctx, action) : null;
    const hangup = screen.hangup || (!screen.gather && !screen.record && !screen.redirect);
    if (hangup) {
      await postToWebhook(ctx, { baseUrl: o.baseUrl, path: '/webhooks/twilio/voice/status', params: { ...common, CallStatus: 'completed', CallDuration: '60' } });
    }
    return {
      callSid,
      prompts,
      gather: screen.gather ? { numDigits: screen.gather.numDigits, timeout: screen.gather.timeout } : null,
      record: screen.record !== null,
      hangup,
      next: hangup ? null : next,
    };
  }
}
