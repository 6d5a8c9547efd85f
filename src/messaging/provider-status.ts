// Twilio's message and call statuses mapped onto the coarser delivery statuses the outbox records.
/** What became of a send, in the outbox's words (a subset of its statuses). */
export type DeliveryStatus = 'sent' | 'delivered' | 'undelivered' | 'failed' | 'cancelled';

const MESSAGE: Record<string, DeliveryStatus> = {
  accepted: 'sent', scheduled: 'sent', queued: 'sent', sending: 'sent', sent: 'sent',
  delivered: 'delivered', read: 'delivered',
  undelivered: 'undelivered', failed: 'failed', canceled: 'cancelled',
};

const CALL: Record<string, DeliveryStatus> = {
  queued: 'sent', initiated: 'sent', ringing: 'sent', 'in-progress': 'sent', answered: 'sent',
  completed: 'delivered', busy: 'undelivered', 'no-answer': 'undelivered', failed: 'failed', canceled: 'cancelled',
};

export function outboxStatusOf(kind: 'message' | 'call', providerStatus: string): DeliveryStatus | null {
  return (kind === 'message' ? MESSAGE : CALL)[providerStatus.toLowerCase()] ?? null;
}
