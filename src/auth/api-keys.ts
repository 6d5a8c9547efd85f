// API keys: a random secret shown once, stored only as its sha256. sha256 (not bcrypt) is right here: the
// secret has 256 bits of entropy, so there is nothing to brute-force, and every request can check it cheaply.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../lib/db.js';
import type { Role } from '../generated/prisma/enums.js';

export const ROLES = ['admin', 'educator', 'coordinator', 'victim_assistance'] as const;

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export async function createApiKey(prisma: Db, opts: { name: string; role: Role }) {
  const secret = `hl_${randomBytes(32).toString('base64url')}`;
  const row = await prisma.apiKey.create({
    data: { name: opts.name, role: opts.role, keyHash: hashKey(secret), prefix: secret.slice(0, 8) },
  });
  return { id: row.id, name: row.name, role: row.role, prefix: row.prefix, secret };
}

export async function revokeApiKey(prisma: Db, id: number, at: Date) {
  return prisma.apiKey.update({ where: { id }, data: { revokedAt: at } });
}

export async function listApiKeys(prisma: Db) {
  return prisma.apiKey.findMany({
    select: { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    orderBy: { id: 'asc' },
  });
}
