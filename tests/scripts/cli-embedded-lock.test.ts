// The embedded database serves one process. A CLI run while the service holds it must say so plainly and exit,
// never print a stack trace (issue 11: `npm run keys -- create` while the service runs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('when the embedded database is in use by a running process, then `npm run keys` explains how to go on and exits 75', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hazardline-lock-'));
  try {
    // This test process stands in for the running service: its pid is alive.
    writeFileSync(join(dir, 'hazardline.lock'), String(process.pid));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', 'list'], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(75);
    expect(run.stderr).toContain(`is in use by process ${process.pid}`);
    expect(run.stderr).toContain('Stop it (Ctrl-C)');
    expect(run.stderr).toContain('API keys can be created and revoked in the console (Users and API keys page');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
