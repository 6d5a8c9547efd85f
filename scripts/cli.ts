// Shared start-up for command-line scripts: the same config, database and migrations as the server.
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/lib/db.js';
import { migrate } from '../src/lib/migrate.js';

export async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, ...config.databaseTimeouts, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) });
  } catch (err) {
    // The embedded database serves one process: while the service runs, a CLI cannot open it. Say so plainly.
    if (err instanceof Error && /is in use by process/.test(err.message)) {
      console.error(
        `${err.message}\n\nThe service is running on the embedded database (${config.dataDir}). Stop it (Ctrl-C) and run this ` +
          'command again. While it runs, API keys can be created and revoked in the console (Users and API keys page, ' +
          `${config.publicBaseUrl}/users), where an admin also manages users and resets passwords; or use the admin key from ` +
          'ADMIN_API_KEY with the HTTP API.',
      );
      process.exit(75); // EX_TEMPFAIL: try again once the service is stopped
    }
    throw err;
  }
  try {
    await migrate(db, { log: (m) => console.error(m) });
    return await fn(db, config);
  } finally {
    await db.close();
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
