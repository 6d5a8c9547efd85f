// npm run db:new-migration -- NAME: writes prisma/migrations/<timestamp>_NAME/migration.sql with the SQL that
// takes the committed migrations to prisma/schema.prisma. Prisma replays the migrations on an in-memory PGlite
// shadow database (prisma.config.ts), so this works offline. (`migrate dev` itself stops at a shadow-database
// step the js engine cannot do with PGlite; `migrate diff --from-migrations` is the same diff without it.)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
  console.error('usage: npm run db:new-migration -- name_in_snake_case');
  process.exit(2);
}
const sql = execFileSync(
  'npx',
  ['prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log('schema.prisma matches the migrations: nothing to write');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join('prisma', 'migrations', `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), sql.trimStart());
console.log(`wrote ${dir}/migration.sql; npm run db:generate updates the client, and the service applies it at start`);
