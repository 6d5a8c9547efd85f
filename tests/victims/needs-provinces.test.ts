// A coordinator limited to provinces (a console user) sees the de-identified needs of those provinces only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, signedIn } from '../support/accounts.js';
import { createVictimsTest, type VictimsTest } from './support.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest();
});
afterAll(() => v.t.close());

describe('needs by province', () => {
  it('when a coordinator is limited to province 02, then the needs list leaves out casualties of province 01', async () => {
    // Mongkol Borei is district 0102 (province 01).
    const { inbound } = await v.t.sms('+85512340001', 'mine exploded in Mongkol Borei, 2 people hurt');
    const inside01 = await v.t.ctx.prisma.casualty.findMany({ where: { reportId: inbound.reportId! } });
    expect(inside01.map((c) => c.provincePcode)).toEqual(['01', '01']);

    const limited = await makeUser(v.t.ctx, { role: 'coordinator', provinces: ['02'] });
    const { agent: limitedAgent } = await signedIn(v.t.app, limited.email);
    const limitedIds = (await limitedAgent.get('/api/victims/needs').expect(200)).body.data.map((c: { id: number }) => c.id);
    expect(limitedIds).not.toContain(inside01[0]!.id);

    const everywhere = await makeUser(v.t.ctx, { role: 'coordinator' });
    const { agent } = await signedIn(v.t.app, everywhere.email);
    const ids = (await agent.get('/api/victims/needs').expect(200)).body.data.map((c: { id: number }) => c.id);
    expect(ids).toEqual(expect.arrayContaining(inside01.map((c) => c.id)));
  });
});
