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

/** Masks phone numbers in every string of a log object (field values, error messages), a few levels deep. */
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return HAS_PHONE.test(value) ? maskPhonesIn(value) : value;
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  // A masked copy of an error, still an Error so pino's serializer shows its type, message and stack.
  if (value instanceof Error) {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value)) as Error, value);
    copy.message = maskPhonesIn(value.message);
    if (value.stack) copy.stack = maskPhonesIn(value.stack);
    if (value.cause !== undefined) copy.cause = maskDeep(value.cause, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v, depth + 1);
  return out;
}

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
      log: (obj) => maskDeep(obj) as Record<string, unknown>,
    },
    hooks: {
      // Mask phones in the message text too, not only in known fields.
      logMethod(args, method) {
        // log.error(err) takes its message from the error; give it one we have masked.
        const [first] = args;
        if (first instanceof Error && args.length === 1) {
          method.apply(this, [{ err: first }, maskPhonesIn(first.message)] as unknown as Parameters<typeof method>);
          return;
        }
        const masked = args.map((a) => (typeof a === 'string' ? maskPhonesIn(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
