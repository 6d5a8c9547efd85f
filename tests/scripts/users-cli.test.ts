// `npm run users`: recovering a locked-out admin with the service stopped, on a real embedded database.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/db.js';
import { verifyPassword } from '../../src/accounts/passwords.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hazardline-users-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function users(args: string[], input: string, dataDir = dir) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'silent' },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('npm run users', () => {
  it('when an admin is created and their password reset from stdin, then the stored hash follows and it is audited', async () => {
    const created = users(['create', '--role', 'admin', '--email', 'Root@Example.org', '--name', 'Root', '--password-stdin'], 'first password 1\n');
    expect(created.stderr.replace(/^.*migration.*$/gim, '').trim()).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toContain('Created admin root@example.org');

    const reset = users(['reset-password', '--email', 'root@example.org'], 'second password 2\n');
    expect(reset.status).toBe(0);
    expect(reset.stdout).toContain('Password of root@example.org (admin) reset');
    expect(users(['reset-password', '--email', 'nobody@example.org'], 'second password 2\n').status).toBe(2);
    expect(users(['reset-password', '--email', 'root@example.org'], 'short\n').status).toBe(2);

    const db = await openDatabase({ dataDir: dir });
    try {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'root@example.org' } });
      expect(await verifyPassword('second password 2', user.passwordHash)).toBe(true);
      const lines = await db.prisma.auditLog.findMany({ where: { entity: 'user' }, orderBy: { id: 'asc' } });
      expect(lines.map((l) => [l.action, l.actor, l.actorType])).toEqual([['user.create', 'cli', 'cli'], ['user.password_reset', 'cli', 'cli']]);
    } finally {
      await db.close();
    }
  }, 240_000);

  it('when the service holds the embedded database, then it exits 75 pointing at the console', () => {
    const locked = mkdtempSync(join(tmpdir(), 'hazardline-lock-'));
    try {
      writeFileSync(join(locked, 'hazardline.lock'), String(process.pid));
      const run = users(['reset-password', '--email', 'root@example.org'], 'whatever password\n', locked);
      expect(run.status).toBe(75);
      expect(run.stderr).toContain('Stop it (Ctrl-C)');
      expect(run.stderr).toContain('Users and API keys page');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(locked, { recursive: true, force: true });
    }
  }, 120_000);
});
