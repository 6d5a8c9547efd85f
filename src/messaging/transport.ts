// The one seam between Hazardline and whoever carries SMS and calls. Plain types only: the outbox, IVR and
// tests speak this interface and never see a Twilio type, so the provider can be swapped or faked.

/**
 * What the dispatcher should do with a failed send:
 * - transient: retry with backoff (rate limits, provider outages, network trouble);
 * - permanent: give up on this message (retrying the same request gets the same answer);
 * - opted_out: the recipient sent STOP to the carrier; mark the subscriber opted out, never retry;
 * - invalid_number: the number itself is wrong or cannot take SMS; flag the subscriber, never retry.
 */
export type SendErrorKind = 'transient' | 'permanent' | 'opted_out' | 'invalid_number';

export interface SendError {
  kind: SendErrorKind;
  /** The provider's error code as text ('21610'), or null when there was no answer (network, timeout). */
  code: string | null;
  message: string;
  httpStatus?: number;
  /**
   * The request may have reached the provider although we got no answer (a timeout or a connection reset
   * after sending). Retrying could deliver twice, which the dispatcher accepts for alerts but not for campaigns.
   */
  maybeDelivered?: boolean;
}

export type SendResult =
  | { ok: true; providerId: string; status: 'queued' | 'sent' | 'delivered' }
  | { ok: false; error: SendError };

export interface SmsMessage {
  to: string;
  /** Overrides the configured sender (e.g. a per-district number); otherwise the transport's default. */
  from?: string | undefined;
  body: string;
  statusCallback?: string | undefined;
}

export interface CallRequest {
  to: string;
  from?: string | undefined;
  /** Inline TwiML; or twimlUrl for a flow served by our /ivr routes. Exactly one is needed. */
  twiml?: string | undefined;
  twimlUrl?: string | undefined;
  statusCallback?: string | undefined;
  /**
   * Answering-machine detection: the provider tells human from machine before the TwiML runs (and posts
   * AnsweredBy to twimlUrl). DetectMessageEnd waits for a machine's greeting to end, so a message left is heard.
   */
  machineDetection?: 'Enable' | 'DetectMessageEnd' | undefined;
}

/** Which messages the provider sent to `to` since `since` (optionally only those with exactly this body). */
export interface SentQuery {
  to: string;
  since: Date;
  /** The end of the window, so a number that gets many messages (a team phone) is searched in a bounded slice. */
  until?: Date | undefined;
  body?: string | undefined;
}

/** A message the provider has a record of, its status put in our coarse terms. */
export interface SentMessage {
  providerId: string;
  to: string;
  body: string;
  status: 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';
  /** The provider's own word for the status ('accepted', 'read'…). */
  providerStatus: string;
  errorCode: string | null;
  /** When the provider created it (it may not have left its queue yet). */
  createdAt: Date;
}

/** Newest first. An error means the provider could not be asked: nothing can be concluded from it. */
export type FindSentResult = { ok: true; messages: SentMessage[] } | { ok: false; error: SendError };

export interface Transport {
  readonly name: 'twilio' | 'dev';
  /** Never throws for provider or network failures: they come back as `{ ok: false, error }`. */
  sendSms(msg: SmsMessage): Promise<SendResult>;
  placeCall(call: CallRequest): Promise<SendResult>;
  /**
   * The provider's record of SMS sent to a number: how the outbox settles a send whose answer was lost
   * (timeout, reset) without sending it twice. Never throws, like sendSms.
   */
  findSent(query: SentQuery): Promise<FindSentResult>;
}

// Twilio error codes, https://www.twilio.com/docs/api/errors. Each entry says why it lands where it does.
const CODE_KIND: ReadonlyMap<number, SendErrorKind> = new Map<number, SendErrorKind>([
  // The recipient replied STOP: the carrier blocks us until they send START. Retrying is futile and unlawful.
  [21610, 'opted_out'],
  // "To" is not a valid phone number: fix the subscriber record, not the send.
  [21211, 'invalid_number'],
  // "To" is not a mobile number (landline): SMS can never reach it.
  [21614, 'invalid_number'],
  // Phone number does not appear to be valid.
  [21217, 'invalid_number'],
  // Invalid phone number (voice).
  [21401, 'invalid_number'],
  // This phone number type does not support SMS.
  [21407, 'invalid_number'],
  // Cannot route to this number: an account/carrier limitation, the number may be fine for someone else.
  [21612, 'permanent'],
  // Permission to send to this region is not enabled: an account setting, not fixed by waiting.
  [21408, 'permanent'],
  // Authentication failed: retrying with the same credentials fails the same way.
  [20003, 'permanent'],
  // Resource not found (wrong account SID or endpoint): a configuration error.
  [20404, 'permanent'],
  // Too many requests / concurrency limit: slow down and retry.
  [20429, 'transient'],
  [429, 'transient'],
  // Twilio internal error / service unavailable: their outage, retry later.
  [20500, 'transient'],
  [20503, 'transient'],
  // Message queue overflow: we sent faster than the sender's throughput; it drains, so retry.
  [30001, 'transient'],
  // Unknown error from the carrier: often momentary, worth another attempt (the dispatcher caps attempts).
  [30008, 'transient'],
]);

/**
 * Maps a provider error code (and the HTTP status it came with) to what the dispatcher should do.
 * No code and no status means we never got an answer (connection refused/reset, timeout): transient.
 */
export function classifyProviderError(code: number | string | null | undefined, httpStatus?: number): SendErrorKind {
  const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : NaN;
  const known = CODE_KIND.get(numeric);
  if (known) return known;
  // Other request (21xxx) and delivery (30xxx) errors describe this message or this number: the same
  // request would fail again, so do not burn attempts on it.
  if (numeric >= 21000 && numeric < 22000) return 'permanent';
  if (numeric >= 30000 && numeric < 31000) return 'permanent';
  if (httpStatus !== undefined) {
    // Rate limited or the provider failed: both clear with time.
    if (httpStatus === 429 || httpStatus >= 500) return 'transient';
    // Any other client error: our request is wrong and resending it unchanged will not help.
    if (httpStatus >= 400) return 'permanent';
  }
  // A numeric code we do not know, without a status: the provider answered and said no; do not spam it.
  if (Number.isFinite(numeric)) return 'permanent';
  // No answer at all (or a system code like 'ECONNRESET'): the network, which usually recovers.
  return 'transient';
}
