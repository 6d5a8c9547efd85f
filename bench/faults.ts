// Fault drills (DESIGN.md §5 "Faults"; issue 8): the REAL service runs as child processes on PostgreSQL (the
// bench's throwaway schema), sends through the twilio SDK to the fake Twilio in this process, and is driven
// with signed webhooks over keep-alive HTTP. Each drill checks, straight in the database and at the fake, that
// nothing Twilio got a 200 for is lost and nothing is done or sent twice.
//
// 1. kill -9 mid-load: N distinct reports at C connections; halfway the service is killed with SIGKILL and
//    started again on the same database; failed requests are retried with the same MessageSid (as Twilio
//    does); then D concurrent duplicates of MessageSids already answered.
// 2. provider hangs: the fake accepts connections and never answers for H seconds while reports come in;
//    /health and the webhook must stay fast, and after recovery every alert must go out, once.
// 3. database sessions terminated under load: pg_terminate_backend on the service's sessions a few times;
//    /ready is sampled throughout, and the service must serve again within 30 s and lose nothing.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createFakeTwilio, type FakeTwilio } from '../tests/support/fake-twilio.js';
import { adminQuery, type BenchDatabase } from './lib/database.js';
import { checkInvariants, openDrillDb, violations, waitForSettled, type DrillDb, type Invariants } from './lib/drill-db.js';
import { runLoad, summarize, type LoadRequest, type LoadResult } from './lib/load.js';
import { checked, informational, round, type BenchResult } from './lib/report.js';
import { freePort, probe, startService, type ServiceProcess } from './lib/service-process.js';
import { inboundSmsParams, messageSid, signedWebhook } from './lib/twilio-webhooks.js';
import type { SuiteOutput } from './outbox.js';

export interface FaultsOptions {
  quick: boolean;
  kill: { reports: number; concurrency: number; duplicates: number };
  hang: { hangMs: number; reports: number; concurrency: number };
  terminate: { reports: number; concurrency: number; terminations: number; intervalMs: number };
  /** Longest wait for the backlog (inbound and outbox) to drain after a drill's load. */
  settleTimeoutMs: number;
  progress: (line: string) => void;
}

const FULL: Omit<FaultsOptions, 'quick' | 'progress'> = {
  kill: { reports: 5000, concurrency: 50, duplicates: 500 },
  hang: { hangMs: 60_000, reports: 200, concurrency: 10 },
  terminate: { reports: 2000, concurrency: 20, terminations: 3, intervalMs: 2000 },
  // 5,000 reports at a few dozen per second on a busy 2-core machine take minutes to work off.
  settleTimeoutMs: 600_000,
};

const QUICK: Omit<FaultsOptions, 'quick' | 'progress'> = {
  kill: { reports: 400, concurrency: 20, duplicates: 100 },
  hang: { hangMs: 10_000, reports: 50, concurrency: 10 },
  terminate: { reports: 300, concurrency: 20, terminations: 3, intervalMs: 1000 },
  settleTimeoutMs: 120_000,
};

export function faultsOptions(env: NodeJS.ProcessEnv = process.env): FaultsOptions {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  return { quick, ...(quick ? QUICK : FULL), progress: (line) => process.stderr.write(`[faults] ${line}\n`) };
}

const ACCOUNT_SID = `AC${'d'.repeat(32)}`;
const AUTH_TOKEN = 'bench-drills-auth-token';
const SENDER = '+15005550006';
/** The demo team's first contact (src/demo/seed-demo.ts): every alert goes there. */
const TEAM_PHONE = '+85512000101';
const RECOVERY_TARGET_S = 30;
const LATENCY_TARGET_MS = 100;
const ALERTS_AFTER_RECOVERY_TARGET_S = 60;

// Districts of the provinces the demo team covers (01, 02, 13, 22, 24), as the demo gazetteer spells them,
// so every report is placed for sure, routed to the team and alerted; none names a village, so two reports
// are never duplicates of each other (dedupe needs a point or a village).
const DISTRICTS = [
  'Mongkol Borey', 'Phnum Srok', 'Preah Netr Preah', 'Ou Chrov', 'Thma Puok', 'Svay Chek', 'Malai', 'Banan',
  'Thma Koul', 'Bavel', 'Aek Phnum', 'Moung Ruessei', 'Sangkae', 'Samlout', 'Sampov Lun', 'Kamrieng',
  'Rovieng', 'Kuleaen', 'Chhaeb', 'Banteay Ampil', 'Chong Kal', 'Trapeang Prasat', 'Sala Krau',
];
const PLACES = ['the school', 'the road', 'the rice field', 'my house', 'the well'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();
const s = (ms: number) => round(ms / 1000, 2);

interface Drill {
  tag: string;
  database: BenchDatabase;
  url: string;
  schema: string;
  db: DrillDb;
  logDir: string;
  o: FaultsOptions;
  /** Service processes started so far (their instance ids are numbered). */
  started: number;
}

interface Report {
  i: number;
  sid: string;
  phone: string;
  request: LoadRequest;
}

/** A fresh fake Twilio that posts sent + delivered callbacks for every message it accepts. */
async function startFake(): Promise<FakeTwilio> {
  const fake = createFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, autoCallbacks: ['sent', 'delivered'] });
  await fake.start();
  return fake;
}

function instanceName(d: Drill, n: number) {
  return `drills-${d.tag}-${n}`;
}

function serviceEnv(d: Drill, port: number, fake: FakeTwilio, instance: string): Record<string, string> {
  // The server names its sessions hazardline:<INSTANCE_ID> (application_name in pg_stat_activity), so drill 3
  // terminates only this run's (never another engineer's, nor this benchmark's own).
  return {
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    INSTANCE_ID: instance,
    DATABASE_URL: d.url,
    DATABASE_SCHEMA: d.schema,
    DATABASE_POOL_SIZE: '10',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM: SENDER,
    TWILIO_API_BASE_URL: fake.baseUrl,
    TWILIO_TIMEOUT_MS: '2000',
    SEND_CLAIM_TIMEOUT_SECONDS: '5',
    SMS_RATE_PER_SECOND: '0',
    DEMO_DATA: 'true',
    ADMIN_API_KEY: `drills-${randomBytes(12).toString('hex')}`,
    // No escalation during a drill: one alert per report is what we count.
    ALERT_ACK_MINUTES: '1440',
    ALERT_ACK_MINUTES_CRITICAL: '1440',
  };
}

function launch(d: Drill, drill: string, port: number, fake: FakeTwilio): ServiceProcess {
  const instance = instanceName(d, ++d.started);
  return startService({ env: serviceEnv(d, port, fake, instance), logFile: join(d.logDir, `${drill}.log`), label: instance });
}

/** Signed report webhooks, one distinct sender each; `base` keeps the drills' phones apart. */
function makeReports(d: Drill, drill: string, port: number, base: number, count: number, from = 0): Report[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const sid = messageSid(`${d.tag}${drill}`, i);
    const phone = `+85512${String(base + i).padStart(6, '0')}`;
    const body = `mine near ${PLACES[i % PLACES.length]} in ${DISTRICTS[i % DISTRICTS.length]} ${i}`;
    const params = inboundSmsParams({ accountSid: ACCOUNT_SID, messageSid: sid, from: phone, to: SENDER, body });
    return { i, sid, phone, request: signedWebhook({ publicBaseUrl: `http://127.0.0.1:${port}`, authToken: AUTH_TOKEN, path: '/webhooks/twilio/sms', params }) };
  });
}

/** Twilio retries a failed webhook with the same MessageSid; a drill retries every 250 ms, bounded. */
const TWILIO_LIKE_RETRY = { attempts: 240, delayMs: 250 };
/** No load of a drill runs longer, retries included, whatever the service does. */
const LOAD_DEADLINE_MS = 300_000;

/** What the fake was asked to send and accepted: per villager exactly one reply, each alert body once. */
function providerCounts(fake: FakeTwilio, phones: string[], reports: number) {
  const accepted = fake.requests.filter((r) => r.kind === 'sms' && r.sid !== undefined);
  const perPhone = new Map<string, number>();
  const alertBodies = new Map<string, number>();
  for (const r of accepted) {
    const to = r.params.To ?? '';
    if (to === TEAM_PHONE) alertBodies.set(r.params.Body ?? '', (alertBodies.get(r.params.Body ?? '') ?? 0) + 1);
    else perPhone.set(to, (perPhone.get(to) ?? 0) + 1);
  }
  let villagersWithout = 0;
  let villagersTwice = 0;
  for (const p of phones) {
    const n = perPhone.get(p) ?? 0;
    if (n === 0) villagersWithout++;
    if (n > 1) villagersTwice++;
  }
  const alertsTwice = [...alertBodies.values()].filter((n) => n > 1).length;
  return {
    accepted: accepted.length,
    villagersWithout,
    villagersTwice,
    alertBodies: alertBodies.size,
    alertsTwice,
    alertsMissing: Math.max(0, reports - alertBodies.size),
    callbackErrors: fake.callbackErrors.length,
  };
}

function loadSummary(r: LoadResult) {
  return { items: r.items, ok: r.ok, failed: r.failed, attempts: r.attempts, errors: r.errors, statusCounts: r.statusCounts, latencyMs: r.latencies, reqPerSec: r.reqPerSec, durationMs: r.durationMs };
}

/** Attempts that were not a 200: 5xx, refused, reset, timed out (Twilio retries these; they are not losses). */
function non200(r: LoadResult): number {
  return Object.entries(r.statusCounts).reduce((sum, [k, n]) => sum + (k === '200' ? 0 : n), 0);
}

function exactlyOnceResults(prefix: string, inv: Invariants, fakeCounts: ReturnType<typeof providerCounts>): BenchResult[] {
  return [
    checked(`${prefix}.lost`, inv.missingInbound, 'messages', '0 (a 200 without a stored row)', inv.missingInbound === 0),
    checked(`${prefix}.exactly_once_violations`, violations(inv), 'count', '0 (one inbound row, report, reply and alert each; none failed)', violations(inv) === 0),
    checked(`${prefix}.villagers_not_one_reply`, fakeCounts.villagersWithout + fakeCounts.villagersTwice, 'villagers', '0 (each got exactly one reply SMS)', fakeCounts.villagersWithout + fakeCounts.villagersTwice === 0),
    checked(`${prefix}.alerts_sent_twice`, fakeCounts.alertsTwice, 'alerts', '0', fakeCounts.alertsTwice === 0),
    checked(`${prefix}.alerts_missing_at_provider`, fakeCounts.alertsMissing, 'alerts', '0', fakeCounts.alertsMissing === 0),
  ];
}

// ── Drill 1: kill -9 mid-load ────────────────────────────────────────────────────────────────────────────

async function killDrill(d: Drill): Promise<{ results: BenchResult[]; details: Record<string, unknown> }> {
  const { reports: total, concurrency, duplicates } = d.o.kill;
  const fake = await startFake();
  const port = await freePort();
  let svc = launch(d, 'kill', port, fake);
  try {
    await svc.waitUntilServing(60_000);
    const reports = makeReports(d, 'k', port, 100_000, total);
    const acked = new Set<number>();
    let killAt = 0;
    let restartAt = 0;
    let firstOkAfterRestart = 0;
    let restarting: Promise<void> | undefined;
    const restart = async () => {
      killAt = now();
      d.o.progress(`kill: SIGKILL pid ${svc.pid} after ${acked.size} answered`);
      await svc.kill9();
      restartAt = now();
      svc = launch(d, 'kill', port, fake);
    };
    d.o.progress(`kill: ${total} reports at ${concurrency} connections`);
    const load = await runLoad({
      url: svc.baseUrl,
      concurrency,
      total,
      timeoutMs: 5000,
      deadlineMs: LOAD_DEADLINE_MS,
      retry: TWILIO_LIKE_RETRY,
      makeRequest: (i) => reports[i]!.request,
      onResult: (r) => {
        if (r.status !== 200) return;
        acked.add(r.i);
        if (restartAt && !firstOkAfterRestart && r.at > restartAt) firstOkAfterRestart = r.at;
        if (!restarting && acked.size >= total / 2) restarting = restart();
      },
    });
    await restarting;
    const recoveryMs = firstOkAfterRestart ? firstOkAfterRestart - restartAt : NaN;
    d.o.progress(`kill: load done (${load.ok}/${total} answered 200, ${non200(load)} other attempts); back ${s(recoveryMs)} s after restart`);

    // Twilio retrying messages we already answered, all at once.
    const dupSource = reports.filter((r) => acked.has(r.i)).slice(0, duplicates);
    const dup = await runLoad({ url: svc.baseUrl, concurrency: dupSource.length || 1, total: dupSource.length, timeoutMs: 10_000, deadlineMs: 60_000, makeRequest: (i) => dupSource[i]!.request });

    const ackedReports = reports.filter((r) => acked.has(r.i));
    const settle = await waitForSettled(d.db, reports.map((r) => r.sid), d.o.settleTimeoutMs);
    d.o.progress(`kill: settled=${settle.settled} after ${s(settle.ms)} s`);
    await sleep(1000); // last status callbacks
    const inv = await checkInvariants(d.db, ackedReports);
    const counts = providerCounts(fake, ackedReports.map((r) => r.phone), ackedReports.length);
    const results = [
      ...exactlyOnceResults('faults.kill', inv, counts),
      checked('faults.kill.recovery', s(recoveryMs), 's', `≤ ${RECOVERY_TARGET_S} s from restart to the first 200`, recoveryMs / 1000 <= RECOVERY_TARGET_S),
      checked('faults.kill.duplicates_not_200', dup.items - dup.ok, 'requests', '0 (a retried MessageSid is answered and changes nothing)', dup.ok === dup.items),
      checked('faults.kill.settled', settle.settled ? 1 : 0, 'bool', `inbound backlog 0 and outbox settled within ${s(d.o.settleTimeoutMs)} s`, settle.settled),
      informational('faults.kill.non_200_attempts', non200(load), 'requests'),
      informational('faults.kill.unanswered_after_retries', total - load.ok, 'requests'),
      informational('faults.kill.settle_time', s(settle.ms), 's'),
      informational('faults.kill.webhook_p99', load.latencies.p99, 'ms'),
    ];
    return {
      results,
      details: {
        load: loadSummary(load),
        duplicates: loadSummary(dup),
        killAfterAnswered: Math.ceil(total / 2),
        downMs: Math.round(restartAt - killAt),
        recoveryMs: Math.round(recoveryMs),
        settle,
        invariants: inv,
        provider: counts,
      },
    };
  } finally {
    await svc.stop();
    await fake.close();
  }
}

// ── Drill 2: the provider hangs ──────────────────────────────────────────────────────────────────────────

/** GETs a path every intervalMs until stopped; keeps each answer's status and latency. */
function sampler(url: string, intervalMs: number) {
  const samples: { at: number; status: number; ms: number }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = now();
      const r = await probe(url, 5000);
      samples.push({ at: t, status: r.status, ms: r.ms });
      await sleep(Math.max(0, intervalMs - (now() - t)));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await done;
    },
  };
}

async function alertsAccepted(db: DrillDb, phones: string[]): Promise<number> {
  const [r] = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM outbox WHERE kind = 'alert' AND status IN ('sent', 'delivered')
       AND report_id IN (SELECT id FROM hazard_reports WHERE reporter_phone = ANY($1::text[]))`,
    [phones],
  );
  return Number(r?.n ?? 0);
}

async function hangDrill(d: Drill): Promise<{ results: BenchResult[]; details: Record<string, unknown> }> {
  const { hangMs, reports: total, concurrency } = d.o.hang;
  const fake = await startFake();
  const port = await freePort();
  const svc = launch(d, 'hang', port, fake);
  try {
    await svc.waitUntilServing(60_000);
    // Warm up (first requests compile routes, open pool connections) and prove the path works before the fault.
    const warm = makeReports(d, 'w', port, 190_000, 5);
    await runLoad({ url: svc.baseUrl, concurrency: 5, total: warm.length, deadlineMs: 60_000, retry: TWILIO_LIKE_RETRY, makeRequest: (i) => warm[i]!.request });
    await waitForSettled(d.db, warm.map((r) => r.sid), 60_000);

    const reports = makeReports(d, 'h', port, 200_000, total);
    const acked = new Set<number>();
    d.o.progress(`hang: provider hangs for ${s(hangMs)} s; ${total} reports meanwhile`);
    fake.hang();
    const hangAt = now();
    const health = sampler(`${svc.baseUrl}/health`, 100);
    // The reports arrive over the first half of the hang, so the webhook is measured while sends pile up.
    const load = await runLoad({
      url: svc.baseUrl,
      concurrency,
      total,
      ratePerSecond: total / Math.max(1, hangMs / 2000),
      timeoutMs: 10_000,
      deadlineMs: LOAD_DEADLINE_MS,
      retry: TWILIO_LIKE_RETRY,
      makeRequest: (i) => reports[i]!.request,
      onResult: (r) => void (r.status === 200 && acked.add(r.i)),
    });
    await sleep(Math.max(0, hangAt + hangMs - now()));
    await health.stop();
    fake.recover();
    const recoverAt = now();
    const ackedReports = reports.filter((r) => acked.has(r.i));
    const phones = ackedReports.map((r) => r.phone);
    const sentDuringHang = await alertsAccepted(d.db, phones);
    d.o.progress(`hang: provider back; waiting for ${ackedReports.length} alerts`);
    let alertsDone = sentDuringHang;
    const deadline = recoverAt + d.o.settleTimeoutMs;
    while (alertsDone < ackedReports.length && now() < deadline) {
      await sleep(250);
      alertsDone = await alertsAccepted(d.db, phones);
    }
    const alertsMs = now() - recoverAt;
    const allAlerts = alertsDone >= ackedReports.length;
    const settle = await waitForSettled(d.db, reports.map((r) => r.sid), d.o.settleTimeoutMs);
    await sleep(1000);
    const inv = await checkInvariants(d.db, ackedReports);
    const counts = providerCounts(fake, ackedReports.map((r) => r.phone), ackedReports.length + warm.length);
    const healthLat = summarize(health.samples.map((x) => x.ms));
    const healthBad = health.samples.filter((x) => x.status !== 200).length;
    d.o.progress(`hang: alerts ${alertsDone}/${ackedReports.length} after ${s(alertsMs)} s; /health p99 ${healthLat.p99} ms; webhook p99 ${load.latencies.p99} ms`);
    const results = [
      ...exactlyOnceResults('faults.hang', inv, counts),
      checked('faults.hang.health_p99', healthLat.p99, 'ms', `< ${LATENCY_TARGET_MS} ms during the hang`, healthLat.p99 < LATENCY_TARGET_MS && healthBad === 0),
      checked('faults.hang.webhook_p99', load.latencies.p99, 'ms', `< ${LATENCY_TARGET_MS} ms during the hang`, load.latencies.p99 < LATENCY_TARGET_MS && load.ok === total),
      checked('faults.hang.alerts_after_recovery', allAlerts ? s(alertsMs) : NaN, 's', `every alert accepted by the provider ≤ ${ALERTS_AFTER_RECOVERY_TARGET_S} s after it recovers`, allAlerts && alertsMs / 1000 <= ALERTS_AFTER_RECOVERY_TARGET_S),
      informational('faults.hang.duration', s(hangMs), 's'),
      informational('faults.hang.health_max', healthLat.max, 'ms'),
      informational('faults.hang.webhook_max', load.latencies.max, 'ms'),
      informational('faults.hang.alerts_sent_during_hang', sentDuringHang, 'alerts'),
    ];
    return {
      results,
      details: {
        hangMs,
        load: loadSummary(load),
        health: { ...healthLat, non200: healthBad },
        alerts: { expected: ackedReports.length, acceptedDuringHang: sentDuringHang, accepted: alertsDone, msAfterRecovery: Math.round(alertsMs) },
        settle,
        invariants: inv,
        provider: counts,
      },
    };
  } finally {
    fake.recover();
    await svc.stop();
    await fake.close();
  }
}

// ── Drill 3: database sessions terminated under load ─────────────────────────────────────────────────────

async function terminateSessions(d: Drill): Promise<number> {
  const client = new pg.Client({ connectionString: d.url, application_name: 'bench-drills-terminator' });
  await client.connect();
  try {
    const r = await client.query(
      `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE $1`,
      [`hazardline:drills-${d.tag}-%`],
    );
    return r.rows.filter((x: { t: boolean }) => x.t).length;
  } finally {
    await client.end();
  }
}

async function terminateDrill(d: Drill): Promise<{ results: BenchResult[]; details: Record<string, unknown> }> {
  const { reports: total, concurrency, terminations, intervalMs } = d.o.terminate;
  const fake = await startFake();
  const port = await freePort();
  const svc = launch(d, 'terminate', port, fake);
  let exitedEarly = false;
  void svc.exited.then(() => void (exitedEarly = true));
  try {
    await svc.waitUntilServing(60_000);
    const reports = makeReports(d, 't', port, 300_000, total + 1000);
    const acked = new Set<number>();
    const ready = sampler(`${svc.baseUrl}/ready`, 250);
    const killed: { atMs: number; sessions: number }[] = [];
    let terminator: Promise<void> | undefined;
    const t0 = now();
    const terminate = async () => {
      for (let k = 0; k < terminations; k++) {
        if (k) await sleep(intervalMs);
        const n = await terminateSessions(d);
        killed.push({ atMs: Math.round(now() - t0), sessions: n });
        d.o.progress(`terminate: ${n} sessions of the service terminated`);
      }
    };
    d.o.progress(`terminate: ${total} reports at ${concurrency} connections, ${terminations} terminations`);
    const load = await runLoad({
      url: svc.baseUrl,
      concurrency,
      total,
      timeoutMs: 10_000,
      deadlineMs: LOAD_DEADLINE_MS,
      retry: TWILIO_LIKE_RETRY,
      makeRequest: (i) => reports[i]!.request,
      onResult: (r) => {
        if (r.status === 200) acked.add(r.i);
        if (!terminator && acked.size >= total / 4) terminator = terminate();
      },
    });
    await terminator;
    const lastTerminate = t0 + (killed.at(-1)?.atMs ?? 0);
    // Serves again: a fresh report answered 200, and /ready 200, counted from the last termination.
    let webhookBackMs = NaN;
    for (let i = total; i < total + 1000 && now() - lastTerminate < 60_000 && !exitedEarly; i++) {
      const r = await runLoad({ url: svc.baseUrl, concurrency: 1, total: 1, timeoutMs: 5000, makeRequest: () => reports[i]!.request });
      if (r.ok) {
        acked.add(i);
        webhookBackMs = now() - lastTerminate;
        break;
      }
      await sleep(200);
    }
    let readyBackMs = NaN;
    while (now() - lastTerminate < 60_000 && !exitedEarly) {
      if ((await probe(`${svc.baseUrl}/ready`, 3000)).status === 200) {
        readyBackMs = now() - lastTerminate;
        break;
      }
      await sleep(200);
    }
    await ready.stop();
    const ackedReports = reports.filter((r) => acked.has(r.i));
    const settle = await waitForSettled(d.db, ackedReports.map((r) => r.sid), d.o.settleTimeoutMs);
    await sleep(1000);
    const inv = await checkInvariants(d.db, ackedReports);
    const counts = providerCounts(fake, ackedReports.map((r) => r.phone), ackedReports.length);
    const readyCounts: Record<string, number> = {};
    for (const x of ready.samples) readyCounts[String(x.status)] = (readyCounts[String(x.status)] ?? 0) + 1;
    const readyLat = summarize(ready.samples.map((x) => x.ms));
    const back = Math.max(webhookBackMs, readyBackMs);
    d.o.progress(`terminate: webhook back ${s(webhookBackMs)} s, /ready back ${s(readyBackMs)} s after the last termination; settled=${settle.settled}`);
    const results = [
      ...exactlyOnceResults('faults.terminate', inv, counts),
      checked('faults.terminate.recovery', s(back), 's', `≤ ${RECOVERY_TARGET_S} s from the last termination to a 200 on the webhook and /ready`, back / 1000 <= RECOVERY_TARGET_S),
      checked('faults.terminate.service_exited', exitedEarly ? 1 : 0, 'bool', '0 (the process survives)', !exitedEarly),
      checked('faults.terminate.settled', settle.settled ? 1 : 0, 'bool', `every answered message handled within ${s(d.o.settleTimeoutMs)} s`, settle.settled),
      informational('faults.terminate.sessions_terminated', killed.reduce((a, k) => a + k.sessions, 0), 'sessions'),
      informational('faults.terminate.non_200_attempts', non200(load), 'requests'),
      informational('faults.terminate.ready_not_200', ready.samples.filter((x) => x.status !== 200).length, 'samples'),
      informational('faults.terminate.ready_p99', readyLat.p99, 'ms'),
    ];
    return {
      results,
      details: {
        load: loadSummary(load),
        terminations: killed,
        webhookBackMs: Math.round(webhookBackMs),
        readyBackMs: Math.round(readyBackMs),
        ready: { samples: ready.samples.length, statusCounts: readyCounts, latencyMs: readyLat },
        settle,
        invariants: inv,
        provider: counts,
      },
    };
  } finally {
    await svc.stop();
    await fake.close();
  }
}

// ── Suite ────────────────────────────────────────────────────────────────────────────────────────────────

export async function runFaultsBench(database: BenchDatabase, options: Partial<FaultsOptions> = {}): Promise<SuiteOutput> {
  if (database.info.kind !== 'postgres' || !database.url || !database.info.schema) {
    throw new Error('faults: needs PostgreSQL (--db postgres): the service runs as separate processes');
  }
  const o = { ...faultsOptions(), ...options };
  const tag = randomBytes(2).toString('hex');
  const logDir = join(os.tmpdir(), `hazardline-faults-${tag}`);
  mkdirSync(logDir, { recursive: true });
  const results: BenchResult[] = [];
  const details: Record<string, unknown> = { quick: o.quick, options: { kill: o.kill, hang: o.hang, terminate: o.terminate }, logDir };
  o.progress(`${o.quick ? 'quick' : 'full'} run; service logs in ${logDir}`);
  for (const [name, drill] of [['kill', killDrill], ['hang', hangDrill], ['terminate', terminateDrill]] as const) {
    // Each drill gets a schema of its own: a backlog one drill leaves must not be worked off, and counted, by the next.
    const schema = `${database.info.schema}_${name}`;
    await adminQuery(database.url, `CREATE SCHEMA "${schema}"`);
    const db = await openDrillDb(database.url, schema);
    const d: Drill = { tag, database, url: database.url, schema, db, logDir, o, started: 0 };
    const t = now();
    try {
      const out = await drill(d);
      results.push(...out.results);
      details[name] = { ...out.details, durationS: s(now() - t) };
    } catch (err) {
      // One drill that cannot finish (a service that never starts) must not hide the others' numbers.
      const message = err instanceof Error ? err.message : String(err);
      o.progress(`${name}: drill failed: ${message}`);
      results.push(checked(`faults.${name}.completed`, 0, 'bool', 'the drill runs to the end', false));
      details[name] = { error: message, durationS: s(now() - t) };
    } finally {
      await db.close();
      await adminQuery(database.url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    }
  }
  const k = o.kill;
  return {
    results,
    details,
    notes: [
      `${o.quick ? 'QUICK run (--quick / BENCH_QUICK=1): smaller numbers, shorter hang; not the issue-8 drill sizes. ' : ''}The service runs as child processes (node --import tsx src/server.ts) on this schema, sending through the twilio SDK to a fake Twilio in the bench process.`,
      `kill: ${k.reports} reports at ${k.concurrency} connections, SIGKILL after half were answered, restart on the same port and database, failed requests retried with the same MessageSid, then ${k.duplicates} concurrent duplicates.`,
      `hang: the fake holds every request unanswered for ${s(o.hang.hangMs)} s (TWILIO_TIMEOUT_MS=2000, SEND_CLAIM_TIMEOUT_SECONDS=5) while ${o.hang.reports} reports arrive; "alerts_after_recovery" counts alert rows sent or delivered.`,
      `terminate: pg_terminate_backend on the service's sessions (application_name hazardline:drills-…) ${o.terminate.terminations}× ${s(o.terminate.intervalMs)} s apart while ${o.terminate.reports} reports arrive at ${o.terminate.concurrency} connections.`,
      'non_200_attempts are webhook attempts answered 5xx or not at all during a fault: Twilio retries those, so they are not losses; "lost" is a 200 without a stored row.',
    ],
  };
}

