// npm run db:migrate [-- --status]: apply pending migrations (the server also does this at start).
import { openDatabase } from '../src/lib/db.js';
import { migrate, migrationStatus } from '../src/lib/migrate.js';
import { loadConfig } from '../src/config.js';

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, ...config.databaseTimeouts, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) });
try {
  if (process.argv.includes('--status')) {
    console.log(JSON.stringify(await migrationStatus(db), null, 2));
  } else {
    const r = await migrate(db, { log: (m) => console.log(m) });
    console.log(`${r.appliedNow.length} applied now, ${r.applied.length} applied in total, ${r.pending.length} pending`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
