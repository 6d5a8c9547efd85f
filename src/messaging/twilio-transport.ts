// The production transport: the real Twilio SDK. Everything Twilio-shaped (clients, exceptions, instances)
// stays in this file; callers get a SendResult and never a thrown provider error.
import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { maskPhonesIn } from '../lib/logger.js';
import {
  classifyProviderError, type CallRequest, type FindSentResult, type SendError, type SendResult, type SentMessage, type SentQuery,
  type SmsMessage, type Transport,
} from './transport.js';

export interface TwilioTransportOptions {
  accountSid: string;
  authToken: string;
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** A Twilio-compatible API (our fake in tests and benchmarks, a regional proxy): replaces https://api.twilio.com. */
  apiBaseUrl?: string | undefined;
  /** Per request; a send that hangs longer counts as transient. */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 15_000;
// The SDK addresses api.twilio.com, or api.<edge>.<region>.twilio.com when TWILIO_EDGE/TWILIO_REGION are set
// in the environment (it reads them itself); all of them must go to the configured base URL.
const TWILIO_API_HOST = /^api(\.[a-z0-9-]+)*\.twilio\.com$/i;
const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
/** Enough for every message one number got in a few minutes; a lookup never pages through history. */
// A team phone may get hundreds of alerts in the reconcile window during a flood of reports: page through up to
// this many (1,000 a page), inside [since, until], rather than trusting only the newest few.
const FIND_LIMIT = 5_000;
// Twilio's message statuses in the Transport's terms.
const LISTED_STATUS: Record<string, SentMessage['status']> = {
  accepted: 'queued', scheduled: 'queued', queued: 'queued', sending: 'sent', sent: 'sent',
  delivered: 'delivered', read: 'delivered', undelivered: 'undelivered', failed: 'failed', canceled: 'failed',
};

/**
 * The SDK's HTTP client with the origin rewritten. The SDK builds absolute https://api.twilio.com URIs and
 * offers no base-URL option, but it does accept an httpClient: rewriting here keeps path, query, auth and
 * body encoding exactly as the SDK produced them.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, opts: RequestClient.RequestClientOptions) {
    super(opts);
    this.base = new URL(baseUrl);
    // The SDK configures only an https agent; for an http:// base (the loopback fake) give axios a
    // keep-alive agent of our own rather than sharing Node's global one with the rest of the process.
    if (this.base.protocol === 'http:') {
      this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    }
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: rewriteOrigin(opts.uri, this.base) });
  }
}

function rewriteOrigin(uri: string, base: URL): string {
  const u = new URL(uri);
  if (!TWILIO_API_HOST.test(u.hostname)) return uri;
  // Keep any path prefix of the base (a proxy mounted under /twilio) in front of the SDK's path.
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${u.pathname}${u.search}`;
}

export function createTwilioTransport(opts: TwilioTransportOptions): Transport {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // autoRetry off: the SDK would sleep and resend 429s inside our call, hiding them from the dispatcher,
  // which owns retries, backoff and pacing for all instances.
  const clientOpts: RequestClient.RequestClientOptions = { timeout, autoRetry: false, keepAlive: true };
  const httpClient = opts.apiBaseUrl
    ? new BaseUrlRequestClient(opts.apiBaseUrl, clientOpts)
    : new twilio.RequestClient(clientOpts);
  const client = twilio(opts.accountSid, opts.authToken, { httpClient, autoRetry: false, timeout });

  return {
    name: 'twilio',

    async sendSms(msg: SmsMessage): Promise<SendResult> {
      // A Messaging Service picks the sender from its pool; an explicit per-message sender still wins.
      const sender = opts.messagingServiceSid
        ? { messagingServiceSid: opts.messagingServiceSid, ...(msg.from ? { from: msg.from } : {}) }
        : { from: msg.from ?? opts.from };
      if (!('messagingServiceSid' in sender) && !sender.from) {
        return configError('no sender: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID');
      }
      try {
        const m = await client.messages.create({
          to: msg.to,
          body: msg.body,
          ...sender,
          ...(msg.statusCallback ? { statusCallback: msg.statusCallback } : {}),
        });
        return toResult(m.sid, m.status, m.errorCode, m.errorMessage);
      } catch (err) {
        return { ok: false, error: toSendError(err) };
      }
    },

    async findSent(q: SentQuery): Promise<FindSentResult> {
      type Listed = { sid: string; to: string; body: string; status: string; direction: string; errorCode: number | null; dateCreated: Date; dateSent: Date | null };
      const pick = (list: Listed[]) =>
        list.filter((m) => m.direction.startsWith('outbound') && m.to === q.to && (q.body === undefined || m.body === q.body));
      try {
        // DateSent> matches what has left Twilio's queue; that is what the dispatcher mostly looks for.
        const sent = pick(await client.messages.list({ to: q.to, dateSentAfter: q.since, ...(q.until ? { dateSentBefore: q.until } : {}), limit: FIND_LIMIT, pageSize: 1000 }));
        let found = sent;
        if (found.length === 0) {
          // A message still queued at Twilio has no date_sent and escapes that filter: look at the newest few.
          // Newest first: page back until past the window, so a flood of later messages cannot hide it.
          const recent = pick(await client.messages.list({ to: q.to, limit: FIND_LIMIT, pageSize: 1000 }));
          found = recent.filter((m) => !m.dateSent && m.dateCreated >= new Date(q.since.getTime() - 1000));
        }
        const messages = found.map((m): SentMessage => ({
          providerId: m.sid,
          to: m.to,
          body: m.body,
          status: LISTED_STATUS[m.status] ?? 'queued',
          providerStatus: m.status,
          errorCode: m.errorCode != null ? String(m.errorCode) : null,
          createdAt: m.dateCreated,
        }));
        return { ok: true, messages };
      } catch (err) {
        return { ok: false, error: toSendError(err) };
      }
    },

    async placeCall(call: CallRequest): Promise<SendResult> {
      // Calls do not go through Messaging Services: a caller ID is required.
      const from = call.from ?? opts.from;
      if (!from) return configError('no caller ID: set TWILIO_FROM to place calls');
      if (!call.twiml && !call.twimlUrl) return configError('a call needs twiml or twimlUrl');
      try {
        const c = await client.calls.create({
          to: call.to,
          from,
          ...(call.twiml ? { twiml: call.twiml } : { url: call.twimlUrl as string, method: 'POST' }),
          // Synchronous AMD: Twilio fetches the URL once it knows who answered (AnsweredBy), so the TwiML can differ.
          ...(call.machineDetection ? { machineDetection: call.machineDetection } : {}),
          ...(call.statusCallback
            ? { statusCallback: call.statusCallback, statusCallbackEvent: CALL_EVENTS, statusCallbackMethod: 'POST' }
            : {}),
        });
        return toResult(c.sid, c.status, null, null);
      } catch (err) {
        return { ok: false, error: toSendError(err) };
      }
    },
  };
}

function configError(message: string): SendResult {
  return { ok: false, error: { kind: 'permanent', code: null, message } };
}

/** Messages: accepted/scheduled/queued → queued, sending/sent → sent. Calls: queued/initiated/ringing… → queued. */
function toResult(sid: string, status: string, errorCode: number | null, errorMessage: string | null): SendResult {
  switch (status) {
    case 'sending':
    case 'sent':
      return { ok: true, providerId: sid, status: 'sent' };
    case 'delivered':
    case 'completed':
      return { ok: true, providerId: sid, status: 'delivered' };
    case 'failed':
    case 'undelivered':
    case 'canceled':
    case 'busy':
    case 'no-answer': {
      // Rare on create, but Twilio can reject synchronously with a 201 and a failed status.
      const kind = errorCode != null ? classifyProviderError(errorCode) : 'permanent';
      const message = maskPhonesIn(errorMessage ?? `provider status ${status}`);
      const error: SendError = { kind, code: errorCode != null ? String(errorCode) : null, message };
      return { ok: false, error };
    }
    default:
      return { ok: true, providerId: sid, status: 'queued' };
  }
}

/**
 * RestException (and RFC-9457 TwilioServiceException) carry the HTTP status and Twilio's code; axios errors
 * mean we never got an HTTP answer (ECONNREFUSED, ECONNRESET, ECONNABORTED on timeout). Anything else is a
 * bug in how we called the SDK, and retrying would not change it.
 */
function toSendError(err: unknown): SendError {
  const e = (err ?? {}) as { status?: unknown; code?: unknown; message?: unknown; isAxiosError?: unknown };
  // Twilio echoes the number in some messages ("The 'To' number +855… is not valid"); these end up in logs
  // and the outbox, so mask them here once.
  const message = maskPhonesIn(typeof e.message === 'string' && e.message ? e.message : String(err));
  if (e.isAxiosError === true || (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code))) {
    const sys = typeof e.code === 'string' ? e.code : 'network';
    // Refused or unresolvable: nothing was sent. A timeout or reset may come after Twilio accepted the message.
    const maybeDelivered = !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(sys);
    return { kind: 'transient', code: null, message: `${sys}: ${message}`, maybeDelivered };
  }
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? e.code : null;
    const kind = classifyProviderError(code === 0 ? null : code, e.status);
    return { kind, code: code === null || code === 0 ? null : String(code), message, httpStatus: e.status };
  }
  return { kind: 'permanent', code: null, message };
}
