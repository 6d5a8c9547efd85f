// Benchmark runner: `npm run bench -- [suite...] [--db pglite|postgres]`. No suite names runs them all.
// Each suite writes bench/results/<suite>-<timestamp>.{json,md}, <suite>-latest[-<db>].{json,md}. A missed
// target prints a FAIL line but exits 0 (benchmarks inform); an exception exits 1.
import { describeUrl, openBenchDatabase, DEFAULT_POSTGRES_URL, type BenchDatabase, type DatabaseChoice } from './lib/database.js';
import { codeInfo, loadAverage, machineInfo, relativePath, renderMarkdown, summaryLines, writeReport, type BenchReport } from './lib/report.js';
import { runOutboxBench, type SuiteOutput } from './outbox.js';

type Suite = (database: BenchDatabase) => Promise<SuiteOutput>;

const SUITES: Record<string, Suite> = {
  outbox: (database) => runOutboxBench(database),
  campaigns: async (database) => (await import('./campaigns.js')).runCampaignsBench(database),
  inbound: async (database) => (await import('./inbound.js')).runInboundBench(database),
  faults: async (database) => (await import('./faults.js')).runFaultsBench(database),
};

/** Suites that run the service as separate processes: they need a server, never an in-process PGlite. */
const POSTGRES_ONLY = new Set(['faults']);

const USAGE = `usage: npm run bench -- [suite...] [--db pglite|postgres] [--quick]
  suites: ${Object.keys(SUITES).join(', ')} (default: all)
  --db pglite     in-memory PGlite (default)
  --db postgres   a throwaway schema on BENCH_DATABASE_URL, or ${DEFAULT_POSTGRES_URL}
  --quick         shorter runs for development (suites that support it: faults); same as BENCH_QUICK=1
  BENCH_DATABASE_URL set in the environment selects postgres unless --db pglite is given.
  faults always runs on PostgreSQL (the service runs as separate processes).`;

class UsageError extends Error {}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): { suites: string[]; database: DatabaseChoice; quick: boolean } {
  const names: string[] = [];
  let db: string | undefined;
  let quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') throw new UsageError('');
    if (a === '--db') {
      db = argv[++i];
      if (db === undefined) throw new UsageError('--db needs a value: pglite or postgres');
    } else if (a === '--quick') {
      quick = true;
    } else if (a.startsWith('--db=')) {
      db = a.slice('--db='.length);
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      names.push(a);
    }
  }
  const unknown = names.filter((n) => !Object.hasOwn(SUITES, n));
  if (unknown.length) {
    throw new UsageError(`unknown suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}`);
  }
  const envUrl = env.BENCH_DATABASE_URL || undefined;
  let database: DatabaseChoice;
  if (db === undefined) database = envUrl ? { kind: 'postgres', url: envUrl } : { kind: 'pglite' };
  else if (db === 'pglite') database = { kind: 'pglite' };
  else if (db === 'postgres' || db === 'pg') database = { kind: 'postgres', url: envUrl ?? DEFAULT_POSTGRES_URL };
  else throw new UsageError(`--db must be pglite or postgres, not ${db}`);
  return { suites: names.length ? [...new Set(names)] : Object.keys(SUITES), database, quick };
}

async function runSuite(name: string, choice: DatabaseChoice): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const code = codeInfo();
  if (POSTGRES_ONLY.has(name) && choice.kind === 'pglite') {
    const url = process.env.BENCH_DATABASE_URL || DEFAULT_POSTGRES_URL;
    process.stderr.write(`[${name}] runs the service as child processes: on PostgreSQL (${describeUrl(url)}), not PGlite\n`);
    choice = { kind: 'postgres', url };
  }
  const database = await openBenchDatabase(choice);
  process.stderr.write(`[${name}] on ${database.info.kind} (${database.info.location}${database.info.schema ? `, schema ${database.info.schema}` : ''})\n`);
  let out: SuiteOutput;
  try {
    out = await SUITES[name]!(database);
  } finally {
    await database.cleanup();
  }
  machine.loadAverageEnd = loadAverage();
  return { suite: name, startedAt, finishedAt: new Date().toISOString(), code, machine, database: database.info, ...out };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`bench: ${err.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return err.message ? 2 : 0;
  }
  // Suites read it from the environment, like a run started with BENCH_QUICK=1.
  if (args.quick) process.env.BENCH_QUICK = '1';
  for (const name of args.suites) {
    const report = await runSuite(name, args.database);
    const paths = writeReport(report);
    process.stdout.write(`\n${renderMarkdown(report)}\n`);
    for (const line of summaryLines(report)) process.stdout.write(`${line}\n`);
    process.stdout.write(`\nwrote ${relativePath(paths.json)} and ${relativePath(paths.md)} (and ${name}-latest.*, ${name}-latest-${report.database.kind}.*)\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
