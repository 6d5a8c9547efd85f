// Campaign fan-out benchmark: fanOut() against a raw INSERT … SELECT of the same rows, same database, same run.
//
// For each audience size N (100k and 1M subscribers, generated with generate_series over 40 districts in 8
// provinces, 4 locales, 5% opted out):
//   (a) baseline: one raw `INSERT INTO outbox (…same columns…) SELECT … FROM subscribers JOIN admin_units
//       WHERE status = 'active'` with a constant body; outbox truncated before;
//   (b) fanOut() of the same audience (every province targeted, a text per locale, weekly cap 2); outbox
//       truncated before.
// Baseline and fan-out alternate up to `repetitions` times (one pair only when a pair takes longer than
// `repeatUnderSeconds`); the best of each is compared (target: fan-out ≥ 0.5 × baseline rows/s). Peak RSS and
// V8 heap of this process are sampled every 50 ms during each phase and reported as the increase over their
// values when the phase started (target: the 1M fan-out's increase ≤ 1.5 × the 100k one's, with a noise floor;
// on PGlite, whose database lives in this process, judged on the heap only).
// Then, informational, for sizes up to `historyMaxSize`: the same pair again with last week's campaign (N sent
// rows) in the outbox, so the frequency cap has real history to read, as it would in production.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fanOut, type FanOutInput, type FanOutStats } from '../src/campaigns/fan-out.js';
import { PRIORITY } from '../src/outbox/enqueue.js';
import type { Db } from '../src/lib/db.js';
import type { BenchDatabase } from './lib/database.js';
import { checked, compared, informational, round, type BenchResult } from './lib/report.js';
import { startRssSampler, type RssSampler } from './lib/rss.js';
import type { SuiteOutput } from './outbox.js';

export interface CampaignsBenchOptions {
  /** Subscribers generated per size (all active but the opted-out share). */
  sizes: number[];
  provinces: number;
  districtsPerProvince: number;
  /** Baseline/fan-out pairs per size; the best of each is reported. */
  repetitions: number;
  /** Another pair only while one pair took less than this (1M on PGlite takes over a minute a pair). */
  repeatUnderSeconds: number;
  /** The pair with a week of campaign history in the outbox runs for sizes up to this (0: never). */
  historyMaxSize: number;
  /** RSS sampling interval, ms. */
  rssSampleMs: number;
  progress: (line: string) => void;
}

export const DEFAULT_CAMPAIGNS_OPTIONS: CampaignsBenchOptions = {
  sizes: [100_000, 1_000_000],
  provinces: 8,
  districtsPerProvince: 5,
  repetitions: 2,
  repeatUnderSeconds: 60,
  historyMaxSize: 100_000,
  rssSampleMs: 50,
  progress: (line) => process.stderr.write(`${line}\n`),
};

const LOCALES = ['en', 'km', 'lo', 'es'] as const;
const NOW = new Date('2026-11-24T02:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const CAP_PER_WEEK = 2;

// Realistic lengths: one GSM-7 part in English and Spanish, one UCS-2 part in Khmer and Lao.
const TEMPLATES: Record<string, string> = {
  en: 'Hazardline {{district}}: never touch a mine or bomb. Mark the place, keep away, call {{hotline}}.',
  km: '{{district}}៖ កុំប៉ះគ្រាប់មីន ឬគ្រាប់បែក។ ទូរស័ព្ទ {{hotline}}',
  lo: '{{district}}: ຢ່າແຕະລູກລະເບີດ. ໂທ {{hotline}}',
  es: 'Hazardline {{district}}: no toque minas ni bombas. Marque el lugar y llame al {{hotline}}.',
};
const HOTLINE = '1296';
// The baseline's constant body: the English text as rendered for a typical district.
const BASELINE_BODY = TEMPLATES.en!.replace('{{district}}', 'District 0101').replace('{{hotline}}', HOTLINE);

const MiB = 2 ** 20;
const label = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

interface Phase {
  rows: number;
  seconds: number;
  rate: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** Peak during the phase minus RSS when it started. */
  rssDeltaMiB: number;
  /** The same for V8's heapUsed: JavaScript objects only (PGlite's files and WebAssembly memory are outside it). */
  heapDeltaMiB: number;
}

interface SizeRun {
  n: number;
  audience: number;
  generateSeconds: number;
  baselines: Phase[];
  fanOuts: (Phase & { stats: FanOutStats })[];
  history?: { historyRows: number; baseline: Phase; fanOut: Phase & { stats: FanOutStats } };
}

interface Env {
  prisma: Db;
  rss: RssSampler;
  heap: RssSampler;
  o: CampaignsBenchOptions;
  provincePcodes: string[];
  districtPcodes: string[];
  campaignId: number;
}

export async function runCampaignsBench(database: BenchDatabase, options: Partial<CampaignsBenchOptions> = {}): Promise<SuiteOutput> {
  const o = { ...DEFAULT_CAMPAIGNS_OPTIONS, ...options };
  const prisma = database.db.prisma;
  const onPglite = database.info.kind === 'pglite';
  const rss = startWorkerRssSampler(o.rssSampleMs);
  const heap = startHeapSampler(o.rssSampleMs);
  const results: BenchResult[] = [];
  const runs: SizeRun[] = [];
  try {
    const env: Env = { prisma, rss, heap, o, ...(await seedGazetteer(prisma, o)), campaignId: 0 };
    env.campaignId = (await prisma.campaign.create({ data: { name: 'bench: dry-season reminder', channel: 'sms' } })).id;

    for (const n of o.sizes) {
      const run = await sizeRun(env, n);
      runs.push(run);
      const L = label(n);
      const b = best(run.baselines);
      const f = best(run.fanOuts);
      results.push(
        informational(`campaigns.${L}.raw_insert_select`, b.rate, 'rows/s'),
        compared(`campaigns.${L}.fan_out`, f.rate, 'rows/s', b.rate, '≥ 0.5 × raw INSERT … SELECT', (_v, ratio) => ratio >= 0.5),
        informational(`campaigns.${L}.raw_insert_select.rss_delta`, maxOf(run.baselines, 'rssDeltaMiB'), 'MiB'),
        compared(`campaigns.${L}.fan_out.rss_delta`, maxOf(run.fanOuts, 'rssDeltaMiB'), 'MiB', maxOf(run.baselines, 'rssDeltaMiB'), 'informational (vs raw insert)', null),
        compared(`campaigns.${L}.fan_out.heap_delta`, maxOf(run.fanOuts, 'heapDeltaMiB'), 'MiB', maxOf(run.baselines, 'heapDeltaMiB'), 'informational (vs raw insert)', null),
      );
      if (run.history) {
        const h = run.history;
        results.push(
          informational(`campaigns.${L}.with_history.raw_insert_select`, h.baseline.rate, 'rows/s'),
          compared(`campaigns.${L}.with_history.fan_out`, h.fanOut.rate, 'rows/s', h.baseline.rate, 'informational (vs raw insert, same outbox)', null),
        );
      }
    }

    // Flat memory: the largest audience's fan-out against the smallest's. Rows loaded into JavaScript would cost
    // a few hundred bytes each (≈ 200+ MiB per million); a few MiB either way is GC and allocator noise.
    if (runs.length >= 2) {
      const small = runs[0]!;
      const large = runs[runs.length - 1]!;
      const vs = `${label(large.n)}_vs_${label(small.n)}`;
      const target = `≤ 1.5 × the ${label(small.n)} delta, or ≤ ${NOISE_FLOOR_MIB} MiB above it`;
      const flat = (v: number, ratio: number, base: number) => ratio <= 1.5 || v <= base + NOISE_FLOOR_MIB;
      const sRss = maxOf(small.fanOuts, 'rssDeltaMiB');
      const sHeap = maxOf(small.fanOuts, 'heapDeltaMiB');
      results.push(
        // On PGlite the process's RSS holds the database's growing files: the target applies to the heap there.
        compared(`campaigns.fan_out.rss_delta_${vs}`, maxOf(large.fanOuts, 'rssDeltaMiB'), 'MiB', sRss, onPglite ? 'informational on PGlite (the database is in this process)' : target,
          onPglite ? null : (v, r) => flat(v, r, sRss)),
        compared(`campaigns.fan_out.heap_delta_${vs}`, maxOf(large.fanOuts, 'heapDeltaMiB'), 'MiB', sHeap, target, (v, r) => flat(v, r, sHeap)),
      );
    }
    const mismatches = runs.flatMap((r) =>
      [...r.baselines, ...r.fanOuts, ...(r.history ? [r.history.baseline, r.history.fanOut] : [])].filter((p) => p.rows !== r.audience),
    ).length;
    results.push(checked('campaigns.row_count_mismatches', mismatches, 'runs', '0 (every run queues the whole audience)', mismatches === 0));
  } finally {
    rss.stop();
    heap.stop();
  }

  const notes = [
    `Audience: N subscribers over ${o.provinces * o.districtsPerProvince} districts in ${o.provinces} provinces, locales ${LOCALES.join('/')} evenly, 5% opted out; the campaign targets every province, has a text for every locale (SMS, {{district}} and {{hotline}}) and a weekly cap of ${CAP_PER_WEEK}, so fan-out and baseline insert the same rows.`,
    `Rates: rows inserted / wall-clock seconds of the whole call; for fanOut() that is target expansion, rendering, and in one transaction the guard, the skip-count aggregate and the INSERT (with its frequency-cap probe). Up to ${o.repetitions} alternating baseline/fan-out pairs per size (one when a pair takes over ${o.repeatUnderSeconds} s), each into a freshly truncated outbox after a CHECKPOINT; best of each.`,
    `Memory: this process, sampled every ${o.rssSampleMs} ms (RSS from a worker thread, so PGlite's synchronous statements do not hide their peak); delta = peak during the phase − value at its start. On PostgreSQL that is Prisma and the driver only: the rows never reach this process. On PGlite the database runs inside this process, so its in-memory files (the outbox being filled, WAL) are this process's RSS too and grow with N for the raw INSERT as for the fan-out (the first insert after a TRUNCATE allocates, later ones reuse what it freed); the V8 heap delta (JavaScript objects only) is what shows fanOut() itself stays flat there.`,
    `with_history (sizes ≤ ${label(o.historyMaxSize)}): last week's campaign (N sent rows, 3 days old) left in the outbox, then the same raw INSERT and fan-out into it (the raw rows deleted and vacuumed in between), so the frequency cap reads real history; informational.`,
  ];
  return { results, details: { runs, options: { ...o, progress: undefined } }, notes };
}

/** RSS with no floor would call 0.4 → 0.9 MiB growth "2×"; JS garbage and the allocator move a few MiB. */
const NOISE_FLOOR_MIB = 16;

const maxOf = <P extends Phase>(phases: P[], key: 'rssDeltaMiB' | 'heapDeltaMiB') => Math.max(...phases.map((p) => p[key]));

/**
 * Like startRssSampler (lib/rss.ts), but sampling from a worker thread. PGlite executes a statement
 * synchronously on the main thread: a 35 s INSERT blocks every timer there, so an in-thread sampler would only
 * see the memory before and after it. RSS is the whole process's, whichever thread reads it.
 */
function startWorkerRssSampler(intervalMs: number): RssSampler {
  const shared = new Float64Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const max = new Float64Array(workerData.buffer);
     const sample = () => { const r = process.memoryUsage.rss(); if (r > max[0]) max[0] = r; };
     sample();
     setInterval(sample, workerData.intervalMs);`,
    { eval: true, workerData: { buffer: shared.buffer, intervalMs } },
  );
  worker.unref();
  const sample = () => {
    shared[0] = Math.max(shared[0] ?? 0, process.memoryUsage.rss());
  };
  return {
    reset() {
      shared[0] = 0;
      sample();
    },
    peak() {
      sample();
      return (shared[0] ?? 0) / MiB;
    },
    stop() {
      void worker.terminate();
    },
  };
}

/**
 * V8's heapUsed: this thread's JavaScript objects, which only this thread can read. On PGlite its timer is
 * blocked during a statement too; objects kept past the statement still show at the end.
 */
function startHeapSampler(intervalMs: number): RssSampler {
  return startRssSampler(intervalMs, () => process.memoryUsage().heapUsed);
}

/** `provinces` × `districtsPerProvince` districts, with Khmer names so km texts render local names. */
async function seedGazetteer(prisma: Db, o: CampaignsBenchOptions): Promise<{ provincePcodes: string[]; districtPcodes: string[] }> {
  const provincePcodes: string[] = [];
  const districtPcodes: string[] = [];
  const units: { pcode: string; level: 'province' | 'district'; parentPcode: string | null; nameEn: string; nameLocal: string; country: string }[] = [];
  for (let p = 1; p <= o.provinces; p++) {
    const pc = String(p).padStart(2, '0');
    provincePcodes.push(pc);
    units.push({ pcode: pc, level: 'province', parentPcode: null, nameEn: `Province ${pc}`, nameLocal: `ខេត្ត ${pc}`, country: 'KH' });
    for (let d = 1; d <= o.districtsPerProvince; d++) {
      const dc = `${pc}${String(d).padStart(2, '0')}`;
      districtPcodes.push(dc);
      units.push({ pcode: dc, level: 'district', parentPcode: pc, nameEn: `District ${dc}`, nameLocal: `ស្រុក ${dc}`, country: 'KH' });
    }
  }
  await prisma.adminUnit.createMany({ data: units.filter((u) => u.level === 'province') });
  await prisma.adminUnit.createMany({ data: units.filter((u) => u.level === 'district') });
  return { provincePcodes, districtPcodes };
}

/**
 * N subscribers in one statement. District, language and status come from different digits of g, so they
 * are spread independently: district = g mod D, language = (g div D) mod 4, opted out when (g div 4D) mod 20 = 0.
 */
async function generateSubscribers(env: Env, n: number): Promise<number> {
  const { prisma, districtPcodes } = env;
  const d = districtPcodes.length;
  await prisma.$executeRawUnsafe('TRUNCATE outbox, subscribers RESTART IDENTITY CASCADE');
  await prisma.$executeRaw`
    INSERT INTO subscribers (phone, language, language_source, district_pcode, status, source, joined_at, opted_out_at, created_at, updated_at)
    SELECT '+8551' || lpad(g::text, 8, '0'),
      (${[...LOCALES]}::text[])[1 + (g / ${d}::int) % 4],
      'import',
      (${districtPcodes}::text[])[1 + g % ${d}::int],
      CASE WHEN (g / ${4 * d}::int) % 20 = 0 THEN 'opted_out' ELSE 'active' END::"SubscriberStatus",
      'import', ${NOW}::timestamp(3) - interval '30 days',
      CASE WHEN (g / ${4 * d}::int) % 20 = 0 THEN ${NOW}::timestamp(3) - interval '10 days' END,
      ${NOW}::timestamp(3) - interval '30 days', ${NOW}::timestamp(3) - interval '30 days'
    FROM generate_series(1, ${n}::int) AS g`;
  // Steady-state statistics and visibility map, as autovacuum would leave them.
  await prisma.$executeRawUnsafe('VACUUM ANALYZE subscribers');
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM subscribers WHERE status = 'active'`;
  return Number(row?.n ?? 0);
}

async function newRun(env: Env, at: Date): Promise<number> {
  return (await env.prisma.campaignRun.create({ data: { campaignId: env.campaignId, occurrenceAt: new Date(at.getTime() + Math.random() * 1e6) } })).id;
}

/** The raw INSERT … SELECT: the same columns as fanOut writes, a constant body, no rendering, no skip counts. */
async function rawInsertSelect(env: Env, runId: number, createdAt: Date, status: 'pending' | 'sent' = 'pending'): Promise<number> {
  return env.prisma.$executeRaw`
    INSERT INTO outbox (kind, channel, priority, recipient, sender, body, locale, encoding, segments, status,
      next_attempt_at, campaign_id, campaign_run_id, subscriber_id, created_at, updated_at)
    SELECT 'campaign'::"OutboxKind", 'sms', ${PRIORITY.campaign}::int, s.phone, NULL, ${BASELINE_BODY}::text, s.language, 'GSM-7', 1,
      ${status}::"OutboxStatus", ${createdAt}::timestamp(3), ${env.campaignId}::int, ${runId}::int, s.id,
      ${createdAt}::timestamp(3), ${createdAt}::timestamp(3)
    FROM subscribers s JOIN admin_units a ON a.pcode = s.district_pcode
    WHERE s.status = 'active'`;
}

function fanOutInput(env: Env, runId: number): FanOutInput {
  return {
    campaignId: env.campaignId,
    runId,
    channel: 'sms',
    targetPcodes: env.provincePcodes,
    languages: [],
    templates: TEMPLATES,
    variables: { hotline: HOTLINE },
    maxPerSubscriberPerWeek: CAP_PER_WEEK,
    notBefore: null,
    now: NOW,
  };
}

async function timed<T>(env: Env, rowsOf: (v: T) => number, fn: () => Promise<T>): Promise<Phase & { value: T }> {
  const mem = process.memoryUsage();
  const rssBefore = mem.rss / MiB;
  const heapBefore = mem.heapUsed / MiB;
  env.rss.reset();
  env.heap.reset();
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const peak = env.rss.peak();
  const heapPeak = env.heap.peak();
  const rows = rowsOf(value);
  return {
    value,
    rows,
    seconds,
    rate: rows / seconds,
    rssBeforeMiB: rssBefore,
    peakRssMiB: peak,
    rssDeltaMiB: Math.max(0, peak - rssBefore),
    heapDeltaMiB: Math.max(0, heapPeak - heapBefore),
  };
}

const phase = ({ value: _v, ...p }: Phase & { value: unknown }): Phase => p;
const mem = (p: Phase) => `RSS +${round(p.rssDeltaMiB, 1)} MiB, heap +${round(p.heapDeltaMiB, 1)} MiB`;

/** A raw INSERT then a fanOut(), each after `reset` (which also removes the previous phase's rows). */
async function pair(env: Env, tag: string, run: SizeRun, reset: () => Promise<void>): Promise<{ baseline: Phase; fanOut: Phase & { stats: FanOutStats } }> {
  const { prisma, o } = env;
  await reset();
  const baseRunId = await newRun(env, NOW);
  const b = phase(await timed(env, (rows: number) => rows, () => rawInsertSelect(env, baseRunId, NOW)));
  o.progress(`  ${tag} raw INSERT … SELECT: ${b.rows} rows in ${round(b.seconds, 2)} s = ${Math.round(b.rate)} rows/s (${mem(b)})`);
  await reset();
  const runId = await newRun(env, NOW);
  const f = await timed(env, (s: FanOutStats) => s.queued, () => fanOut(prisma, fanOutInput(env, runId)));
  const fanOutPhase = { ...phase(f), stats: f.value };
  o.progress(`  ${tag} fanOut():            ${f.rows} rows in ${round(f.seconds, 2)} s = ${Math.round(f.rate)} rows/s, ×${round(f.rate / b.rate, 3)} (${mem(f)})`);
  if (f.value.queued !== run.audience) o.progress(`  !! fanOut queued ${f.value.queued}, expected ${run.audience}: ${JSON.stringify(f.value)}`);
  return { baseline: b, fanOut: fanOutPhase };
}

async function sizeRun(env: Env, n: number): Promise<SizeRun> {
  const { o, prisma } = env;
  const L = label(n);
  o.progress(`${L}: generating ${n} subscribers`);
  const g0 = performance.now();
  const audience = await generateSubscribers(env, n);
  const generateSeconds = (performance.now() - g0) / 1000;
  o.progress(`${L}: ${audience} active subscribers in ${round(generateSeconds, 1)} s`);
  const run: SizeRun = { n, audience, generateSeconds, baselines: [], fanOuts: [] };

  const empty = async () => {
    await prisma.$executeRawUnsafe('TRUNCATE outbox');
    await checkpoint(prisma);
  };
  for (let i = 1; i <= o.repetitions; i++) {
    const t0 = performance.now();
    const p = await pair(env, `#${i}`, run, empty);
    run.baselines.push(p.baseline);
    run.fanOuts.push(p.fanOut);
    if ((performance.now() - t0) / 1000 > o.repeatUnderSeconds) {
      if (i < o.repetitions) o.progress(`  (one pair took ${round((performance.now() - t0) / 1000, 1)} s: not repeated)`);
      break;
    }
  }

  if (n <= o.historyMaxSize) {
    // Last week's campaign: N rows, 3 days old, sent. Nobody reaches the cap of 2, but the cap reads them all.
    await prisma.$executeRawUnsafe('TRUNCATE outbox');
    const historyRunId = await newRun(env, NOW);
    const historyRows = await rawInsertSelect(env, historyRunId, new Date(NOW.getTime() - 3 * DAY_MS), 'sent');
    const p = await pair(env, 'with history', run, async () => {
      // Back to just the history: the previous phase's rows deleted and vacuumed away.
      await prisma.$executeRaw`DELETE FROM outbox WHERE campaign_run_id <> ${historyRunId}::int`;
      await prisma.$executeRawUnsafe('VACUUM ANALYZE outbox');
      await checkpoint(prisma);
    });
    run.history = { historyRows, ...p };
  }
  await prisma.$executeRawUnsafe('TRUNCATE outbox');
  return run;
}

async function checkpoint(prisma: Db): Promise<void> {
  // Each timed insert starts without a pending checkpoint's I/O from the previous one.
  await prisma.$executeRawUnsafe('CHECKPOINT').catch(() => {});
}

function best<P extends Phase>(runs: P[]): P {
  return runs.reduce((a, b) => (b.rate > a.rate ? b : a));
}
