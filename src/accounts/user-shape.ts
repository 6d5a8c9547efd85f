// What the API says about a user: never the password hash.
import type { Session, User } from '../generated/prisma/client.js';
import { sessionExpiry } from './sessions.js';

export function serializeUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    phone: u.phone,
    name: u.name,
    role: u.role,
    provinces: u.provinces,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt,
    lastSignInAt: u.lastSignInAt,
  };
}

export function sessionResponse(user: User, session: Session) {
  return { user: serializeUser(user), csrfToken: session.csrfToken, expiresAt: sessionExpiry(session) };
}
