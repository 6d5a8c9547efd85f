// A send that fails for good can matter to the feature that queued it: an alert nobody received must go to the
// next person now, not after the ACK timeout. The outbox may not import those features (dependencies run one
// way), so one registers a hook at wiring time (bootstrap.ts), per database handle, and the outbox calls it
// after its own write, once per row that turns undelivered or failed.
import type { Db } from '../lib/db.js';

export interface SendFailure {
  outboxId: number;
  kind: string;
  alertId: number | null;
  reportId: number | null;
  status: 'undelivered' | 'failed';
  errorCode: string | null;
  /** The provider's own word from a status callback (busy, no-answer…); null for a send refused outright. */
  providerStatus?: string | null;
  /** When we learned it (the status callback's or the send's time). */
  at: Date;
}

export type SendFailureHook = (failure: SendFailure) => Promise<void>;

// Keyed by the Prisma client: the status callback and the dispatcher hold only that, and two test apps on two
// databases in one process never see each other's hook.
const hooks = new WeakMap<object, SendFailureHook>();

/** Registers the hook for this database handle (replacing any earlier one); returns a function removing it. */
export function onSendFailure(prisma: Db, hook: SendFailureHook): () => void {
  hooks.set(prisma, hook);
  return () => {
    if (hooks.get(prisma) === hook) hooks.delete(prisma);
  };
}

/** Tells the registered hook. The hook handles (and logs) its own errors: a send's record never fails on it. */
export async function reportSendFailure(prisma: Db, failure: SendFailure): Promise<void> {
  await hooks.get(prisma)?.(failure);
}
