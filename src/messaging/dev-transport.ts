// The transport for development, demos and tests without a Twilio account: nothing leaves the machine,
// every send is logged (masked) and kept in memory so a test or a future dev inbox page can show it.
import { randomBytes } from 'node:crypto';
import { maskPhone, type Logger } from '../lib/logger.js';
import type { CallRequest, SendResult, SentQuery, SmsMessage, Transport } from './transport.js';

export interface DevSend {
  kind: 'sms' | 'call';
  to: string;
  from: string | null;
  /** The SMS body; for calls the TwiML, or the TwiML URL when the call was placed by URL. */
  body: string;
  at: Date;
  providerId: string;
}

export interface DevTransport extends Transport {
  readonly name: 'dev';
  /** Oldest first, at most MAX_KEPT entries. */
  readonly sent: readonly DevSend[];
  clear(): void;
}

export interface DevTransportOptions {
  log: Logger;
  onSend?: (send: DevSend) => void;
  /** Shown as the sender when a message names none (e.g. the configured TWILIO_FROM). */
  from?: string | undefined;
}

// Bounded so a long-running demo server or a benchmark does not grow without limit.
const MAX_KEPT = 1000;
const LOG_BODY_CHARS = 200;

export function createDevTransport(opts: DevTransportOptions): DevTransport {
  const sent: DevSend[] = [];

  function record(kind: DevSend['kind'], to: string, from: string | undefined, body: string): SendResult {
    // Same shape as a Twilio SID (2 letters + 32 hex) so columns and log parsers see familiar ids.
    const providerId = `DEV${randomBytes(16).toString('hex')}`;
    const entry: DevSend = { kind, to, from: from ?? opts.from ?? null, body, at: new Date(), providerId };
    sent.push(entry);
    if (sent.length > MAX_KEPT) sent.splice(0, sent.length - MAX_KEPT);
    const shown = body.length > LOG_BODY_CHARS ? `${body.slice(0, LOG_BODY_CHARS)}…` : body;
    opts.log.info(
      { transport: 'dev', kind, to: maskPhone(to), from: entry.from ? maskPhone(entry.from) : null, providerId, body: shown },
      kind === 'sms' ? 'dev transport: SMS not sent (no Twilio account)' : 'dev transport: call not placed (no Twilio account)',
    );
    opts.onSend?.(entry);
    // 'delivered' at once: with no status callbacks coming, anything else would leave the outbox waiting.
    return { ok: true, providerId, status: 'delivered' };
  }

  return {
    name: 'dev',
    get sent() {
      return sent;
    },
    clear() {
      sent.length = 0;
    },
    async sendSms(msg: SmsMessage) {
      return record('sms', msg.to, msg.from, msg.body);
    },
    async placeCall(call: CallRequest) {
      return record('call', call.to, call.from, call.twiml ?? call.twimlUrl ?? '');
    },
    async findSent(q: SentQuery) {
      const messages = sent
        .filter((s) => s.kind === 'sms' && s.to === q.to && s.at >= q.since && (!q.until || s.at <= q.until) && (q.body === undefined || s.body === q.body))
        .reverse()
        .map((s) => ({
          providerId: s.providerId, to: s.to, body: s.body, status: 'delivered' as const, providerStatus: 'delivered', errorCode: null, createdAt: s.at,
        }));
      return { ok: true as const, messages };
    },
  };
}
