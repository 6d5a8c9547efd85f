// Structured JSON logs (pino). Phone numbers are masked wherever they appear and secrets are redacted,
// because logs leave the server (support tickets, log shippers) and villagers' numbers must not.
import { pino, type Logger } from 'pino';

export type { Logger };

// International numbers only: bare digit runs in our own messages are ids and timestamps, not phones.
const PHONE_RE = /\+\d[\d\s-]{6,}\d/g;

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

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'req.headers.cookie',
  '*.authToken',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.password',
  '*.webhookSecret',
];

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'hazardline', ...bindings },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      // Mask phones in the message text too, not only in known fields.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPhonesIn(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
  });
}
