// Where Twilio fetches the TwiML of the calls we place and posts what the listener pressed. Paths only: the
// dispatcher and the TwiML builders put PUBLIC_BASE_URL in front, so a row queued before a change of base URL
// still reaches the server that sends it.
export const VOICE_PATHS = {
  /** The inbound hotline (another feature's route): a missed call is called back into it. */
  hotline: '/webhooks/twilio/voice',
  /** TwiML of an outbound campaign or alert call, once answering-machine detection has decided. */
  answer: '/webhooks/twilio/voice/out/answer',
  /** The key the listener pressed at the end of an outbound call. */
  menu: '/webhooks/twilio/voice/out/menu',
  /** Status callbacks of inbound calls (the number's "call status changes" URL): missed calls. */
  inboundStatus: '/webhooks/twilio/voice/status',
} as const;

/** `${base}${path}` with `o=<outbox id>` (and any extra query) added. */
export function outboxCallUrl(base: string, path: string, outboxId: number, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams({ o: String(outboxId), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) });
  return `${base}${path}${path.includes('?') ? '&' : '?'}${q.toString()}`;
}
