// A dispatcher in a process of its own (the kill test, the multi-process pacing test): it sends until the test
// kills it. Built exactly as the server builds it: a config from variables, createTransport, createDispatcher.
// Run with `node --import tsx`; configured by the CHILD_* variables set in spawnChildDispatcher.
import { openDatabase } from '../../src/lib/db.js';
import { createTransport } from '../../src/messaging/index.js';
import { createDispatcher } from '../../src/bootstrap.js';
import { testConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const config = testConfig({
  INSTANCE_ID: env('CHILD_INSTANCE_ID'),
  TWILIO_ACCOUNT_SID: env('CHILD_ACCOUNT_SID'),
  TWILIO_AUTH_TOKEN: env('CHILD_AUTH_TOKEN'),
  TWILIO_FROM: '+85523000000',
  TWILIO_API_BASE_URL: env('CHILD_FAKE_URL'),
  TWILIO_TIMEOUT_MS: '5000',
  PUBLIC_BASE_URL: 'https://hazardline.test',
  SMS_RATE_PER_SECOND: env('CHILD_RATE'),
  SEND_CLAIM_TIMEOUT_SECONDS: '60',
  SEND_RETRY_BASE_MS: '20',
  SEND_RETRY_MAX_MS: '100',
  DISPATCH_POLL_MS: '20',
});
const database = await openDatabase({ databaseUrl: env('CHILD_DATABASE_URL'), schema: env('CHILD_SCHEMA'), poolSize: 4 });
const log = createLogger('silent');
const dispatcher = createDispatcher({ config, prisma: database.prisma, transport: createTransport(config, log), log, clock: systemClock });
// Warm the pool so the first claim is not slowed by connecting.
await database.prisma.$queryRaw`SELECT 1`;
dispatcher.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void dispatcher.stop().then(() => database.close()).then(() => process.exit(0));
});
