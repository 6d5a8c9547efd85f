// The project's shared data folder (full national data sets, not shipped in the repo) sits beside the clone:
// ../shared/data in CI, ../../shared/data from a worktree under wt/. Tests that read it skip when it is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function sharedDataFile(name: string): string | null {
  for (const up of ['../../../shared/data/', '../../../../shared/data/']) {
    const path = fileURLToPath(new URL(up + name, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}
