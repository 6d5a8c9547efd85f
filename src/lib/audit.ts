// Append-only audit trail of who changed what: opt-outs (proof for carriers), imports, key use, status changes.
import type { Prisma } from '../generated/prisma/client.js';
import type { DbOrTx } from './db.js';

export interface AuditEntry {
  actor: string;
  actorType: 'api_key' | 'user' | 'sms' | 'voice' | 'system' | 'cli';
  action: string;
  entity?: string;
  entityId?: string | number;
  details?: Prisma.InputJsonValue;
  requestId?: unknown;
}

export async function audit(tx: DbOrTx, e: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actor: e.actor,
      actorType: e.actorType,
      action: e.action,
      entity: e.entity ?? null,
      entityId: e.entityId === undefined ? null : String(e.entityId),
      details: e.details ?? undefined,
      requestId: e.requestId == null ? null : String(e.requestId),
    },
  });
}
