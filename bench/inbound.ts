// Suite `inbound` (issue 8): the SMS webhook against two baselines measured in the same run on the same
// database, then the inbound worker's processing rate. All over loopback HTTP with the keep-alive load
// generator (bench/lib/load.ts), signed as Twilio signs.
//
// Baselines:
//   bare     Express 5 + urlencoded + a TwiML answer, no database
//   insert   the same + one INSERT … ON CONFLICT DO NOTHING per request (pg pool of 10 / the PGlite session)
// Hazardline: createApp() with signature checking, storing a keyword (JOIN) and a report; the worker is
// stopped while the webhook is measured, then drains the stored reports (stored → reply and alert queued).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import pg from 'pg';
import type { BenchDatabase } from './lib/database.js';
import { compared, checked, informational, round, type BenchResult } from './lib/report.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { inboundSmsParams, messageSid, signedWebhook } from './lib/twilio-webhooks.js';
import type { SuiteOutput } from './outbox.js';
import { createApp } from '../src/app.js';
import { buildContext, createInboundWorkerFor } from '../src/bootstrap.js';
import { testConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { seedDemo } from '../src/demo/seed-demo.js';

const AUTH_TOKEN = 'bench_auth_token_0123456789abcdef';
const ACCOUNT_SID = `AC${'c'.repeat(32)}`;
const PATH = '/webhooks/twilio/sms';
const VILLAGES = ['Mongkol Borei', 'Phnum Srok', 'Preah Netr Preah', 'Ou Chrov', 'Serei Saophoan', 'Thma Puok', 'Svay Chek', 'Malai'];

export interface InboundBenchOptions {
  /** Seconds per measured phase. */
  phaseSeconds: number;
  concurrencies: number[];
  /** Reports stored and then processed for the processing rate. */
  processReports: number;
}

export const DEFAULT_INBOUND_OPTIONS: InboundBenchOptions = {
  phaseSeconds: Number(process.env.BENCH_PHASE_SECONDS ?? 6),
  concurrencies: [20, 200],
  processReports: Number(process.env.BENCH_PROCESS_REPORTS ?? 2000),
};

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}
const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export async function runInboundBench(database: BenchDatabase, options: Partial<InboundBenchOptions> = {}): Promise<SuiteOutput> {
  const o = { ...DEFAULT_INBOUND_OPTIONS, ...options };
  const { db } = database;
  const results: BenchResult[] = [];
  const details: Record<string, unknown> = {};
  const notes: string[] = [];
  const log = createLogger('silent');
  await seedDemo(db.prisma, log);

  // ── baselines ──
  await db.withSession((s) => s.exec(`CREATE TABLE IF NOT EXISTS bench_inbound_baseline (sid text PRIMARY KEY, from_phone text, body text, received_at timestamptz DEFAULT now())`));
  const bare = express();
  bare.post(PATH, express.urlencoded({ extended: false }), (_req, res) => { res.type('text/xml').send(TWIML); });
  let pool: pg.Pool | null = null;
  let insertOne: (sid: string, from: string, body: string) => Promise<unknown>;
  if (db.kind === 'postgres') {
    const schema = database.info.schema!;
    pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 10, options: `-c search_path="${schema}"` });
    insertOne = (sid, from, body) => pool!.query('INSERT INTO bench_inbound_baseline (sid, from_phone, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sid, from, body]);
  } else {
    insertOne = (sid, from, body) => db.withSession((s) => s.query('INSERT INTO bench_inbound_baseline (sid, from_phone, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sid, from, body]));
  }
  const insert = express();
  insert.post(PATH, express.urlencoded({ extended: false }), async (req, res) => {
    const b = req.body as Record<string, string>;
    await insertOne(b.MessageSid!, b.From!, b.Body ?? '');
    res.type('text/xml').send(TWIML);
  });

  // ── Hazardline ──
  const config = testConfig({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, ADMIN_API_KEY: 'bench-admin-key-0123456789', PUBLIC_BASE_URL: 'http://bench.invalid', INBOUND_BATCH_SIZE: '100' });
  const ctx = buildContext(config, db, { log });
  const worker = createInboundWorkerFor(ctx);
  const app = createApp(ctx);

  const servers = { bare: await listen(bare), insert: await listen(insert), hazardline: await listen(app) };
  let run = 0;
  const tag = () => `r${Date.now().toString(36)}${run++}`;
  const phone = (runTag: string, i: number) => `+8551${String((Number.parseInt(runTag.slice(-4), 36) * 100_000 + i) % 100_000_000).padStart(8, '0')}`;
  const request = (kind: 'keyword' | 'report', runTag: string) => (i: number) => {
    const body = kind === 'keyword' ? `JOIN ${VILLAGES[i % VILLAGES.length]}` : `mine near the school in ${VILLAGES[i % VILLAGES.length]} ${i}`;
    return signedWebhook({
      publicBaseUrl: config.publicBaseUrl,
      authToken: AUTH_TOKEN,
      path: PATH,
      params: inboundSmsParams({ accountSid: ACCOUNT_SID, messageSid: messageSid(runTag, i), from: phone(runTag, i), to: '+85523000000', body }),
    });
  };
  const measure = async (name: string, url: string, concurrency: number, kind: 'keyword' | 'report', opts: { total?: number } = {}) => {
    const runTag = tag();
    const ok: number[] = [];
    const res: LoadResult = await runLoad({
      url, concurrency, makeRequest: request(kind, runTag),
      ...(opts.total ? { total: opts.total } : { durationMs: o.phaseSeconds * 1000 }),
      onResult: (r) => { if (r.status === 200) ok.push(r.i); },
    });
    details[name] = { concurrency, kind, ok: res.ok, failed: res.failed, errors: res.errors, statusCounts: res.statusCounts, latencies: res.latencies, reqPerSec: round(res.reqPerSec, 1) };
    return { res, runTag, ok };
  };

  try {
    for (const c of o.concurrencies) {
      const b = await measure(`bare.c${c}`, servers.bare.url, c, 'report');
      const ins = await measure(`insert.c${c}`, servers.insert.url, c, 'report');
      results.push(informational(`inbound.c${c}.baseline.bare.req_per_s`, b.res.reqPerSec, 'req/s'));
      results.push(informational(`inbound.c${c}.baseline.bare.p99_ms`, b.res.latencies.p99, 'ms'));
      results.push(informational(`inbound.c${c}.baseline.insert.req_per_s`, ins.res.reqPerSec, 'req/s'));
      results.push(informational(`inbound.c${c}.baseline.insert.p99_ms`, ins.res.latencies.p99, 'ms'));
      for (const kind of ['keyword', 'report'] as const) {
        const h = await measure(`hazardline.${kind}.c${c}`, servers.hazardline.url, c, kind);
        const strict = c === 20 && db.kind === 'postgres';
        results.push(compared(`inbound.c${c}.${kind}.req_per_s_vs_insert`, h.res.reqPerSec, 'req/s', ins.res.reqPerSec, strict ? '≥ 0.5 × insert baseline' : 'informational', strict ? (_v, r) => r >= 0.5 : null));
        results.push(compared(`inbound.c${c}.${kind}.req_per_s_vs_bare`, h.res.reqPerSec, 'req/s', b.res.reqPerSec, 'informational', null));
        results.push(informational(`inbound.c${c}.${kind}.p50_ms`, h.res.latencies.p50, 'ms'));
        results.push(strict ? checked(`inbound.c${c}.${kind}.p99_ms`, h.res.latencies.p99, 'ms', '< 100 ms', h.res.latencies.p99 < 100) : informational(`inbound.c${c}.${kind}.p99_ms`, h.res.latencies.p99, 'ms'));
        // Loss: a 200 without a stored row.
        const sids = h.ok.map((i) => messageSid(h.runTag, i));
        const stored = await db.prisma.inboundMessage.count({ where: { messageSid: { in: sids } } });
        results.push(checked(`inbound.c${c}.${kind}.lost`, sids.length - stored, 'messages', '= 0', sids.length === stored));
        // Process what this phase stored before the next one, untimed, so phases do not pile up.
        await worker.drain();
      }
    }

    // ── processing rate: stored reports → reply and alert queued ──
    const stored = await measure('process.store', servers.hazardline.url, 20, 'report', { total: o.processReports });
    await ctx.places.get();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const processed = await worker.drain();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // This process's CPU per report (Node, Prisma and, on PGlite, the database itself): what bounds the rate here.
    const cpuMsPerReport = (cpu.user + cpu.system) / 1000 / Math.max(1, processed);
    const sids = stored.ok.map((i) => messageSid(stored.runTag, i));
    const handled = await db.prisma.inboundMessage.findMany({ where: { messageSid: { in: sids } }, select: { state: true, reportId: true } });
    const reportIds = handled.map((h) => h.reportId).filter((id): id is number => id !== null);
    const alerts = await db.prisma.outboxMessage.count({ where: { kind: 'alert', reportId: { in: reportIds } } });
    const replies = await db.prisma.outboxMessage.count({ where: { kind: 'reply', reportId: { in: reportIds } } });
    const rate = processed / seconds;
    const target = db.kind === 'postgres' ? 300 : 100;
    results.push(checked(`inbound.process.reports_per_s`, rate, 'reports/s', `≥ ${target}`, rate >= target));
    results.push(informational(`inbound.process.cpu_ms_per_report`, cpuMsPerReport, 'ms'));
    results.push(checked(`inbound.process.unhandled`, handled.filter((h) => h.state !== 'handled').length + (sids.length - handled.length), 'messages', '= 0', handled.every((h) => h.state === 'handled') && handled.length === sids.length));
    results.push(checked(`inbound.process.alerts_missing`, reportIds.length - alerts, 'alerts', '= 0', alerts >= reportIds.length));
    results.push(checked(`inbound.process.replies_missing`, reportIds.length - replies, 'replies', '= 0', replies === reportIds.length));
    details.process = { reports: processed, seconds: round(seconds, 2), concurrency: db.kind === 'pglite' ? 1 : config.inbound.concurrency, alerts, replies };
    notes.push(`Webhook phases run ${o.phaseSeconds} s each with the inbound worker stopped; the processing rate is measured separately on ${o.processReports} stored reports (worker concurrency ${db.kind === 'pglite' ? 1 : config.inbound.concurrency}).`);
    notes.push('The load generator, the service and (on PostgreSQL) the server share the machine\'s cores; ratios are against baselines measured in the same run under the same conditions.');
    if (rate < target) {
      notes.push(`Processing misses its target by ${round(target / rate, 1)}×: one report costs ${round(cpuMsPerReport, 1)} ms of this process's CPU (about thirty statements in one transaction; a Prisma model query costs ~1 ms of CPU in its query compiler, a raw one ~0.3 ms), so one Node process tops out near ${Math.round(1000 / cpuMsPerReport)} reports/s before the database's own work. ${target} reports/s needs ≤ ${round(1000 / target, 1)} ms per report across all cores: the rest of the intake path in set-based raw SQL, or several instances on a larger machine.`);
    }
  } finally {
    await worker.stop();
    await Promise.all(Object.values(servers).map((s) => close(s.server)));
    await pool?.end();
  }
  return { results, details, notes };
}
