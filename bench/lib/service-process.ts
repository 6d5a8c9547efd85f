// The real service as a child process (`node --import tsx src/server.ts`), for drills that kill it, restart it
// and watch it recover. Its environment is built from scratch (plus PATH and HOME), so nothing from the
// benchmark's own environment leaks in; its log goes to a file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import http from 'node:http';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServiceOptions {
  /** Service settings (PORT, DATABASE_URL, TWILIO_…); PATH and HOME are added. */
  env: Record<string, string>;
  /** Appended to, one file for every start of the service in a drill. */
  logFile: string;
  /** Tag written to the log before this process's own lines. */
  label?: string;
}

export interface ServiceProcess {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** performance.now() when the process was spawned. */
  readonly startedAt: number;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `kill -9`: no shutdown hook runs. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after graceMs). */
  stop(graceMs?: number): Promise<void>;
  /** Polls GET path until it answers 200; rejects after timeoutMs or when the process exits. Returns ms waited. */
  waitUntilServing(timeoutMs: number, path?: string): Promise<number>;
}

/** A port nobody listens on right now (the OS picks it; a race with another process is possible but rare). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GET a loopback URL without keep-alive; resolves with the status (0 when it failed) and the time taken. */
export function probe(url: string, timeoutMs = 2000): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve({ status: 0, ms: performance.now() - started, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, body: '' }));
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// A benchmark that dies (an exception, Ctrl-C, a timeout) must not leave services running.
const live = new Set<ChildProcess>();
const killLive = () => {
  for (const c of live) c.kill('SIGKILL');
};
process.on('exit', killLive);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLive();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export function startService(o: ServiceOptions): ServiceProcess {
  const port = Number(o.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('startService: env.PORT must be a fixed port (restarts reuse it)');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...o.env };
  const log: WriteStream = createWriteStream(o.logFile, { flags: 'a' });
  log.write(`\n===== ${new Date().toISOString()} ${o.label ?? 'service'} start (port ${port}) =====\n`);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  live.add(child);
  const startedAt = performance.now();
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      gone = true;
      live.delete(child);
      log.write(`===== ${new Date().toISOString()} ${o.label ?? 'service'} exited (code ${code}, signal ${signal}) =====\n`);
      // Let the pipes drain before closing the file.
      setTimeout(() => log.end(), 100);
      resolve({ code, signal });
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    pid: child.pid!,
    port,
    baseUrl,
    startedAt,
    exited,
    async kill9() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
    async waitUntilServing(timeoutMs, path = '/health') {
      const t0 = performance.now();
      while (performance.now() - t0 < timeoutMs) {
        if (gone) throw new Error(`${o.label ?? 'service'} exited before serving; see ${o.logFile}`);
        const r = await probe(`${baseUrl}${path}`, 1000);
        if (r.status === 200) return performance.now() - t0;
        await sleep(100);
      }
      throw new Error(`${o.label ?? 'service'} did not serve ${path} within ${timeoutMs} ms; see ${o.logFile}`);
    },
  };
}
