// Structured JSON logs (pino). Phone numbers are masked wherever they appear and secrets are redacted,
// because logs leave the server (support tickets, log shippers) and villagers' numbers must not.
import { pino, type Logger } from 'pino';

export type { Logger };

// International numbers only: bare digit runs in our own messages are ids and timestamps, not phones.
const PHONE_RE = /\+\d[\d\s-]{6,}\d/g;
const HAS_PHONE = /\+\d[\d\s-]{6,}\d/;

/** `+855****5678`: country code kept for support, the rest hidden but the last 4. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length < 8) return '****';
  const plus = digits.startsWith('+') ? '+' : '';
  const bare = digits.replace('+', '');
  return `${plus}${bare.slice(0, 3)}****${bare.slice(-4)}`;
}

/** Masks every phone-number-looking run in free text (log messages, error strings). */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_RE, (m) => maskPhone(m));
}

// pino's redact wildcards match one level each, so secrets are listed at the depths we log objects at.
const SECRET_KEYS = ['authToken', 'apiKey', 'key', 'secret', 'password', 'webhookSecret', 'adminApiKey', 'authorization'];
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'hazardline', ...bindings },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
    },
    hooks: {
      // Phones are masked in the finished line, after every serializer has run: in field values, messages,
      // error messages and stacks, and in what serializers produce (pino-http's req and res). Masking the
      // object before serialization instead would hand serializers copies of req/res without their getters
      // (pino-http's access lines then said "statusCode": null) and would miss what serializers add.
      streamWrite: (line) => (HAS_PHONE.test(line) ? maskPhonesIn(line) : line),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
