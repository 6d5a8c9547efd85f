// An alert is settled when someone has the report in hand or it is closed: escalation stops. Reports calls
// this when a team command acknowledges or closes a report (the alert's own state is alerts' business).
import type { Tx } from '../lib/db.js';

/** Outbox kinds that only exist to make someone acknowledge: pointless once anyone has. */
const ESCALATION_KINDS = ['escalation', 'call'] as const;

/**
 * Ends escalation for a report: its open alerts are acknowledged or closed, and escalation SMS and calls not
 * yet sent are cancelled (whatever is already with the provider cannot be recalled).
 */
export async function settleAlerts(
  tx: Tx,
  reportId: number,
  data: { state: 'acknowledged'; acknowledgedAt: Date; acknowledgedBy: string } | { state: 'closed' },
) {
  await tx.alert.updateMany({ where: { reportId, state: 'open' }, data: { ...data, nextEscalationAt: null } });
  await tx.outboxMessage.updateMany({
    where: { reportId, kind: { in: [...ESCALATION_KINDS] }, status: 'pending' },
    data: { status: 'cancelled', lastError: data.state === 'acknowledged' ? 'acknowledged' : 'report closed' },
  });
}

