// Two instances on one PostgreSQL: a change made through one reaches a console connected to the other,
// because each instance's poller reads the database (PostgreSQL only: PGlite is one process's database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, TEST_ADMIN_KEY, type TestApp } from '../support/app.js';
import { onPostgres } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';
import { connectSse, listen } from '../support/sse.js';
import { buildContext } from '../../src/bootstrap.js';
import { createApp } from '../../src/app.js';
import { closeLiveStreams } from '../../src/live/events.routes.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AppContext } from '../../src/context.js';

describe.skipIf(!onPostgres)('live events across instances', () => {
  let t: TestApp;
  let other: AppContext;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    t = await createTestAppWithDemoGazetteer({ EVENTS_POLL_MS: '50' });
    other = buildContext(t.ctx.config, await t.testDb.openAnother(), { log: createLogger('silent') });
    server = await listen(createApp(other));
  });
  afterAll(async () => {
    await closeLiveStreams(other);
    await server.close();
    await t.close();
  });

  it('when a report comes in through instance A, then a console connected to instance B gets its event', async () => {
    const stream = await connectSse(`${server.baseUrl}/api/events`, { Authorization: `Bearer ${TEST_ADMIN_KEY}` });
    const { inbound } = await t.sms(randomKhPhone(), 'mine near my house in Mongkol Borei');

    const event = await stream.waitFor((e) => e.event === 'report' && JSON.parse(e.data).id === inbound.reportId);
    expect(JSON.parse(event.data).districtPcode).toBe('0102');
    stream.close();
  });
});
