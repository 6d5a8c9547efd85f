// Benchmark reports: one JSON and one markdown file per suite run, plus `<suite>-latest.*` copies, under
// bench/results/. Every number that has a target is reported next to the baseline it is compared with,
// measured in the same run (DESIGN.md §5); absolute numbers on their own depend too much on the machine.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface BenchResult {
  /** Dotted, stable across runs: `outbox.pacing.100.avg_rate`. */
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with (a bare-loop measurement of the same run, or the configured rate). */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  /** Human-readable target; `informational` when the number has none. */
  target: string;
  /** null for informational numbers. */
  pass: boolean | null;
}

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
  cpus: number;
  cpuModel: string;
  totalMemoryMiB: number;
  /** 1/5/15-minute load average when the suite started and when it finished: a busy machine skews timings. */
  loadAverage: number[];
  loadAverageEnd?: number[];
}

export interface DatabaseInfo {
  kind: 'pglite' | 'postgres';
  /** `memory://` for PGlite; the server URL (password removed) and the throwaway schema for PostgreSQL. */
  location: string;
  schema?: string;
  serverVersion?: string;
}

/** Which code was measured: src/ changes often, and a number means little without its commit. */
export interface CodeInfo {
  commit: string | null;
  /** Uncommitted changes under src/ or prisma/ when the run started. */
  dirty: boolean | null;
  /** Short sha256 of `git diff HEAD -- src prisma`, telling apart runs of different uncommitted code. */
  diffHash?: string;
}

export interface BenchReport {
  suite: string;
  startedAt: string;
  finishedAt: string;
  code: CodeInfo;
  machine: MachineInfo;
  database: DatabaseInfo;
  results: BenchResult[];
  /** Per-run details (every repetition, error counts) that explain the results but are not results. */
  details?: Record<string, unknown>;
  /** Free-text lines, shown under the table. */
  notes?: string[];
}

export function codeInfo(): CodeInfo {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'prisma') !== '';
    if (!dirty) return { commit, dirty };
    const diff = git('diff', 'HEAD', '--', 'src', 'prisma');
    return { commit, dirty, diffHash: createHash('sha256').update(diff).digest('hex').slice(0, 12) };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function loadAverage(): number[] {
  return os.loadavg().map((n) => round(n, 2));
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAverage: loadAverage(),
  };
}

export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A result compared with a baseline; `pass` is decided by the caller's predicate on value and ratio. */
export function compared(
  name: string,
  value: number,
  unit: string,
  baseline: number,
  target: string,
  passes: ((value: number, ratio: number) => boolean) | null,
): BenchResult {
  const ratio = baseline === 0 ? NaN : value / baseline;
  return {
    name,
    value: round(value),
    unit,
    baseline: round(baseline),
    ratio: round(ratio, 4),
    target,
    pass: passes ? passes(value, ratio) : null,
  };
}

/** A result with a target but nothing to compare with (a count that must be zero). */
export function checked(name: string, value: number, unit: string, target: string, pass: boolean): BenchResult {
  return { name, value: round(value), unit, target, pass };
}

export function informational(name: string, value: number, unit: string): BenchResult {
  return { name, value: round(value), unit, target: 'informational', pass: null };
}

function status(r: BenchResult): string {
  return r.pass === null ? '—' : r.pass ? 'PASS' : '**FAIL**';
}

function cell(n: number | undefined): string {
  return n === undefined ? '' : Number.isFinite(n) ? String(n) : 'n/a';
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const d = report.database;
  const lines = [
    `# Benchmark: ${report.suite}`,
    '',
    `- Started: ${report.startedAt}, finished: ${report.finishedAt}`,
    `- Code: ${report.code.commit ?? 'unknown commit'}${report.code.dirty ? ` with uncommitted changes in src/ or prisma/ (diff ${report.code.diffHash})` : ''}`,
    `- Machine: Node ${m.node}, ${m.platform}/${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.totalMemoryMiB} MiB RAM, load ${m.loadAverage.join(' / ')}${m.loadAverageEnd ? ` at start, ${m.loadAverageEnd.join(' / ')} at end` : ''}`,
    `- Database: ${d.kind} (${d.location}${d.schema ? `, schema ${d.schema}` : ''})${d.serverVersion ? `, ${d.serverVersion}` : ''}`,
    '',
    '| Result | Value | Unit | Baseline | Ratio | Target | Status |',
    '|---|---:|---|---:|---:|---|---|',
    ...report.results.map(
      (r) => `| ${r.name} | ${cell(r.value)} | ${r.unit} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${r.target} | ${status(r)} |`,
    ),
  ];
  if (report.notes?.length) lines.push('', ...report.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<suite>-<timestamp>.{json,md}`, `<suite>-latest.{json,md}` and `<suite>-latest-<database kind>.{json,md}`
 * (the last two kinds are the ones kept in the repository); returns the timestamped paths.
 */
export function writeReport(report: BenchReport, dir = RESULTS_DIR): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  // ISO 8601 with ':' and '.' replaced, so the name is valid on every file system.
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const md = renderMarkdown(report);
  const paths = { json: join(dir, `${report.suite}-${stamp}.json`), md: join(dir, `${report.suite}-${stamp}.md`) };
  writeFileSync(paths.json, json);
  writeFileSync(paths.md, md);
  writeFileSync(join(dir, `${report.suite}-latest.json`), json);
  writeFileSync(join(dir, `${report.suite}-latest.md`), md);
  writeFileSync(join(dir, `${report.suite}-latest-${report.database.kind}.json`), json);
  writeFileSync(join(dir, `${report.suite}-latest-${report.database.kind}.md`), md);
  return paths;
}

/** One line per result with a target, PASS or FAIL first so a failing target stands out in CI logs. */
export function summaryLines(report: BenchReport): string[] {
  return report.results
    .filter((r) => r.pass !== null)
    .map((r) => {
      const vs = r.ratio !== undefined ? ` (ratio ${cell(r.ratio)} vs ${cell(r.baseline)})` : '';
      return `${r.pass ? 'PASS' : 'FAIL'} ${r.name}: ${cell(r.value)} ${r.unit}${vs}; target ${r.target}`;
    });
}

export function relativePath(p: string): string {
  return relative(process.cwd(), p) || p;
}
