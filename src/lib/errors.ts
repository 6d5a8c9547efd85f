// The one error type. Services throw AppError with a code from this closed list; the error middleware
// turns it into `{ error: { code, message, details?, requestId } }` with the status below.

export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  invalid_signature: 403,
  csrf_failed: 403,
  setup_token_invalid: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unsafe_content: 422,
  content_unapproved: 422,
  rate_limited: 429,
  too_many_attempts: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Postgres unique violation, whether it comes through Prisma (P2002) or raw from a driver adapter (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return hasCode(err, 'P2002') || hasCode(err, '23505');
}

/** Prisma "record not found" (P2025), e.g. update/delete of a missing row. */
export function isNotFound(err: unknown): boolean {
  return hasCode(err, 'P2025');
}

// pglite-prisma-adapter surfaces DriverAdapterError { cause: { kind: 'postgres', code: '23505' } } where the
// pg adapter gives P2002 (with meta.driverAdapterError.cause.originalCode); walk the chain so both are recognised.
function hasCode(err: unknown, code: string, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as Record<string, unknown>;
  if (e.code === code || e.originalCode === code) return true;
  if (code === '23505' && e.kind === 'UniqueConstraintViolation') return true;
  if (code === 'P2002' && e.kind === 'UniqueConstraintViolation') return true;
  return ['cause', 'meta', 'driverAdapterError'].some((k) => hasCode(e[k], code, depth + 1));
}

/**
 * A conflict between concurrent transactions that simply running again resolves: deadlock (40P01),
 * serialization failure (40001), Prisma's P2034 for either, and a unique violation from two first messages
 * racing to create the same row.
 */
export function isRetryableConflict(err: unknown): boolean {
  return isUniqueViolation(err) || hasCode(err, '40P01') || hasCode(err, '40001') || hasCode(err, 'P2034');
}

// SQLSTATEs and driver codes that mean "the database cannot be used right now", not "this request is wrong".
const UNAVAILABLE_CODES = ['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300', '57014', '55P03', 'P1001', 'P1002', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'];
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|Can't reach database server|server closed the connection/i;

/**
 * The database dropped the connection, refused it, or did not answer in time. Such a request gets 503 (Twilio
 * and API clients retry it), never a 500 that reads as a bug.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  if (UNAVAILABLE_CODES.some((c) => hasCode(err, c))) return true;
  const e = err as Record<string, unknown>;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  return ['cause', 'meta', 'driverAdapterError', 'originalError'].some((k) => isDatabaseUnavailable(e[k], depth + 1));
}
