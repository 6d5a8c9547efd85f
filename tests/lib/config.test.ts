import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from '../../src/config.js';

const ENV_EXAMPLE = new URL('../../.env.example', import.meta.url);

/** The variables `.env.example` documents: `NAME=value` lines that are not comments. */
function documentedVariables(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(ENV_EXAMPLE, 'utf8').split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  return vars;
}

const VALID_PRODUCTION = {
  NODE_ENV: 'production',
  TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'an-auth-token',
  TWILIO_FROM: '+85523000000',
  ADMIN_API_KEY: 'a-long-enough-admin-key',
  PUBLIC_BASE_URL: 'https://sms.example.org/',
};

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw one). */
function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('when the environment is empty, then it starts in development with no Twilio credentials and no admin key', () => {
    const config = loadConfig({});

    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.twilio).toMatchObject({
      accountSid: undefined,
      authToken: undefined,
      from: undefined,
      messagingServiceSid: undefined,
      apiBaseUrl: undefined,
    });
    expect(config.adminApiKey).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.defaultLocale).toBe('en');
  });

  it('when variables are set to empty strings, then they count as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', TWILIO_ACCOUNT_SID: '', ADMIN_API_KEY: '  ', DEMO_DATA: '' });

    expect(config.databaseUrl).toBeUndefined();
    expect(config.twilio.accountSid).toBeUndefined();
    expect(config.adminApiKey).toBeUndefined();
    expect(config.demoData).toBe(true);
  });

  it('when NODE_ENV=production lacks Twilio credentials, admin key, public URL and sender, then the error names each', () => {
    const err = configErrorOf({ NODE_ENV: 'production' });

    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'ADMIN_API_KEY', 'PUBLIC_BASE_URL', 'TWILIO_FROM']) {
      expect(err.message).toContain(name);
      expect(err.problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect(err.problems).toHaveLength(5);
  });

  it('when production has everything it needs, then it loads and trims the trailing slash of the public URL', () => {
    const config = loadConfig(VALID_PRODUCTION);

    expect(config.env).toBe('production');
    expect(config.publicBaseUrl).toBe('https://sms.example.org');
    expect(config.demoData).toBe(false);
    expect(config.twilio.accountSid).toBe(VALID_PRODUCTION.TWILIO_ACCOUNT_SID);
  });

  it('when production has a Messaging Service SID instead of TWILIO_FROM, then it loads', () => {
    const { TWILIO_FROM: _from, ...rest } = VALID_PRODUCTION;

    const config = loadConfig({ ...rest, TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}` });

    expect(config.twilio.from).toBeUndefined();
    expect(config.twilio.messagingServiceSid).toBe(`MG${'0'.repeat(32)}`);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['TWILIO_ACCOUNT_SID', 'foo'],
    ['TWILIO_MESSAGING_SERVICE_SID', 'MGxyz'],
    ['ADMIN_API_KEY', 'short'],
    ['DEFAULT_LOCALE', 'fr'],
    ['PUBLIC_BASE_URL', 'ftp://x'],
    ['NODE_ENV', 'staging'],
    ['DEMO_DATA', 'maybe'],
  ])('when %s=%s, then start-up fails naming that variable', (name, value) => {
    const err = configErrorOf({ [name]: value });

    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(err.message).toContain(name);
  });

  it('when several variables are bad, then every one of them is named at once', () => {
    const err = configErrorOf({ PORT: 'abc', DEFAULT_LOCALE: 'fr', ADMIN_API_KEY: 'short' });

    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(['ADMIN_API_KEY', 'DEFAULT_LOCALE', 'PORT']);
  });

  it('when a valid PostgreSQL URL and booleans are given, then they are parsed', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/h', DEMO_DATA: 'no', PORT: '8080' });

    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/h');
    expect(config.demoData).toBe(false);
    expect(config.port).toBe(8080);
  });
});

describe('.env.example', () => {
  it('when every documented variable is loaded with its example value, then the schema accepts it', () => {
    const documented = documentedVariables();

    const config = loadConfig(Object.fromEntries(documented));

    expect(documented.size).toBeGreaterThan(10);
    expect(config.env).toBe('development');
  });

  it('when compared with the schema, then each documented variable is a config key', () => {
    const unknown = [...documentedVariables().keys()].filter((name) => !CONFIG_KEYS.includes(name));

    expect(unknown).toEqual([]);
  });

  it('when compared with the schema, then every config key is documented', () => {
    const documented = documentedVariables();

    const undocumented = CONFIG_KEYS.filter((key) => !documented.has(key));

    expect(CONFIG_KEYS.length).toBeGreaterThan(10);
    expect(undocumented).toEqual([]);
  });
});

describe('outbox timing', () => {
  it('when the claim timeout is shorter than two send timeouts, then start-up names SEND_CLAIM_TIMEOUT_SECONDS', () => {
    expect(() => loadConfig({ SEND_CLAIM_TIMEOUT_SECONDS: '20', TWILIO_TIMEOUT_MS: '15000' })).toThrow(/SEND_CLAIM_TIMEOUT_SECONDS: must be at least twice/);
    expect(() => loadConfig({ SEND_CLAIM_TIMEOUT_SECONDS: '30', TWILIO_TIMEOUT_MS: '15000' })).not.toThrow();
  });
});
