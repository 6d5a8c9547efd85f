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

/** What answered a call, from Twilio's AnsweredBy (answering-machine detection), in our coarse terms. */
export type AnsweredBy = 'human' | 'machine' | 'fax' | 'unknown';

/** human; machine_start, machine_end_beep/_silence/_other; fax; unknown. Anything else (or nothing): null. */
export function answeredByOf(value: string | null | undefined): AnsweredBy | null {
  const v = (value ?? '').trim().toLowerCase();
  if (v === 'human' || v === 'fax' || v === 'unknown') return v;
  if (v.startsWith('machine')) return 'machine';
  return null;
}

/** Final call statuses that reached nobody and are worth another try later (the retry ladder). */
export function isUnansweredCall(providerStatus: string | null | undefined): boolean {
  return ['busy', 'no-answer', 'failed'].includes((providerStatus ?? '').toLowerCase());
}

/**
 * An inbound call that ended before anyone (or any TwiML) answered it: the caller hung up while it rang
 * (canceled), or the number rejected it (busy / no-answer), or Twilio reports it completed after 0 seconds.
 */
export function isMissedInboundCall(callStatus: string, callDuration: number | null): boolean {
  const s = callStatus.toLowerCase();
  if (s === 'no-answer' || s === 'canceled' || s === 'busy') return true;
  return s === 'completed' && callDuration === 0;
}
