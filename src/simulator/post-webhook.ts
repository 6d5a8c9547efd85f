// Posts a form to this service's own Twilio webhook exactly as Twilio would: over HTTP, form-encoded, with a
// valid X-Twilio-Signature over PUBLIC_BASE_URL + path (the URL the webhook checks against) and the
// configured AccountSid. Nothing inside the service knows the post came from the simulator.
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { signTwilioRequest } from '../messaging/webhook-signature.js';

/** What the webhook accepts when no account is configured (development). */
export const DEV_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const TIMEOUT_MS = 15_000;

/**
 * Where this process listens, from the socket the simulator's own request came in on: it works on any port
 * (tests listen on an ephemeral one) and never leaves the machine, whatever PUBLIC_BASE_URL points at.
 */
export function selfBaseUrl(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

export async function postToWebhook(
  ctx: Pick<AppContext, 'config'>,
  o: { baseUrl: string; path: string; params: Record<string, string> },
): Promise<{ status: number; text: string }> {
  const params = { AccountSid: ctx.config.twilio.accountSid ?? DEV_ACCOUNT_SID, ...o.params };
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Hazardline-Simulator' };
  const token = ctx.config.twilio.authToken;
  // Without a token the webhook accepts unsigned posts (development); with one, the real check runs.
  if (token) headers['X-Twilio-Signature'] = signTwilioRequest({ authToken: token, url: `${ctx.config.publicBaseUrl}${o.path}`, params });
  const res = await fetch(`${o.baseUrl}${o.path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch((err: unknown) => {
    throw new AppError('unavailable', `The simulator could not reach the webhook ${o.path}: ${(err as Error).message}`);
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 204) {
    throw new AppError('unavailable', `The webhook ${o.path} answered ${res.status}`, { status: res.status, body: text.slice(0, 500) });
  }
  return { status: res.status, text };
}
