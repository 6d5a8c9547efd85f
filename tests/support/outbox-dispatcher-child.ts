// A dispatcher in a process of its own, for the kill test: it sends until the test SIGKILLs it.
// Run with `node --import tsx`; configured by the CHILD_* variables set in spawnChildDispatcher.
import { openDatabase } from '../../src/lib/db.js';
import { createTwilioTransport } from '../../src/messaging/twilio-transport.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { createLogger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const database = await openDatabase({ databaseUrl: env('CHILD_DATABASE_URL'), schema: env('CHILD_SCHEMA'), poolSize: 4 });
const transport = createTwilioTransport({
  accountSid: env('CHILD_ACCOUNT_SID'),
  authToken: env('CHILD_AUTH_TOKEN'),
  from: '+85523000000',
  apiBaseUrl: env('CHILD_FAKE_URL'),
  timeoutMs: 5000,
});
const dispatcher = new Dispatcher(
  database.prisma,
  transport,
  {
    instanceId: env('CHILD_INSTANCE_ID'),
    smsRatePerSecond: Number(env('CHILD_RATE')),
    callsConcurrent: 2,
    concurrency: 10,
    claimTimeoutSeconds: 60,
    pollMs: 20,
    maxAttempts: 5,
    retryBaseMs: 20,
    retryMaxMs: 100,
    defaultSender: '+85523000000',
    publicBaseUrl: 'https://hazardline.test',
  },
  createLogger('silent'),
  systemClock,
);
// Warm the pool so the first claim is not slowed by connecting.
await database.prisma.$queryRaw`SELECT 1`;
dispatcher.start();
process.stdout.write('ready\n');
