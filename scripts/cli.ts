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
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, ...config.databaseTimeouts, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) });
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
