import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { readContentLibrary } from '../../src/content/library.js';
import { smsSegments } from '../../src/messaging/sms-segments.js';

let t: TestApp;
let educator: string;
let coordinator: string;

beforeAll(async () => {
  t = await createTestApp({ CAMPAIGN_HOTLINE: '1800' });
  educator = (await createApiKey(t.ctx.prisma, { name: 'mre', role: 'educator' })).secret;
  coordinator = (await createApiKey(t.ctx.prisma, { name: 'field', role: 'coordinator' })).secret;
});
afterAll(() => t.close());

describe('GET /api/content', () => {
  it('when an educator asks, then every library message comes with each locale’s SMS text, encoding, parts, characters, voice text and audio', async () => {
    const res = await t.api('get', '/api/content', educator).expect(200);
    const { library } = readContentLibrary();

    expect(res.body.data.map((m: { id: string }) => m.id)).toEqual(library.messages.map((m) => m.id));
    const first = res.body.data.find((m: { id: string }) => m.id === 'mre-001');
    expect(first).toMatchObject({ topic: 'recognise', title: expect.any(String), channels: ['sms', 'voice'] });
    expect(Object.keys(first.texts).sort()).toEqual(['en', 'es', 'km', 'lo']);

    const en = first.texts.en;
    const filled = en.sms.replaceAll('{{hotline}}', '1800');
    expect(en).toMatchObject({ encoding: 'GSM-7', parts: smsSegments(filled).segments, chars: [...filled].length, voice: expect.stringContaining('Hazardline'), audioUrl: null });
    expect(first.texts.km.encoding).toBe('UCS-2');
    expect(first.texts.km.parts).toBe(smsSegments(first.texts.km.sms.replaceAll('{{hotline}}', '1800')).segments);
    expect(first.texts.km.audioUrl).toBe('/audio/km/mre-001.wav');
  });

  it('when a coordinator asks, then 200; the audio URL it names is served', async () => {
    const res = await t.api('get', '/api/content', coordinator).expect(200);
    const url = res.body.data.find((m: { texts: { km: { audioUrl: string | null } } }) => m.texts.km.audioUrl)?.texts.km.audioUrl;
    expect(url).toMatch(/^\/audio\/km\//);
    await t.api('get', url).expect(200).expect('Content-Type', /audio/);
  });

  it('when the query has an unknown parameter, then 400 naming it', async () => {
    const res = await t.api('get', '/api/content?locale=km', educator).expect(400);
    expect(JSON.stringify(res.body.error.details)).toContain('locale');
  });
});
