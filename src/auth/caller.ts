// Who called the API, as services stamp it into audit rows and histories: the key's name, its role and the
// request id. Services take this plain value and never see `req`; the routes build it with callerOf.
import type { Request } from 'express';
import type { Role } from '../generated/prisma/enums.js';

export interface ApiCaller {
  name: string;
  requestId: string;
  /** Absent for callers that are not an API key (scripts, tests): treated as the least trusted. */
  role?: Role;
}

export function callerOf(req: Request): ApiCaller {
  return { name: req.auth?.name ?? 'unknown', requestId: String(req.id), ...(req.auth ? { role: req.auth.role } : {}) };
}

/**
 * Whether the caller sees a reporter's full phone number (report detail, exports): coordinators and admins call
 * villagers back; every other role, every list and every log line gets it masked.
 */
export function seesReporterPhone(caller: Pick<ApiCaller, 'role'>): boolean {
  return caller.role === 'admin' || caller.role === 'coordinator';
}
