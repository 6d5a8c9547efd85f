// Twilio's message and call statuses mapped onto the outbox's own, coarser lifecycle.
import type { OutboxStatusName } from './record-result.js';

const MESSAGE: Record<string, OutboxStatusName> = {
  accepted: 'sent', scheduled: 'sent', queued: 'sent', sending: 'sent', sent: 'sent',
  delivered: 'delivered', read: 'delivered',
  undelivered: 'undelivered', failed: 'failed', canceled: 'cancelled',
};

const CALL: Record<string, OutboxStatusName> = {
  queued: 'sent', initiated: 'sent', ringing: 'sent', 'in-progress': 'sent', answered: 'sent',
  completed: 'delivered', busy: 'undelivered', 'no-answer': 'undelivered', failed: 'failed', canceled: 'cancelled',
};

export function outboxStatusOf(kind: 'message' | 'call', providerStatus: string): OutboxStatusName | null {
  return (kind === 'message' ? MESSAGE : CALL)[providerStatus.toLowerCase()] ?? null;
}
