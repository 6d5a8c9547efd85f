// live_events only serves clients catching up after a reconnect: an hour of history is plenty, and the
// triggers write a row for every report change and every non-campaign outbox status.
import type { AppContext } from '../context.js';
import type { Job } from '../jobs/scheduler.js';

export const KEEP_LIVE_EVENTS_MINUTES = 60;
const BATCH = 50_000;

export function createLiveEventsPruneJob(ctx: Pick<AppContext, 'prisma' | 'clock'>): Job<{ deleted: number }> {
  return {
    name: 'prune-live-events',
    schedule: '*/10 * * * *',
    async run(now = ctx.clock.now()) {
      const before = new Date(now.getTime() - KEEP_LIVE_EVENTS_MINUTES * 60_000);
      // A capped batch per run; a backlog shrinks over the next runs.
      const deleted = await ctx.prisma.$executeRaw`
        DELETE FROM live_events WHERE id IN (SELECT id FROM live_events WHERE at < ${before} ORDER BY id LIMIT ${BATCH})`;
      return { deleted };
    },
  };
}
