// The dispatcher: claims due outbox rows, paces them per sender, sends through the transport and records the
// result. Any number of instances may run against one PostgreSQL: claims use SKIP LOCKED and pacing lives in
// the database. Batches are small (about half a second of sending) so an alert queued behind a campaign
// is claimed within the next batch.
import type { Db } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Clock } from '../lib/clock.js';
import type { Transport, SendResult, CallRequest } from '../messaging/transport.js';
import { outboxCallUrl } from '../messaging/voice-urls.js';
import type { Forwarder } from '../messaging/forwarder.js';
import { claimCalls, claimMessages, recoverStaleClaims, releaseClaims, type ClaimedRow } from './claim.js';
import { delaySender, reserveSlotAt, DbClock } from './pacing.js';
import { recordAccepted, recordSendResult, type Accepted, type RetryPolicy } from './record-result.js';
import { reconcileUnknown, type ReconcileResult } from './reconcile.js';
import { maskPhone } from '../lib/logger.js';

/**
 * Lateness a paced send may carry without pushing the sender's later slots back; only the excess is pushed.
 * A 1 s window at the provider holds at most rate × (1 − headroom) × (1 + jitter/1 s) + 1 sends, which stays
 * ≤ rate while the unpushed jitter (this, plus the network's) stays under headroom × 1 s ≈ 15 ms.
 */
const LATE_TOLERANCE_MS = 4;
/** How often a running dispatcher looks for `unknown` rows due a lookup. */
const RECONCILE_EVERY_MS = 1000;
const RECONCILE_BATCH = 50;

export interface DispatcherOptions extends RetryPolicy {
  instanceId: string;
  smsRatePerSecond: number;
  callsConcurrent: number;
  concurrency: number;
  claimTimeoutSeconds: number;
  pollMs: number;
  /** The default sender, used as the pacing key for rows without their own. */
  defaultSender: string;
  /** Base for status callback URLs: `${base}/webhooks/twilio/status?o=<outbox id>`. */
  publicBaseUrl: string;
  /** An `unknown` SMS is first looked up at the provider this long after its send (default 10 s). */
  reconcileGraceMs?: number;
  /** Not found at the provider this long after its send: sent again, same row (default 2 min). */
  reconcileResendAfterMs?: number;
  /** Ask the provider for answering-machine detection on calls whose row wants it (default true). */
  machineDetection?: boolean;
}

export class Dispatcher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private lastRecovery = 0;
  /** Accepted sends waiting to be recorded together (see recordAccepted). */
  private accepted: Accepted[] = [];
  /** Flushes under way; waited for by runOnce() and stop(), never by the send slots. */
  private readonly flushes = new Set<Promise<void>>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** The reconcile round under way, if any: it runs beside sending, never in its way. */
  private reconciling: Promise<void> | null = null;
  private lastReconcile = 0;
  /** This process's view of the database clock, for turning paced slots into local deadlines. */
  private readonly dbClock = new DbClock();

  constructor(
    private readonly prisma: Db,
    private readonly transport: Transport,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** Team webhooks; rows of channel 'webhook' fail permanently without one. */
    private readonly forwarder: Forwarder | null = null,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, lets in-flight sends finish, gives back claimed rows not yet sent. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    // Without this, a later runOnce()/drain() would take itself for a stopping loop and release every row it claims.
    this.loop = null;
    await this.reconciling;
    await this.settle();
  }

  /** Nudges an idle dispatcher (e.g. right after an alert is queued) instead of waiting for the next poll. */
  notify(): void {
    this.wake?.();
  }

  /** One claim-and-send round; resolves when every send it started has been recorded. For tests and benchmarks. */
  async runOnce(): Promise<number> {
    const n = await this.dispatchBatch();
    await this.settle();
    return n;
  }

  /** Sends until nothing is due. For tests. */
  async drain(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
    return total;
  }

  /**
   * Looks up due `unknown` SMS at the provider (see reconcile.ts). The run loop does this every second in the
   * background; tests call it directly.
   */
  async reconcile(): Promise<ReconcileResult> {
    const leaseMs = Math.max(10_000, this.opts.claimTimeoutSeconds * 1000);
    const r = await reconcileUnknown(
      this.prisma,
      this.transport,
      {
        instanceId: this.opts.instanceId,
        batch: RECONCILE_BATCH,
        graceMs: this.opts.reconcileGraceMs ?? 10_000,
        resendAfterMs: this.opts.reconcileResendAfterMs ?? 120_000,
        leaseMs,
        maxAttempts: this.opts.maxAttempts,
      },
      this.clock.now(),
      (err, outboxId) => this.log.warn({ err, outboxId }, 'could not settle an unknown send'),
    );
    if (r.found || r.resent || r.failed || r.unreachable) this.log.info(r, 'reconciled unknown sends with the provider');
    if (r.resent || r.failed) this.notify();
    return r;
  }

  private reconcileIfDue(): void {
    const now = Date.now();
    if (this.reconciling || now - this.lastReconcile < RECONCILE_EVERY_MS) return;
    this.lastReconcile = now;
    this.reconciling = this.reconcile()
      .then(() => undefined)
      .catch((err: unknown) => this.log.error({ err }, 'reconcile round failed; retrying'))
      .finally(() => (this.reconciling = null));
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.recoverIfDue();
        this.reconcileIfDue();
        const n = await this.dispatchBatch();
        if (n === 0 && this.running) await this.idle(this.opts.pollMs);
      } catch (err) {
        this.log.error({ err }, 'dispatcher round failed; retrying');
        await this.idle(Math.max(this.opts.pollMs, 1000));
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async recoverIfDue(): Promise<void> {
    const now = Date.now();
    // Often enough to settle a dead instance's rows well within the claim timeout, rarely enough to stay cheap.
    if (now - this.lastRecovery < Math.max(10_000, (this.opts.claimTimeoutSeconds * 1000) / 2)) return;
    this.lastRecovery = now;
    const r = await recoverStaleClaims(this.prisma, this.opts.claimTimeoutSeconds);
    if (r.resent || r.unknown) this.log.warn(r, 'recovered rows left sending by a stopped process');
  }

  private batchSize(): number {
    const rate = this.opts.smsRatePerSecond;
    // About half a second of sending at the paced rate; unpaced, enough to keep every sender slot busy.
    return rate > 0 ? Math.max(1, Math.min(200, Math.ceil(rate / 2))) : Math.max(200, this.opts.concurrency * 20);
  }

  private async dispatchBatch(): Promise<number> {
    const calls = await claimCalls(this.prisma, this.opts.instanceId, this.opts.callsConcurrent);
    for (const row of calls) await this.startSend(row);
    const paced = this.opts.smsRatePerSecond > 0;
    const rows = await claimMessages(this.prisma, this.opts.instanceId, this.batchSize(), !paced);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!this.running && this.loop) {
        const rest = rows.slice(i).map((r) => r.id);
        await releaseClaims(this.prisma, this.opts.instanceId, rest);
        this.log.info({ released: rest.length }, 'released claimed rows on shutdown');
        break;
      }
      if (row.channel === 'sms' && paced) {
        const sender = row.sender ?? this.opts.defaultSender;
        const t0 = performance.now();
        const slot = await reserveSlotAt(this.prisma, sender, row.segments, this.opts.smsRatePerSecond, row.id);
        this.dbClock.sample(slot.dbNowMs, t0, performance.now());
        // The slot as a local deadline through the database clock, not "now + wait": the time the answer took
        // to come back (a busy pool, a busy event loop) is lateness too, and must be pushed onto later slots.
        const planned = this.dbClock.toLocal(slot.startsAtMs);
        const wait = planned - performance.now();
        if (wait > 0) await sleep(wait);
        await this.startSend(row);
        // A send that left late (a busy event loop, a full concurrency pool) sits closer to the next one than the
        // rate allows: push the sender's next slot back by the delay before the next reservation.
        const late = performance.now() - planned;
        if (late > LATE_TOLERANCE_MS) await delaySender(this.prisma, sender, late - LATE_TOLERANCE_MS);
        continue;
      }
      await this.startSend(row);
    }
    return calls.length + rows.length;
  }

  private async startSend(row: ClaimedRow): Promise<void> {
    while (this.inflight.size >= this.opts.concurrency) await Promise.race(this.inflight);
    const p = this.send(row).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async send(row: ClaimedRow): Promise<void> {
    const statusCallback = `${this.opts.publicBaseUrl}/webhooks/twilio/status?o=${row.id}`;
    let result: SendResult;
    try {
      if (row.channel === 'webhook') result = await this.postWebhook(row);
      else if (row.channel === 'voice') result = await this.transport.placeCall(this.callRequest(row, statusCallback));
      else {
        result = await this.transport.sendSms({ to: row.recipient, from: row.sender ?? undefined, body: row.body, statusCallback });
      }
    } catch (err) {
      // A transport must return errors, not throw; if one throws anyway, treat it as retryable.
      result = { ok: false, error: { kind: 'transient', code: null, message: (err as Error).message ?? String(err) } };
    }
    if (result.ok) {
      // The send slot is free as soon as the provider answered; the write follows in a batch.
      this.accepted.push({ id: row.id, providerId: result.providerId, status: result.status });
      if (this.accepted.length >= 200) this.flushAccepted();
      else this.flushTimer ??= setTimeout(() => this.flushAccepted(), 10);
      return;
    }
    try {
      const outcome = await recordSendResult(this.prisma, row, result, this.opts, this.clock.now());
      const { kind, code, message, httpStatus } = result.error;
      this.log.warn(
        {
          outboxId: row.id, kind: row.kind, channel: row.channel, to: row.channel === 'webhook' ? hostOf(row.recipient) : maskPhone(row.recipient),
          attempt: row.attempts, errorKind: kind, errorCode: code, httpStatus, error: message, outcome,
        },
        outcome === 'unknown' ? 'send outcome unknown; will ask the provider' : outcome === 'retry' ? 'send failed; will retry' : 'send failed',
      );
    } catch (err) {
      // The row stays `sending`; crash recovery will settle it. Log loudly: this should not happen.
      this.log.error({ err, outboxId: row.id }, 'could not record a send result');
    }
  }

  /** A call runs the row's TwiML, or the TwiML our server serves at the row's call URL (with its outbox id). */
  private callRequest(row: ClaimedRow, statusCallback: string): CallRequest {
    const amd = this.opts.machineDetection !== false && (row.machineDetection === 'Enable' || row.machineDetection === 'DetectMessageEnd')
      ? row.machineDetection
      : undefined;
    const how = row.callUrl ? { twimlUrl: outboxCallUrl(this.opts.publicBaseUrl, row.callUrl, row.id) } : { twiml: row.body };
    return { to: row.recipient, from: row.sender ?? undefined, ...how, statusCallback, machineDetection: amd };
  }

  private flushAccepted(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.accepted;
    this.accepted = [];
    if (batch.length === 0) return;
    const p = recordAccepted(this.prisma, batch, this.clock.now())
      .catch((err: unknown) => {
        // The rows stay `sending`; crash recovery settles them (alerts resent, campaign messages unknown).
        this.log.error({ err, rows: batch.length }, 'could not record accepted sends');
      })
      .finally(() => this.flushes.delete(p));
    this.flushes.add(p);
  }

  /** Waits until every send started so far has finished and been recorded. */
  private async settle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    this.flushAccepted();
    await Promise.allSettled([...this.flushes]);
  }

  private async postWebhook(row: ClaimedRow): Promise<SendResult> {
    if (!this.forwarder) {
      return { ok: false, error: { kind: 'permanent', code: null, message: 'no webhook forwarder configured' } };
    }
    // The secret stays with the team, never in the outbox: looked up at send time.
    // A victim-assistance provider's referral webhook (no alert) is signed with the provider's secret.
    const [team] = await this.prisma.$queryRaw<{ secret: string | null }[]>`
      SELECT t.webhook_secret AS secret FROM outbox o
      JOIN alerts a ON a.id = o.alert_id JOIN clearance_teams t ON t.id = a.team_id
      WHERE o.id = ${row.id}
      UNION ALL
      SELECT p.webhook_secret FROM outbox o JOIN va_service_providers p ON p.webhook_url = o.recipient
      WHERE o.id = ${row.id} AND o.alert_id IS NULL AND o.dedupe_key LIKE 'va:referral:%' AND p.webhook_secret IS NOT NULL
      LIMIT 1`;
    return this.forwarder.post({ url: row.recipient, body: row.body, secret: team?.secret ?? null });
  }
}

/** A webhook URL's host only: its path or query may carry a token. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid url)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
