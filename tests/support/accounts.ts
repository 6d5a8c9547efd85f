// Console users for tests: made through the real service (scrypt and all), signed in through the real route
// with a supertest agent that keeps the session cookie.
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import type { AppContext } from '../../src/context.js';
import { createUser } from '../../src/accounts/users.service.js';
import type { Role } from '../../src/generated/prisma/enums.js';

export const PASSWORD = 'correct horse battery';

export function randomEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.org`;
}

export async function makeUser(ctx: AppContext, opts: { role?: Role; provinces?: string[]; email?: string; phone?: string; password?: string } = {}) {
  return createUser(
    ctx,
    {
      email: opts.email ?? randomEmail(opts.role ?? 'user'),
      name: 'Test User',
      role: opts.role ?? 'coordinator',
      ...(opts.phone ? { phone: opts.phone } : {}),
      ...(opts.provinces ? { provinces: opts.provinces } : {}),
      password: opts.password ?? PASSWORD,
    },
    { name: 'test', requestId: 'test' },
  );
}

/** A signed-in browser: the agent keeps the cookie; `csrf` is the token to send with changes. */
export async function signedIn(app: Express, login: string, password = PASSWORD) {
  const agent = request.agent(app);
  const res = await agent.post('/api/session').send({ login, password });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, csrf: res.body.csrfToken as string, res };
}
