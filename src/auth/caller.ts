// Who called the API, as services stamp it into audit rows and histories: the key's name or the signed-in
// user's email, its role and the request id. Services take this plain value and never see `req`; the routes
// build it with callerOf.
import type { Request } from 'express';
import type { Role } from '../generated/prisma/enums.js';

export interface ApiCaller {
  name: string;
  requestId: string;
  /** Absent for callers that are not an API key or a user (scripts, tests): treated as the least trusted. */
  role?: Role;
  /** A console user (session), an API key, or the command line; absent in tests. */
  actorType?: 'api_key' | 'user' | 'cli';
  /** Provinces a coordinator is limited to; absent or empty = all. */
  provinces?: string[];
}

export function callerOf(req: Request): ApiCaller {
  const auth = req.auth;
  return {
    name: auth?.name ?? 'unknown',
    requestId: String(req.id),
    ...(auth ? { role: auth.role, actorType: auth.userId === null ? 'api_key' : 'user', provinces: auth.provinces } : {}),
  };
}

/**
 * Whether the caller sees a reporter's full phone number (report detail, exports): coordinators and admins call
 * villagers back; every other role, every list and every log line gets it masked.
 */
export function seesReporterPhone(caller: Pick<ApiCaller, 'role'>): boolean {
  return caller.role === 'admin' || caller.role === 'coordinator';
}
