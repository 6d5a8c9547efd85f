// The one place requests leave the console: same-origin credentials (the session cookie), the CSRF token on
// every state-changing request, a 401 sends the person to /signin, and an API error becomes an ApiError
// carrying the service's message and details for the form that caused it.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function withCsrf(method: string, headers: Headers) {
  if (!SAFE.has(method.toUpperCase()) && csrfToken) headers.set('X-CSRF-Token', csrfToken);
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: the status says enough */
  }
  const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `${res.status} ${res.statusText}`, e?.details);
}

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    withCsrf(request.method, request.headers);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/session')) onUnauthorized();
    return response;
  },
};

/** The typed client for routes in the OpenAPI document (web/openapi.json → schema.d.ts). */
export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(csrfMiddleware);

/** Unwraps an openapi-fetch result: the data, or an ApiError. Response bodies are described in words in the
 * document, so callers name the shape they read with a local type. */
export async function unwrap<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok || error !== undefined) {
    const e = (error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(response.status, e?.code ?? 'http_error', e?.message ?? `${response.status} ${response.statusText}`, e?.details);
  }
  return data as T;
}

/**
 * A plain request for routes the document on this branch does not list yet (session, setup, users, keys,
 * events, simulator, content, boundaries), written against the shared contract.
 */
export async function request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const headers = new Headers({ Accept: 'application/json' });
  if (body !== undefined) headers.set('Content-Type', contentType);
  withCsrf(method, headers);
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  if (res.status === 401 && !path.startsWith('/api/session') && !path.startsWith('/api/setup')) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
