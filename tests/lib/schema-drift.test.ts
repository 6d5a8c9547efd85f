// schema.prisma and the committed migrations must describe the same database: a model change without a
// migration would pass every test on a fresh database and then fail on a real one.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('schema drift', () => {
  it('when the committed migrations are replayed, then they match schema.prisma exactly', () => {
    const sql = execFileSync(
      'npx',
      ['prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const statements = sql.split('\n').filter((l) => l.trim() && !l.startsWith('--'));
    expect(statements, 'run `npm run db:new-migration -- <name>` to add the missing migration').toEqual([]);
  }, 120_000);
});
