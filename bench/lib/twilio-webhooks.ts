// Webhook requests as Twilio sends them: form-encoded and signed with X-Twilio-Signature over
// PUBLIC_BASE_URL + path (what the service checks), for the load generator.
import twilio from 'twilio';
import type { LoadRequest } from './load.js';

export interface SignedWebhookOptions {
  /** The service's PUBLIC_BASE_URL: the signature covers it, not the address we connect to. */
  publicBaseUrl: string;
  authToken: string;
  path: string;
  params: Record<string, string>;
}

export function signedWebhook(o: SignedWebhookOptions): LoadRequest {
  const url = `${o.publicBaseUrl.replace(/\/+$/, '')}${o.path}`;
  return {
    path: o.path,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(o.authToken, url, o.params),
      'user-agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(o.params).toString(),
  };
}

/** A 34-character MessageSid (SM + 32 hex) from a run tag and a number, so retries reuse it. */
export function messageSid(runTag: string, i: number): string {
  const hex = Buffer.from(runTag).toString('hex');
  return `SM${(hex + i.toString(16).padStart(12, '0')).slice(-32).padStart(32, '0')}`;
}

/** The fields of an inbound SMS webhook (Twilio posts more; these are the ones the service reads). */
export function inboundSmsParams(o: { accountSid: string; messageSid: string; from: string; to: string; body: string }): Record<string, string> {
  return {
    ToCountry: 'KH',
    SmsMessageSid: o.messageSid,
    NumMedia: '0',
    SmsSid: o.messageSid,
    SmsStatus: 'received',
    Body: o.body,
    To: o.to,
    NumSegments: '1',
    MessageSid: o.messageSid,
    AccountSid: o.accountSid,
    From: o.from,
    ApiVersion: '2010-04-01',
  };
}
