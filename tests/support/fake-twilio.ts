// A fake Twilio REST API on loopback, so tests and benchmarks drive the REAL twilio SDK (auth, form encoding,
// error parsing) through createTwilioTransport({ apiBaseUrl }) without an account or the internet.
//
// Failure precedence, per create request that passed auth: (1) the failNext queue, FIFO, one entry per
// request; else (2) the first failWhen rule, in registration order, whose predicate matches (rules stay
// until removed or clear()); else success. A matched `{ delayMs }` answers normally after that delay instead
// of delayAllMs; delayAllMs applies to every other answer, errors included. `{ timeout: true }` never answers
// and `{ reset: true }` destroys the connection; both create the message first unless `accept: false` (Twilio
// took it, the answer was lost: the "unknown" case the outbox reconciles).
//
// Provider-wide faults (setMode / hang / slow / resets) apply to EVERY request, list lookups included, until
// recover() or the given duration ends: 'hang' accepts the connection and never answers, 'slow' answers after
// a delay, 'reset' destroys the socket mid-request. The Messages list resource (GET …/Messages.json with To,
// From, DateSent, DateSent>, DateSent<, PageSize, Page) serves every message the fake created, answered or not.
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

export type FakeFailure =
  /** `code` defaults by status (401→20003, 404→20404, 429→20429, 500→20500, 503→20503); null omits it. */
  | { status: number; code?: number | null; message?: string; rawBody?: string }
  | { timeout: true; accept?: boolean }
  | { reset: true; accept?: boolean }
  | { delayMs: number };

export type FakeMode = 'normal' | 'hang' | 'slow' | 'reset';
export interface FakeModeOptions {
  /** Back to normal after this long; otherwise until recover(). */
  forMs?: number;
  /** 'slow': how long each answer takes. */
  delayMs?: number;
  /** 'hang'/'reset': whether a create is still carried out before the silence or the reset (default true). */
  accept?: boolean;
}

export interface FakeRequest {
  /** Arrival time, ms: performance.timeOrigin + performance.now() (comparable across processes). */
  at: number;
  kind: 'sms' | 'call';
  /** The form fields as sent (To, From, Body, StatusCallback…); repeated keys joined with a space. */
  params: Record<string, string>;
  authUser: string | null;
  sid?: string;
  /** 0 until answered (and forever for a request that hung or was reset). */
  responseStatus: number;
  /** The message's status as the list resource shows it (updated by status callbacks the fake sends). */
  status?: string;
  /** True when the connection was destroyed instead of answered. */
  reset?: boolean;
}

export interface FakeCallback { at: number; sid: string; status: string; url: string; responseStatus: number }
export interface SignedCallback { url: string; path: string; params: Record<string, string>; signature: string }
export interface CallbackOptions { errorCode?: string; delayMs?: number; extra?: Record<string, string> }

/**
 * How the fake's phone network treats a call to a number (answerCalls): picked up by a person or an answering
 * machine (the call's Url is fetched, with AnsweredBy when MachineDetection was asked for, then `completed`),
 * or busy / no-answer / failed (only that status callback).
 */
export type CallOutcome = 'human' | 'machine' | 'busy' | 'no-answer' | 'failed';

/** A webhook POST the fake made for a call (its Url or StatusCallback) and what our server answered. */
export interface CallWebhook { sid: string; url: string; params: Record<string, string>; status: number; text: string }

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Statuses to POST to a message's StatusCallback after each successful create, e.g. ['sent','delivered']. */
  autoCallbacks?: string[];
  /** The same for calls, e.g. ['initiated','ringing','answered','completed']. */
  autoCallCallbacks?: string[];
  delayAllMs?: number;
  /**
   * Delivers the fake's webhook POSTs (call Urls, status callbacks of answered calls) somewhere other than
   * over HTTP to the URL, e.g. into a supertest app: `(cb) => request(app).post(cb.path)…`.
   */
  deliver?: (cb: SignedCallback) => Promise<{ status: number; text: string }>;
}

const API = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/;
const LIST_PAGE_SIZE = 50;
const DEFAULT_CODES: Record<number, number> = { 401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503 };
// What a Messaging Service "picked" as the sender, for callbacks of sends made without From.
const SERVICE_FROM = '+15005550006';
const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

const now = () => performance.timeOrigin + performance.now();
const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

function segments(body: string): number {
  const gsm = GSM7.test(body);
  const len = gsm ? body.length + (body.match(/[\^{}\\[~\]|€]/g)?.length ?? 0) : [...body].length;
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return len <= single ? 1 : Math.ceil(len / part);
}

export function createFakeTwilio(opts: FakeTwilioOptions) {
  const { accountSid, authToken } = opts;
  const requests: FakeRequest[] = [];
  const callbacks: FakeCallback[] = [];
  const callbackErrors: Error[] = [];
  const created = new Map<string, FakeRequest>();
  let failQueue: FakeFailure[] = [];
  let rules: Array<{ when: (p: Record<string, string>) => boolean; f: FakeFailure }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let server: http.Server | undefined;
  let baseUrl = '';
  let mode: FakeMode = 'normal';
  let modeOpts: FakeModeOptions = {};
  let modeTimer: NodeJS.Timeout | undefined;
  const outcomes = new Map<string, CallOutcome>();
  const flows = new Set<Promise<unknown>>();
  const callWebhooks: CallWebhook[] = [];

  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  function send(res: http.ServerResponse, status: number, body: unknown, record?: FakeRequest) {
    if (record) record.responseStatus = status;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' }).end(text);
  }

  function errorBody(status: number, code: number | null | undefined, message?: string) {
    const c = code === undefined ? (DEFAULT_CODES[status] ?? null) : code;
    return { ...(c !== null ? { code: c, more_info: `https://www.twilio.com/docs/errors/${c}` } : {}), message: message ?? `HTTP ${status}`, status };
  }

  // The validations real Twilio does first, so a malformed send fails here as it would in production.
  function validate(kind: 'sms' | 'call', p: Record<string, string>): [number, string] | null {
    if (!p.To) return [21604, "A 'To' phone number is required."];
    if (kind === 'sms' && !p.From && !p.MessagingServiceSid) return [21603, "A 'From' phone number is required."];
    if (kind === 'sms' && !p.Body) return [21602, 'Message body is required.'];
    if (kind === 'sms' && (p.Body ?? '').length > 1600) return [21617, 'The concatenated message body exceeds the 1600 character limit.'];
    if (kind === 'call' && !p.From) return [21213, 'Caller phone number is required.'];
    if (kind === 'call' && !p.Url && !p.Twiml) return [21205, 'Url or Twiml parameter is required.'];
    return null;
  }

  function resource(kind: 'sms' | 'call', sid: string, p: Record<string, string>) {
    const date = rfc2822(new Date());
    const common = { sid, account_sid: accountSid, api_version: '2010-04-01', to: p.To, date_created: date, date_updated: date, direction: 'outbound-api', price: null, price_unit: 'USD' };
    const uri = `/2010-04-01/Accounts/${accountSid}/${kind === 'sms' ? 'Messages' : 'Calls'}/${sid}.json`;
    if (kind === 'call') return { ...common, from: p.From, status: 'queued', uri, answered_by: null, duration: null, start_time: null, end_time: null, parent_call_sid: null };
    // Twilio answers 'accepted' (not yet 'queued') when a Messaging Service still has to pick the sender.
    const status = p.From ? 'queued' : 'accepted';
    return { ...common, from: p.From ?? null, body: p.Body, status, num_segments: String(segments(p.Body ?? '')), num_media: '0', messaging_service_sid: p.MessagingServiceSid ?? null, error_code: null, error_message: null, date_sent: null, uri, subresource_uris: { media: uri.replace('.json', '/Media.json') } };
  }

  /** Creates the message (or call) as Twilio would before answering. */
  function create(kind: 'sms' | 'call', record: FakeRequest): string {
    const sid = newSid(kind === 'sms' ? 'SM' : 'CA');
    record.sid = sid;
    record.status = kind === 'sms' ? (record.params.From ? 'queued' : 'accepted') : 'queued';
    created.set(sid, record);
    return sid;
  }

  function destroy(req: http.IncomingMessage, record?: FakeRequest) {
    if (record) record.reset = true;
    req.socket.destroy();
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = API.exec(url.pathname);
    if (!m || (req.method !== 'POST' && !(req.method === 'GET' && m[2] === 'Messages'))) {
      return send(res, 404, errorBody(404, 20404, 'The requested resource was not found'));
    }
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    if (req.method === 'GET') return list(req, res, url, m[1]!, user, pass);
    const kind = m[2] === 'Messages' ? 'sms' : 'call';
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(raw)) params[k] = params[k] === undefined ? v : `${params[k]} ${v}`;
    const record: FakeRequest = { at: now(), kind, params, authUser: user || null, responseStatus: 0 };
    requests.push(record);
    if (user !== accountSid || pass !== authToken) return later(api.delayAllMs, () => send(res, 401, errorBody(401, 20003, 'Authenticate'), record));
    if (m[1] !== user) return later(api.delayAllMs, () => send(res, 404, errorBody(404, 20404, 'The requested resource was not found'), record));

    // A provider-wide fault wins over per-request rules: the provider is down for everyone.
    if (mode === 'hang' || mode === 'reset') {
      if (modeOpts.accept !== false && !validate(kind, params)) create(kind, record);
      if (mode === 'reset') destroy(req, record);
      return; // 'hang': hold the socket until the client gives up or close()
    }
    const f = failQueue.shift() ?? rules.find((r) => r.when(params))?.f;
    if (f && ('timeout' in f || 'reset' in f)) {
      if (f.accept !== false && !validate(kind, params)) create(kind, record);
      if ('reset' in f) destroy(req, record);
      return;
    }
    const delay = f && 'delayMs' in f ? f.delayMs : mode === 'slow' ? (modeOpts.delayMs ?? 1000) : api.delayAllMs;
    later(delay, () => {
      if (f && 'status' in f) return send(res, f.status, f.rawBody ?? errorBody(f.status, f.code, f.message), record);
      const invalid = validate(kind, params);
      if (invalid) return send(res, 400, errorBody(400, invalid[0], invalid[1]), record);
      const sid = create(kind, record);
      send(res, 201, resource(kind, sid, params), record);
      const outcome = kind === 'call' ? outcomes.get(params.To ?? '') : undefined;
      if (outcome) {
        const flow = runCall(sid, params, outcome)
          .catch((e: unknown) => callbackErrors.push(e instanceof Error ? e : new Error(String(e))))
          .finally(() => flows.delete(flow));
        flows.add(flow);
        return;
      }
      const auto = kind === 'sms' ? api.autoCallbacks : api.autoCallCallbacks;
      if (auto?.length && params.StatusCallback) {
        api.sendStatusCallbacks(sid, auto).catch((e: unknown) => callbackErrors.push(e instanceof Error ? e : new Error(String(e))));
      }
    });
  }

  /** GET Messages.json: Twilio's list resource over every message created, newest first, paged like Twilio. */
  function list(req: http.IncomingMessage, res: http.ServerResponse, url: URL, account: string, user?: string, pass?: string) {
    api.listRequests++;
    if (mode === 'hang') return;
    if (mode === 'reset') return destroy(req);
    const delay = mode === 'slow' ? (modeOpts.delayMs ?? 1000) : api.delayAllMs;
    later(delay, () => {
      if (user !== accountSid || pass !== authToken) return send(res, 401, errorBody(401, 20003, 'Authenticate'));
      if (account !== user) return send(res, 404, errorBody(404, 20404, 'The requested resource was not found'));
      const q = url.searchParams;
      const bound = (name: string) => (q.has(name) ? Date.parse(q.get(name)!) : undefined);
      const after = bound('DateSent>');
      const before = bound('DateSent<');
      const on = q.get('DateSent');
      // Twilio's dates have whole seconds; its filters compare those.
      const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
      const all = [...created.values()]
        .filter((r) => r.kind === 'sms')
        .filter((r) => !q.has('To') || r.params.To === q.get('To'))
        .filter((r) => !q.has('From') || r.params.From === q.get('From'))
        .filter((r) => after === undefined || sec(r.at) >= sec(after))
        .filter((r) => before === undefined || sec(r.at) <= sec(before))
        .filter((r) => !on || new Date(r.at).toISOString().slice(0, 10) === on.slice(0, 10))
        .sort((a, b) => b.at - a.at);
      const pageSize = Math.min(1000, Math.max(1, Number(q.get('PageSize') ?? LIST_PAGE_SIZE) || LIST_PAGE_SIZE));
      const page = Math.max(0, Number(q.get('Page') ?? 0) || 0);
      const items = all.slice(page * pageSize, (page + 1) * pageSize);
      const path = url.pathname;
      const filters = new URLSearchParams([...q].filter(([k]) => k !== 'Page' && k !== 'PageSize' && k !== 'PageToken'));
      const pageUri = (p: number) => {
        const u = new URLSearchParams(filters);
        u.set('PageSize', String(pageSize));
        u.set('Page', String(p));
        if (p > 0) u.set('PageToken', `PA${items.at(-1)?.sid ?? ''}`);
        return `${path}?${u.toString()}`;
      };
      const more = (page + 1) * pageSize < all.length;
      send(res, 200, {
        messages: items.map((r) => listed(r)),
        end: page * pageSize + Math.max(0, items.length - 1),
        first_page_uri: pageUri(0),
        next_page_uri: more ? pageUri(page + 1) : null,
        page,
        page_size: pageSize,
        previous_page_uri: page > 0 ? pageUri(page - 1) : null,
        start: page * pageSize,
        uri: `${path}?${q.toString()}`,
      });
    });
  }

  /** A created message as the list resource shows it: sent at once (date_sent is its creation time). */
  function listed(r: FakeRequest) {
    const base = resource('sms', r.sid!, r.params) as Record<string, unknown>;
    const date = rfc2822(new Date(r.at));
    return { ...base, status: r.status ?? 'sent', date_created: date, date_updated: date, date_sent: date };
  }

  /** Signs and POSTs a webhook as Twilio would: through opts.deliver when given, else over HTTP. */
  async function webhook(url: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    const u = new URL(url);
    if (opts.deliver) return opts.deliver({ url, path: `${u.pathname}${u.search}`, params, signature });
    return { status: await post(url, params, signature), text: '' };
  }

  /** A call to a number with an outcome: fetch its TwiML if someone (or something) picks up, then its final status. */
  async function runCall(sid: string, p: Record<string, string>, outcome: CallOutcome): Promise<void> {
    const common = { CallSid: sid, AccountSid: accountSid, From: p.From ?? '', To: p.To ?? '', Direction: 'outbound-api', ApiVersion: '2010-04-01' };
    const amd: Record<string, string> = p.MachineDetection
      ? { AnsweredBy: outcome === 'human' ? 'human' : p.MachineDetection === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start' }
      : {};
    const answered = outcome === 'human' || outcome === 'machine';
    if (answered && p.Url) {
      const params = { ...common, CallStatus: 'in-progress', ...amd };
      const r = await webhook(p.Url, params);
      callWebhooks.push({ sid, url: p.Url, params, status: r.status, text: r.text });
    }
    const rec = created.get(sid);
    if (rec) rec.status = answered ? 'completed' : outcome;
    if (!p.StatusCallback) return;
    const params: Record<string, string> = {
      ...common, CallStatus: answered ? 'completed' : outcome, CallDuration: answered ? '42' : '0', CallbackSource: 'call-progress-events',
      Timestamp: rfc2822(new Date()), ...(answered ? amd : {}),
    };
    const r = await webhook(p.StatusCallback, params);
    callWebhooks.push({ sid, url: p.StatusCallback, params, status: r.status, text: r.text });
    callbacks.push({ at: now(), sid, status: params.CallStatus!, url: p.StatusCallback, responseStatus: r.status });
  }

  function post(url: string, params: Record<string, string>, signature: string): Promise<number> {
    const body = new URLSearchParams(params).toString();
    const mod = url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      // agent: false, so no keep-alive socket outlives the test that asked for the callback.
      const req = mod.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' } }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject).end(body);
    });
  }

  const api = {
    accountSid,
    authToken,
    requests,
    /** Every status callback the fake POSTed, in order, with the status our server answered. */
    callbacks,
    /** Failures of automatic callbacks (they have no caller to throw to). */
    callbackErrors,
    delayAllMs: opts.delayAllMs ?? 0,
    /** GET requests to the Messages list resource, answered or not. */
    listRequests: 0,
    autoCallbacks: opts.autoCallbacks,
    autoCallCallbacks: opts.autoCallCallbacks,
    get baseUrl() {
      return baseUrl;
    },

    async start(): Promise<{ baseUrl: string }> {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => handle(req, res, Buffer.concat(chunks).toString()));
      });
      // 0 = never time out idle keep-alive sockets: a server-side close racing a reused client socket
      // would show up as a spurious ECONNRESET (a "transient" failure) in tests and benchmarks.
      server.keepAliveTimeout = 0;
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return { baseUrl };
    },

    async close(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (!server) return;
      const s = server;
      server = undefined;
      s.closeAllConnections(); // includes sockets held by { timeout: true }
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },

    get mode(): FakeMode {
      return mode;
    },

    /** Switches the provider-wide fault mode (see the header); `forMs` switches back to normal by itself. */
    setMode(next: FakeMode, o: FakeModeOptions = {}): void {
      if (modeTimer) clearTimeout(modeTimer);
      modeTimer = undefined;
      mode = next;
      modeOpts = o;
      if (o.forMs !== undefined && next !== 'normal') {
        modeTimer = setTimeout(() => api.recover(), o.forMs);
        timers.add(modeTimer);
      }
    },
    /** Accepts every connection and never answers (creates are still carried out unless accept: false). */
    hang(forMs?: number, o: Omit<FakeModeOptions, 'forMs'> = {}): void {
      api.setMode('hang', { ...o, ...(forMs !== undefined ? { forMs } : {}) });
    },
    /** Answers every request after `delayMs`. */
    slow(delayMs: number, forMs?: number): void {
      api.setMode('slow', { delayMs, ...(forMs !== undefined ? { forMs } : {}) });
    },
    /** Destroys every connection mid-request (ECONNRESET for the client). */
    resets(forMs?: number, o: Omit<FakeModeOptions, 'forMs'> = {}): void {
      api.setMode('reset', { ...o, ...(forMs !== undefined ? { forMs } : {}) });
    },
    /** Back to normal answers. Requests held by a hang stay unanswered (their clients time out). */
    recover(): void {
      if (modeTimer) clearTimeout(modeTimer);
      modeTimer = undefined;
      mode = 'normal';
      modeOpts = {};
    },

    /** Every SMS the fake created, answered or not (what Twilio would actually send), in arrival order. */
    accepted: () => requests.filter((r) => r.kind === 'sms' && r.sid !== undefined),

    /** Successful SMS creates (201), in arrival order. */
    messages: () => requests.filter((r) => r.kind === 'sms' && r.responseStatus === 201),
    calls: () => requests.filter((r) => r.kind === 'call' && r.responseStatus === 201),

    /** Webhooks the fake POSTed for calls with an outcome (Url fetches and their status callbacks), in order. */
    callWebhooks,

    /** From now on, calls to `to` are answered (or not) this way; see CallOutcome. */
    answerCalls(to: string, outcome: CallOutcome): void {
      outcomes.set(to, outcome);
    },

    /** Waits until every call flow started so far has posted all its webhooks. */
    async settled(): Promise<void> {
      while (flows.size) await Promise.allSettled([...flows]);
    },

    /** Forgets requests and callbacks and drops failNext/failWhen rules; settings stay. */
    clear(): void {
      outcomes.clear();
      callWebhooks.length = 0;
      requests.length = 0;
      callbacks.length = 0;
      callbackErrors.length = 0;
      created.clear();
      failQueue = [];
      rules = [];
      api.listRequests = 0;
      api.recover();
    },

    failNext(n: number, f: FakeFailure): void {
      for (let i = 0; i < n; i++) failQueue.push(f);
    },

    /** Returns a function that removes the rule. */
    failWhen(when: (params: Record<string, string>) => boolean, f: FakeFailure): () => void {
      const rule = { when, f };
      rules.push(rule);
      return () => void (rules = rules.filter((r) => r !== rule));
    },

    /** The signed form Twilio would POST for this status; post it yourself (e.g. with supertest at `path`). */
    buildStatusCallback(sid: string, status: string, o: Omit<CallbackOptions, 'delayMs'> = {}): SignedCallback {
      const rec = created.get(sid);
      if (!rec) throw new Error(`fake-twilio: no successful create with sid ${sid}`);
      const url = rec.params.StatusCallback;
      if (!url) throw new Error(`fake-twilio: ${sid} was created without a StatusCallback`);
      const p = rec.params;
      const common = { AccountSid: accountSid, From: p.From ?? SERVICE_FROM, To: p.To ?? '', ApiVersion: '2010-04-01' };
      const params: Record<string, string> =
        rec.kind === 'sms'
          ? { MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, ...common, ...(p.MessagingServiceSid ? { MessagingServiceSid: p.MessagingServiceSid } : {}) }
          : { CallSid: sid, CallStatus: status, ...common, Direction: 'outbound-api', CallbackSource: 'call-progress-events', Timestamp: rfc2822(new Date()) };
      if (o.errorCode) params.ErrorCode = o.errorCode;
      Object.assign(params, o.extra);
      const u = new URL(url);
      return { url, path: `${u.pathname}${u.search}`, params, signature: twilio.getExpectedTwilioSignature(authToken, url, params) };
    },

    /** POSTs each status in order (each waits for the previous answer); rejects if the callback URL is unreachable. */
    async sendStatusCallbacks(sid: string, statuses: string[], o: CallbackOptions = {}): Promise<number[]> {
      const answers: number[] = [];
      for (const status of statuses) {
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
        const cb = api.buildStatusCallback(sid, status, o);
        const responseStatus = await post(cb.url, cb.params, cb.signature);
        callbacks.push({ at: now(), sid, status, url: cb.url, responseStatus });
        const rec = created.get(sid);
        if (rec) rec.status = status;
        answers.push(responseStatus);
      }
      return answers;
    },

    /** Polls until `check()` is truthy; rejects after timeoutMs. For "until the dispatcher has sent 3". */
    async waitFor(check: () => unknown, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`fake-twilio: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  return api;
}

export type FakeTwilio = ReturnType<typeof createFakeTwilio>;
