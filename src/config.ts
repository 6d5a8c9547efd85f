// The one place that reads process.env. Parsed once at start; a bad value stops start-up with a message
// naming the variable, so a field server never runs half-configured.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = optionalString.pipe(z.url({ protocol: /^https?$/ }).optional());

// A JSON object of strings in one variable, e.g. VICTIM_ASSISTANCE_CONTACTS={"01":"+85512345678"}.
const jsonRecord = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object, e.g. {"01":"+85512345678"}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string().min(1)));

// Per-country prices in one variable, e.g. SMS_SEGMENT_PRICES={"KH":0.045,"CO":0.03}.
const jsonPrices = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of country code to price, e.g. {"KH":0.045}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^[A-Z]{2}$/, 'keys must be ISO country codes such as KH'), z.number().min(0)));

export const SUPPORTED_LOCALES = ['en', 'km', 'lo', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** What one country's people are told and how their times are shown (config/countries.json). */
export const CountrySettingsSchema = z.strictObject({
  name: z.string().min(1),
  /** The language a number from this country is answered in until its text says otherwise. */
  locale: z.enum(SUPPORTED_LOCALES).optional(),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Phnom_Penh').optional(),
  /** Quoted by HELP and in the reply to a report with casualties. */
  emergencyNumber: z.string().trim().min(1).optional(),
  /** Hears of every casualty report in the country (after a province's VICTIM_ASSISTANCE_CONTACTS). */
  victimAssistancePhone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +85512345678').optional(),
  /** Named in the reply to a casualty report (after a province's REHAB_SERVICES). */
  rehabService: z.string().trim().min(1).optional(),
  /** For operators: what to check, where a number came from. */
  notes: z.string().optional(),
});
export type CountrySettings = z.infer<typeof CountrySettingsSchema>;
export const CountriesFileSchema = z.record(z.string().regex(/^[A-Z]{2}$/, 'keys must be ISO country codes such as KH'), CountrySettingsSchema);

export const DEFAULT_COUNTRIES_FILE = fileURLToPath(new URL('../config/countries.json', import.meta.url));

// The per-country file, read and checked once at start: a bad file stops start-up like a bad variable.
const countriesFile = z
  .string()
  .optional()
  .transform((path = '', ctx) => {
    path = path.trim() || DEFAULT_COUNTRIES_FILE;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${path} as JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
    const parsed = CountriesFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const message = issue.code === 'invalid_key' ? 'keys must be ISO country codes such as KH' : issue.message;
        ctx.addIssue({ code: 'custom', message: `${path}: ${issue.path.join('.')}: ${message}` });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    INSTANCE_ID: optionalString,

    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    // A schema other than public on the PostgreSQL server (benchmarks and drills run in a throwaway one).
    DATABASE_SCHEMA: optionalString.pipe(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain SQL identifier').optional()),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    // Bounds on every wait for PostgreSQL (ignored with the embedded database); 0 turns a server-side one off.
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
    DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(10_000),
    DATABASE_IDLE_IN_TX_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    DEMO_DATA: optionalString.pipe(bool.optional()),

    PUBLIC_BASE_URL: optionalUrl,
    TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC + 32 hex').optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_FROM: optionalString,
    TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG + 32 hex').optional()),
    TWILIO_API_BASE_URL: optionalUrl,
    TWILIO_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),

    SMS_RATE_PER_SECOND: z.coerce.number().min(0).max(10_000).default(10),
    CALLS_CONCURRENT: z.coerce.number().int().min(1).max(1000).default(2),
    SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
    SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(10),
    SEND_CLAIM_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    SEND_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2_000),
    SEND_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(600_000),
    SEND_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    SEND_RECONCILE_RESEND_AFTER_MS: z.coerce.number().int().min(1000).max(86_400_000).default(120_000),
    DISPATCH_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    DISPATCHER_ENABLED: optionalString.pipe(bool.optional()),

    INBOUND_WORKER_ENABLED: optionalString.pipe(bool.optional()),
    INBOUND_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    INBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
    INBOUND_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(1_000),
    INBOUND_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(60_000),
    INBOUND_CLAIM_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
    INBOUND_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(250),

    ADMIN_API_KEY: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),

    DEFAULT_COUNTRY: z.string().length(2).toUpperCase().default('KH'),
    DEFAULT_LOCALE: z.enum(SUPPORTED_LOCALES).default('en'),
    EMERGENCY_NUMBER: z.string().trim().min(1).default('119'),
    COUNTRIES_FILE: countriesFile,

    REPORT_DIALOGUE_HOURS: z.coerce.number().min(0.1).max(24 * 14).default(24),
    REPORT_DIALOGUE_WAIT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    REPORT_FOLLOWUP_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(30),
    DEDUPE_METERS: z.coerce.number().min(0).max(100_000).default(200),
    DEDUPE_DAYS: z.coerce.number().min(0).max(365).default(7),
    ALERT_ACK_MINUTES: z.coerce.number().min(0.1).max(24 * 60).default(15),
    ALERT_ACK_MINUTES_CRITICAL: z.coerce.number().min(0.1).max(24 * 60).default(5),
    ESCALATION_CRON: z.string().default('* * * * *'),
    FALLBACK_COORDINATOR_PHONE: optionalString,
    VICTIM_ASSISTANCE_PHONE: optionalString,
    VICTIM_ASSISTANCE_CONTACTS: optionalString.pipe(jsonRecord.optional()),
    REHAB_SERVICE: optionalString,
    REHAB_SERVICES: optionalString.pipe(jsonRecord.optional()),
    MAP_LINK_TEMPLATE: z.string().default('https://maps.google.com/?q={lat},{lon}'),
    // An XYZ tile template for the console's map (https://tile.example.org/{z}/{x}/{y}.png); empty = offline map
    // drawn from the district boundaries only.
    CONSOLE_TILE_URL: optionalString.pipe(
      z.string().regex(/^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/\S*\{z\}\S*$/, 'must be an https URL template with {z}, {x} and {y}').optional(),
    ),

    CAMPAIGN_CATCHUP_MINUTES: z.coerce.number().min(1).max(7 * 24 * 60).default(60),
    CAMPAIGN_HOTLINE: optionalString,
    CONTENT_MAX_SEGMENTS: z.coerce.number().int().min(1).max(10).default(3),
    SMS_SEGMENT_PRICE: z.coerce.number().min(0).max(100).default(0.05),
    SMS_SEGMENT_PRICES: optionalString.pipe(jsonPrices.optional()),
    CAMPAIGN_CURRENCY: z.string().trim().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),

    // Outbound voice: campaign and alert calls, their retries, and calling back missed calls.
    VOICE_MACHINE_DETECTION: optionalString.pipe(bool.optional()),
    VOICE_RETRY_MINUTES: z
      .string()
      .trim()
      .default('15,30,60')
      .transform((v) => (v === '' ? [] : v.split(',').map((m) => Number(m.trim()))))
      .pipe(z.array(z.number().int('must be whole minutes, e.g. 15,30,60').min(1).max(24 * 60)).max(10)),
    VOICE_CALLBACK_ON_MISSED: optionalString.pipe(bool.optional()),
    VOICE_CALLBACK_WINDOW_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),

    // Victim assistance (src/victims/): follow-up check-ins after a referral, days after it was made.
    VA_FOLLOWUP_DAYS: z
      .string()
      .trim()
      .default('3,14,90,365')
      .transform((v) => (v === '' ? [] : v.split(',').map((d) => Number(d.trim()))))
      .pipe(z.array(z.number().int('must be whole days, e.g. 3,14,90,365').min(1).max(3650)).max(12)),
    VA_FOLLOWUP_RETRY_HOURS: z.coerce.number().min(1).max(24 * 30).default(48),
    VA_FOLLOWUP_CRON: z.string().default('*/5 * * * *'),
    VA_QUIET_HOURS: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM, e.g. 20:00-07:00').default('20:00-07:00'),

    JSON_BODY_LIMIT: z.string().default('100kb'),
    IMPORT_BODY_LIMIT: z.string().default('20mb'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    // Live events for the console (GET /api/events) and the trainers' phone simulator (/api/simulator).
    EVENTS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
    EVENTS_MAX_CLIENTS: z.coerce.number().int().min(1).max(100_000).default(200),
    SIMULATOR_ENABLED: optionalString.pipe(bool.optional()),
  })
  .superRefine((c, ctx) => {
    // A claim must outlive a slow send, or another instance "recovers" a send that is still in flight.
    if (c.SEND_CLAIM_TIMEOUT_SECONDS * 1000 < 2 * c.TWILIO_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEND_CLAIM_TIMEOUT_SECONDS'],
        message: `must be at least twice TWILIO_TIMEOUT_MS (${c.TWILIO_TIMEOUT_MS} ms)`,
      });
    }
    if (c.NODE_ENV !== 'production') return;
    // A production service that cannot verify Twilio signatures or authenticate admins must not start.
    for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'ADMIN_API_KEY', 'PUBLIC_BASE_URL'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
    if (!c.TWILIO_FROM && !c.TWILIO_MESSAGING_SERVICE_SID) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_FROM'],
        message: 'TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when NODE_ENV=production',
      });
    }
  });

/** Every environment variable the service reads (for docs and the test that keeps .env.example complete). */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape);

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof ConfigSchema>) {
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    instanceId: env.INSTANCE_ID ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseTimeouts: {
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: env.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TX_TIMEOUT_MS,
    },
    demoData: env.DEMO_DATA ?? env.NODE_ENV === 'development',
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      from: env.TWILIO_FROM,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      apiBaseUrl: env.TWILIO_API_BASE_URL,
      timeoutMs: env.TWILIO_TIMEOUT_MS,
    },
    outbox: {
      smsRatePerSecond: env.SMS_RATE_PER_SECOND,
      callsConcurrent: env.CALLS_CONCURRENT,
      maxAttempts: env.SEND_MAX_ATTEMPTS,
      concurrency: env.SEND_CONCURRENCY,
      claimTimeoutSeconds: env.SEND_CLAIM_TIMEOUT_SECONDS,
      retryBaseMs: env.SEND_RETRY_BASE_MS,
      retryMaxMs: env.SEND_RETRY_MAX_MS,
      pollMs: env.DISPATCH_POLL_MS,
      /** An `unknown` send is first looked up at the provider this long after it left. */
      reconcileGraceMs: env.SEND_RECONCILE_GRACE_MS,
      /** Not found at the provider this long after it left: sent again (same row). */
      reconcileResendAfterMs: env.SEND_RECONCILE_RESEND_AFTER_MS,
      enabled: env.DISPATCHER_ENABLED ?? true,
    },
    inbound: {
      enabled: env.INBOUND_WORKER_ENABLED ?? true,
      batchSize: env.INBOUND_BATCH_SIZE,
      concurrency: env.INBOUND_CONCURRENCY,
      maxAttempts: env.INBOUND_MAX_ATTEMPTS,
      retryBaseMs: env.INBOUND_RETRY_BASE_MS,
      retryMaxMs: env.INBOUND_RETRY_MAX_MS,
      claimTimeoutSeconds: env.INBOUND_CLAIM_TIMEOUT_SECONDS,
      pollMs: env.INBOUND_POLL_MS,
      // A message's transaction must end well before its claim expires, or two workers could hold it.
      transactionTimeoutMs: Math.min(15_000, (env.INBOUND_CLAIM_TIMEOUT_SECONDS * 1000) / 2),
    },
    adminApiKey: env.ADMIN_API_KEY,
    defaultCountry: env.DEFAULT_COUNTRY,
    defaultLocale: env.DEFAULT_LOCALE,
    /** For countries the countries file does not give one. */
    emergencyNumber: env.EMERGENCY_NUMBER,
    /** Per-country settings by ISO code (src/districts/countries.ts reads them). */
    countries: env.COUNTRIES_FILE,
    reports: {
      dialogueHours: env.REPORT_DIALOGUE_HOURS,
      dialogueWaitMinutes: env.REPORT_DIALOGUE_WAIT_MINUTES,
      followUpMinutes: env.REPORT_FOLLOWUP_MINUTES,
      dedupeMeters: env.DEDUPE_METERS,
      dedupeDays: env.DEDUPE_DAYS,
      ackMinutes: env.ALERT_ACK_MINUTES,
      ackMinutesCritical: env.ALERT_ACK_MINUTES_CRITICAL,
      escalationCron: env.ESCALATION_CRON,
      fallbackCoordinatorPhone: env.FALLBACK_COORDINATOR_PHONE,
      victimAssistancePhone: env.VICTIM_ASSISTANCE_PHONE,
      victimAssistanceContacts: env.VICTIM_ASSISTANCE_CONTACTS ?? {},
      rehabService: env.REHAB_SERVICE,
      rehabServices: env.REHAB_SERVICES ?? {},
      mapLinkTemplate: env.MAP_LINK_TEMPLATE,
    },
    campaigns: {
      catchupMinutes: env.CAMPAIGN_CATCHUP_MINUTES,
      /** Fills {{hotline}}; the emergency number when not set. */
      hotline: env.CAMPAIGN_HOTLINE ?? env.EMERGENCY_NUMBER,
      contentMaxSegments: env.CONTENT_MAX_SEGMENTS,
      segmentPrice: env.SMS_SEGMENT_PRICE,
      segmentPrices: env.SMS_SEGMENT_PRICES ?? {},
      currency: env.CAMPAIGN_CURRENCY,
    },
    outboundVoice: {
      /** Answering-machine detection on campaign and alert calls. */
      machineDetection: env.VOICE_MACHINE_DETECTION ?? true,
      /** The retry ladder of a voice campaign that does not set its own: minutes before each retry. */
      retryMinutes: env.VOICE_RETRY_MINUTES,
      callbackOnMissed: env.VOICE_CALLBACK_ON_MISSED ?? false,
      /** A number called back is not called back again within this many minutes. */
      callbackWindowMinutes: env.VOICE_CALLBACK_WINDOW_MINUTES,
    },
    /** The console map's online tile layer; undefined = boundaries only (works with no internet). */
    consoleTileUrl: env.CONSOLE_TILE_URL,
    victims: {
      /** Days after a referral on which its survivor or family is asked how it went. */
      followUpDays: env.VA_FOLLOWUP_DAYS,
      /** An unanswered check-in is sent once more after this many hours; then a task for the focal point. */
      followUpRetryHours: env.VA_FOLLOWUP_RETRY_HOURS,
      followUpCron: env.VA_FOLLOWUP_CRON,
      quietStart: env.VA_QUIET_HOURS.slice(0, 5),
      quietEnd: env.VA_QUIET_HOURS.slice(6),
    },
    jsonBodyLimit: env.JSON_BODY_LIMIT,
    importBodyLimit: env.IMPORT_BODY_LIMIT,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    live: { pollMs: env.EVENTS_POLL_MS, maxClients: env.EVENTS_MAX_CLIENTS },
    /** The phone simulator posts to our own webhooks: on in development and tests, off in production. */
    simulatorEnabled: env.SIMULATOR_ENABLED ?? env.NODE_ENV !== 'production',
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default). Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  return toConfig(result.data);
}

/** A config for tests and tools: defaults plus overrides, never process.env. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO_DATA: 'false', ...overrides });
}
