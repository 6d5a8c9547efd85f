// Prisma CLI configuration. The CLI only authors migrations (`npm run db:diff`, `prisma migrate dev`);
// the service applies them itself at start-up (src/lib/migrate.ts). The js engine with an in-memory PGlite
// needs no network and no native engine download, so authoring works on air-gapped machines.
import { defineConfig } from 'prisma/config';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

// The datasource block reads DATABASE_URL; any value keeps the CLI on the js engine.
process.env.DATABASE_URL ??= 'postgresql://cli@localhost/unused';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPGlite(new PGlite('memory://'));
  },
});
