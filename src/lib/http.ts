// HTTP plumbing shared by every route: request ids, the one error shape, content-type guards.
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ZodError } from 'zod';
import { AppError, isDatabaseUnavailable, isNotFound, isUniqueViolation, type ErrorCode } from './errors.js';
import type { Logger } from './logger.js';
import { unsafeTextReason } from './text.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      log: Logger;
      auth?: {
        /** The key's name, or the signed-in user's email: what services stamp as the actor. */
        name: string;
        role: 'admin' | 'educator' | 'coordinator' | 'victim_assistance';
        keyId: number | null;
        /** The signed-in user (session cookie); null for an API key. */
        userId: number | null;
        /** Provinces (P-codes) a coordinator is limited to; empty = all. Keys are never limited. */
        provinces: string[];
        /** The console session the request came with (sign-out, own password change). */
        sessionId?: number;
      };
    }
  }
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

/** Takes a sane X-Request-Id from a proxy, or makes one; echoes it back so support can find the log line. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && REQUEST_ID_RE.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

export function sendError(res: Response, req: Request, code: ErrorCode, message: string, details?: unknown) {
  const err = new AppError(code, message, details);
  res.status(err.status).json({
    error: { code, message, ...(details === undefined ? {} : { details }), requestId: req.id },
  });
}

/** Rejects a body with the wrong Content-Type before any parser runs (415, not a confusing 400). */
export function requireContentType(...types: string[]): RequestHandler {
  return (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (!hasBody) return next();
    if (types.some((t) => req.is(t))) return next();
    next(new AppError('unsupported_media_type', `Content-Type must be one of: ${types.join(', ')}`));
  };
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** The one error middleware: every failure leaves as `{ error: { code, message, details?, requestId } }`. */
export function errorHandler(): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      req.log?.error({ err }, 'error after response started');
      return;
    }
    if (err instanceof AppError) {
      // A back-off says when to come back, in the header clients and proxies read as well as in the body.
      const retry = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (err.status === 429 && typeof retry === 'number') res.setHeader('Retry-After', String(retry));
      return sendError(res, req, err.code, err.message, err.details);
    }
    if (err instanceof ZodError) {
      return sendError(res, req, 'validation_failed', 'The request is not valid', err.issues.map(zodIssue));
    }
    const bp = err as BodyParserError;
    switch (bp?.type) {
      case 'entity.parse.failed':
        return sendError(res, req, 'invalid_json', 'The body is not valid JSON');
      case 'entity.too.large':
        return sendError(res, req, 'payload_too_large', `The body is larger than the limit of ${bp.limit} bytes`);
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, req, 'unsupported_media_type', bp.message);
      case 'request.aborted':
        return;
    }
    if (isNotFound(err)) return sendError(res, req, 'not_found', 'Not found');
    if (isUniqueViolation(err)) return sendError(res, req, 'conflict', 'A record with these values already exists');
    if (bp?.status && bp.status >= 400 && bp.status < 500) {
      return sendError(res, req, 'bad_request', 'The request could not be read');
    }
    if (isDatabaseUnavailable(err)) {
      (req.log ?? console).warn({ err, requestId: req.id }, 'database unavailable');
      res.setHeader('Retry-After', '5');
      return sendError(res, req, 'unavailable', 'The service cannot reach its database right now; please retry');
    }
    // 500s say little to the caller and everything to the log.
    (req.log ?? console).error({ err, requestId: req.id }, 'unhandled error');
    sendError(res, req, 'internal', 'Something went wrong on our side; the request id helps us find it');
  };
}

function zodIssue(i: ZodError['issues'][number]) {
  return { path: i.path.join('.'), code: i.code, message: i.message };
}

/**
 * JSON body parser with the configured limit; routes that take JSON mount it themselves. Every string in the
 * body (keys too) is checked once here, so no schema can forget it: one holding a NUL, another control
 * character (tab, newline and CR are fine), a noncharacter or a broken surrogate is refused with a 400 naming
 * the field, because Postgres cannot store some of them and SMS or TwiML cannot carry the others. Staff fix
 * their input; it is villagers' SMS that is cleaned instead, never refused. Good strings are put in NFC.
 */
export function jsonBody(config: { jsonBodyLimit: string }): RequestHandler {
  const parse = express.json({ limit: config.jsonBodyLimit, strict: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const issues: { path: string; code: 'invalid_text'; message: string }[] = [];
      req.body = checkJsonText(req.body, [], issues);
      if (issues.length > 0) return next(new AppError('validation_failed', 'The request is not valid', issues));
      next();
    });
  };
}

const MAX_TEXT_ISSUES = 20;

/** Returns `value` with its strings in NFC, recording each string that cannot be stored. */
function checkJsonText(value: unknown, path: (string | number)[], issues: { path: string; code: 'invalid_text'; message: string }[]): unknown {
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value);
    if (reason === null) return value.normalize('NFC');
    if (issues.length < MAX_TEXT_ISSUES) issues.push({ path: path.join('.'), code: 'invalid_text', message: reason });
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => checkJsonText(v, [...path, i], issues));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const keyReason = unsafeTextReason(key);
    if (keyReason && issues.length < MAX_TEXT_ISSUES) {
      issues.push({ path: [...path, key].join('.'), code: 'invalid_text', message: `field name ${keyReason}` });
    }
    // A "__proto__" key from JSON.parse is an own property; copied by assignment it would set the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: checkJsonText(v, [...path, key], issues), enumerable: true, writable: true, configurable: true });
    else out[key] = checkJsonText(v, [...path, key], issues);
  }
  return out;
}

/** Raw GeoJSON body (application/geo+json or application/json) for boundary imports, with the import limit. */
export function geoJsonBody(config: { importBodyLimit: string }) {
  return express.text({ type: ['application/geo+json', 'application/json'], limit: config.importBodyLimit });
}

/** Raw CSV body (text/csv or text/plain) for imports, with the larger import limit. */
export function csvBody(config: { importBodyLimit: string }) {
  return express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: config.importBodyLimit });
}
