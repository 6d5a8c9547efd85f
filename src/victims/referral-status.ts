// One way to move a referral: the API (a focal point), the provider's SMS reply and a survivor's follow-up
// answer all go through here, so every change is checked against the transitions and written to its history.
import type { Tx } from '../lib/db.js';
import type { VaReferral } from '../generated/prisma/client.js';
import { AppError } from '../lib/errors.js';
import { cleanText } from '../lib/text.js';
import { CLOSED_STATUSES, REFERRAL_TRANSITIONS, type ReferralStatus } from './vocab.js';

export interface ReferralActor {
  id: string;
  type: 'api_key' | 'provider' | 'contact' | 'system';
}

export async function moveReferral(
  tx: Tx,
  referral: VaReferral,
  to: ReferralStatus,
  opts: { actor: ReferralActor; at: Date; outcome?: string | null; reason?: string | null; note?: string | null },
): Promise<VaReferral> {
  const from = referral.status as ReferralStatus;
  if (from === to) throw new AppError('conflict', `Referral ${referral.id} is already ${to}`, { status: from });
  if (!REFERRAL_TRANSITIONS[from].includes(to)) {
    throw new AppError('conflict', `Referral ${referral.id} cannot go from ${from} to ${to}`, { status: from, allowed: REFERRAL_TRANSITIONS[from] });
  }
  const closing = CLOSED_STATUSES.includes(to);
  const updated = await tx.vaReferral.update({
    where: { id: referral.id },
    data: {
      status: to,
      ...(to === 'accepted' || (!referral.acceptedAt && (to === 'in_progress' || to === 'completed')) ? { acceptedAt: opts.at } : {}),
      ...(closing ? { closedAt: opts.at } : {}),
      ...(opts.outcome ? { outcome: cleanText(opts.outcome, 1000) } : {}),
      ...(opts.reason ? { closeReason: cleanText(opts.reason, 1000) } : {}),
    },
  });
  await tx.vaReferralEvent.create({
    data: { referralId: referral.id, fromStatus: from, toStatus: to, actor: opts.actor.id, actorType: opts.actor.type, note: opts.note ?? null, at: opts.at },
  });
  // Nobody to follow up with about a service that will not happen; a completed one is still followed up.
  if (to === 'declined' || to === 'cancelled' || to === 'unable_to_contact') {
    await tx.vaFollowUp.updateMany({ where: { referralId: referral.id, status: 'scheduled' }, data: { status: 'cancelled', skipReason: `referral ${to}` } });
  }
  return updated;
}
