// Prisma CLI configuration. The CLI only authors migrations (`npx prisma migrate dev --create-only`) and
// generates the client; the service applies migrations itself at start-up (src/lib/migrate.ts). The js
// engine on an in-memory PGlite needs no network and no native engine download, so this works air-gapped.
import { defineConfig } from 'prisma/config';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

// The datasource block reads DATABASE_URL; any value keeps the CLI on the js engine.
process.env.DATABASE_URL ??= 'postgresql://cli@localhost/unused';

// pglite-prisma-adapter 0.6 cannot replay the committed migrations on `migrate dev`'s shadow database: it runs
// scripts without awaiting them and sends a whole multi-statement migration as one prepared statement, which
// Postgres refuses. Run such scripts through PGlite's exec (simple query protocol), awaited, instead.
const MULTI = 'cannot insert multiple commands into a prepared statement';

async function connectScriptSafe(db: PGlite) {
  const adapter = await new PrismaPGlite(db).connect();
  const { queryRaw, executeRaw } = adapter;
  adapter.executeScript = async (script) => {
    await db.exec(script);
  };
  adapter.executeRaw = async (q) => {
    try {
      return await executeRaw.call(adapter, q);
    } catch (err) {
      if (q.args.length > 0 || !String((err as Error).message ?? err).includes(MULTI)) throw err;
      await db.exec(q.sql);
      return 0;
    }
  };
  adapter.queryRaw = async (q) => {
    try {
      return await queryRaw.call(adapter, q);
    } catch (err) {
      if (q.args.length > 0 || !JSON.stringify(err).includes(MULTI)) throw err;
      await db.exec(q.sql);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
  };
  return adapter;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const db = new PGlite('memory://');
    return {
      provider: 'postgres' as const,
      adapterName: 'pglite-prisma-adapter',
      connect: () => connectScriptSafe(db),
      connectToShadowDb: () => connectScriptSafe(new PGlite('memory://')),
    };
  },
});
