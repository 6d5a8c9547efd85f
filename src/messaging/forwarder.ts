// Team webhooks: a report as JSON, POSTed to the team's URL with an HMAC-SHA256 signature over the timestamp
// and body, so the receiver can check it came from us and is fresh. Errors map onto the same kinds as SMS, so
// the outbox retries a webhook exactly like a message.
import { createHmac, randomUUID } from 'node:crypto';
import type { SendResult } from './transport.js';
import { clip } from '../lib/text.js';

export interface WebhookRequest {
  url: string;
  body: string;
  secret: string | null;
}

export interface Forwarder {
  post(req: WebhookRequest): Promise<SendResult>;
}

export const SIGNATURE_HEADER = 'X-Hazardline-Signature';
export const TIMESTAMP_HEADER = 'X-Hazardline-Timestamp';

/** `sha256=<hex HMAC of "<timestamp>.<body>">`: what a receiver recomputes with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createHttpForwarder(opts: { timeoutMs: number; now?: () => Date }): Forwarder {
  const now = opts.now ?? (() => new Date());
  return {
    async post({ url, body, secret }) {
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'Hazardline-Webhook/1',
        [TIMESTAMP_HEADER]: timestamp,
      };
      if (secret) headers[SIGNATURE_HEADER] = signWebhook(secret, timestamp, body);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        const code = e.cause?.code ?? e.name;
        // Refused or unresolvable: nothing arrived. A timeout may have arrived; receivers dedupe on the report id.
        const maybeDelivered = !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
        return { ok: false, error: { kind: 'transient', code: null, message: clip(`${code}: ${e.message}`, 300), maybeDelivered } };
      }
      await res.body?.cancel().catch(() => {});
      if (res.ok) return { ok: true, providerId: `WH${randomUUID().replace(/-/g, '')}`, status: 'delivered' };
      const transient = res.status >= 500 || res.status === 408 || res.status === 429;
      return {
        ok: false,
        error: { kind: transient ? 'transient' : 'permanent', code: `HTTP${res.status}`, message: `webhook answered ${res.status}`, httpStatus: res.status },
      };
    },
  };
}
