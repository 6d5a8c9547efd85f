// Who called the API, as services stamp it into audit rows and histories: the key's name and the request id.
// Services take this plain value and never see `req`; the routes build it with callerOf.
import type { Request } from 'express';

export interface ApiCaller {
  name: string;
  requestId: string;
}

export function callerOf(req: Request): ApiCaller {
  return { name: req.auth?.name ?? 'unknown', requestId: String(req.id) };
}
