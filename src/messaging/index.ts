// Picks the transport from the config: Twilio when an account is configured, otherwise the dev transport,
// so a fresh checkout runs end to end without any account.
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { createDevTransport } from './dev-transport.js';
import { createTwilioTransport } from './twilio-transport.js';
import type { Transport } from './transport.js';

export type {
  Transport, SendResult, SendError, SendErrorKind, SmsMessage, CallRequest, SentQuery, SentMessage, FindSentResult,
} from './transport.js';
export { classifyProviderError } from './transport.js';

export function createTransport(config: Config, log: Logger): Transport {
  const { accountSid, authToken, from, messagingServiceSid, apiBaseUrl, timeoutMs } = config.twilio;
  if (!accountSid || !authToken) {
    log.info('messaging: no Twilio account configured, using the dev transport (nothing is sent)');
    return createDevTransport({ log, from });
  }
  // Fail at start-up, not on the first alert: an account without a sender cannot send anything.
  if (!from && !messagingServiceSid) {
    throw new ConfigError([
      'TWILIO_FROM: TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set',
    ]);
  }
  log.info({ apiBaseUrl: apiBaseUrl ?? 'https://api.twilio.com', messagingService: Boolean(messagingServiceSid), timeoutMs }, 'messaging: using Twilio');
  return createTwilioTransport({ accountSid, authToken, from, messagingServiceSid, apiBaseUrl, timeoutMs });
}
