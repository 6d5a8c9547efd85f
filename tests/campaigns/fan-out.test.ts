// Campaign fan-out on a real database: who gets a row, what it says, what is skipped and counted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { randomKhPhone } from '../support/factories.js';
import { countAudience, fanOut, type FanOutInput } from '../../src/campaigns/fan-out.js';
import { escapeXml, renderTemplate } from '../../src/campaigns/render.js';
import type { Db } from '../../src/lib/db.js';
import type { OutboxMessage } from '../../src/generated/prisma/client.js';
import type { SubscriberStatus } from '../../src/generated/prisma/enums.js';

let testDb: TestDatabase;
let prisma: Db;

const NOW = new Date('2026-11-24T03:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

const UNITS = [
  { pcode: '01', level: 'province', parentPcode: null, nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ' },
  { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borei', nameLocal: 'មង្គលបូរី' },
  { pcode: '0103', level: 'district', parentPcode: '01', nameEn: 'Phnum Srok', nameLocal: 'ភ្នំស្រុក' },
  // An apostrophe in the Latin name, as the COD files spell it: must be escaped inside TwiML.
  { pcode: '0104', level: 'district', parentPcode: '01', nameEn: "O'Chrov", nameLocal: 'អូរជ្រៅ' },
  { pcode: '010401', level: 'commune', parentPcode: '0104', nameEn: 'Changha', nameLocal: null },
  { pcode: '02', level: 'province', parentPcode: null, nameEn: 'Battambang', nameLocal: 'បាត់ដំបង' },
  { pcode: '0203', level: 'district', parentPcode: '02', nameEn: 'Bavel', nameLocal: 'បវេល' },
] as const;

const NAMES: Record<string, { en: string; km: string }> = {
  '0102': { en: 'Mongkol Borei', km: 'មង្គលបូរី' },
  '0103': { en: 'Phnum Srok', km: 'ភ្នំស្រុក' },
  '0104': { en: "O'Chrov", km: 'អូរជ្រៅ' },
  '0203': { en: 'Bavel', km: 'បវេល' },
};

interface Seed {
  district: string | null;
  language: string;
  status: SubscriberStatus;
  invalid?: boolean;
  n: number;
}

// 60 subscribers over two provinces, four languages and every status.
const SEED: Seed[] = [
  { district: '0102', language: 'en', status: 'active', n: 5 },
  { district: '0102', language: 'km', status: 'active', n: 5 },
  { district: '0102', language: 'es', status: 'active', n: 2 },
  { district: '0102', language: 'lo', status: 'active', n: 3 },
  { district: '0102', language: 'en', status: 'opted_out', n: 2 },
  { district: '0102', language: 'km', status: 'opted_out', n: 1 },
  { district: '0102', language: 'km', status: 'inactive', n: 2 },
  { district: '0102', language: 'en', status: 'pending', n: 2 },
  { district: '0102', language: 'en', status: 'active', invalid: true, n: 1 },
  { district: '0103', language: 'en', status: 'active', n: 3 },
  { district: '0103', language: 'km', status: 'active', n: 4 },
  { district: '0103', language: 'es', status: 'active', n: 1 },
  { district: '0103', language: 'km', status: 'opted_out', n: 1 },
  { district: '0103', language: 'km', status: 'active', invalid: true, n: 1 },
  { district: '0103', language: 'en', status: 'inactive', n: 2 },
  { district: '0103', language: 'km', status: 'pending', n: 2 },
  { district: '0104', language: 'en', status: 'active', n: 2 },
  { district: '0104', language: 'km', status: 'active', n: 1 },
  { district: '0203', language: 'en', status: 'active', n: 6 },
  { district: '0203', language: 'km', status: 'active', n: 4 },
  { district: '0203', language: 'es', status: 'active', n: 3 },
  { district: '0203', language: 'en', status: 'opted_out', n: 2 },
  { district: '0203', language: 'km', status: 'inactive', n: 1 },
  { district: null, language: 'en', status: 'pending', n: 2 },
  { district: null, language: 'km', status: 'active', n: 1 },
];

interface Sub {
  id: number;
  phone: string;
  district: string | null;
  language: string;
  status: SubscriberStatus;
  invalid: boolean;
}
let subs: Sub[] = [];

const IN_01 = ['0102', '0103', '0104'];
const TEMPLATES = {
  en: 'Hazardline {{district}}: never touch a mine or bomb. Report it: call {{ hotline }}.',
  km: '{{district}}៖ កុំប៉ះគ្រាប់មីន។ ទូរស័ព្ទ {{hotline}}',
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  prisma = testDb.db.prisma;
  for (const u of UNITS) await prisma.adminUnit.create({ data: { ...u, country: 'KH' } });
  for (const s of SEED) {
    for (let i = 0; i < s.n; i++) {
      const row = await prisma.subscriber.create({
        data: {
          phone: randomKhPhone(),
          language: s.language,
          districtPcode: s.district,
          status: s.status,
          numberInvalidAt: s.invalid ? new Date(NOW.getTime() - 30 * DAY) : null,
        },
      });
      subs.push({ id: row.id, phone: row.phone, district: s.district, language: s.language, status: s.status, invalid: Boolean(s.invalid) });
    }
  }
});
afterAll(async () => {
  await testDb.cleanup();
});
beforeEach(async () => {
  await prisma.outboxMessage.deleteMany();
});

async function newRun(name = 'Dry season') {
  const campaign = await prisma.campaign.create({ data: { name } });
  const run = await prisma.campaignRun.create({ data: { campaignId: campaign.id, occurrenceAt: NOW } });
  return { campaignId: campaign.id, runId: run.id };
}

async function input(over: Partial<FanOutInput> = {}): Promise<FanOutInput> {
  return {
    ...(await newRun()),
    channel: 'sms',
    targetPcodes: ['01'],
    languages: [],
    templates: TEMPLATES,
    variables: { hotline: '1296' },
    maxPerSubscriberPerWeek: null,
    notBefore: null,
    now: NOW,
    ...over,
  };
}

const rowsOf = (runId: number) => prisma.outboxMessage.findMany({ where: { campaignRunId: runId }, orderBy: { subscriberId: 'asc' } });

const where = (f: (s: Sub) => boolean) => subs.filter(f);
const ids = (list: Sub[]) => list.map((s) => s.id).sort((a, b) => a - b);
const reachable = (s: Sub) => s.status === 'active' && !s.invalid;

function countBy(list: Sub[], key: (s: Sub) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) out[key(s)] = (out[key(s)] ?? 0) + 1;
  return out;
}

describe('fanOut to a province', () => {
  it('when a campaign targets province 01 with en and km texts, then every active valid en/km subscriber of its districts gets exactly one row', async () => {
    const inp = await input();

    const stats = await fanOut(prisma, inp);

    const expected = where((s) => IN_01.includes(s.district ?? '') && reachable(s) && ['en', 'km'].includes(s.language));
    const rows = await rowsOf(inp.runId);
    expect(rows.map((r) => r.subscriberId)).toEqual(ids(expected));
    expect(stats.queued).toBe(expected.length);
    expect(stats.queued).toBe(20);
    expect(await prisma.outboxMessage.count()).toBe(expected.length);
  });

  it('when rows are queued, then each carries its subscriber\'s district name in its own locale and the hotline', async () => {
    const inp = await input();

    await fanOut(prisma, inp);

    const rows = await rowsOf(inp.runId);
    const byId = new Map(subs.map((s) => [s.id, s]));
    for (const row of rows) {
      const sub = byId.get(row.subscriberId!)!;
      const name = NAMES[sub.district!]!;
      expect(row).toMatchObject<Partial<OutboxMessage>>({
        kind: 'campaign',
        channel: 'sms',
        priority: 80,
        status: 'pending',
        recipient: sub.phone,
        sender: null,
        locale: sub.language,
        campaignId: inp.campaignId,
        campaignRunId: inp.runId,
        attempts: 0,
      });
      expect(row.nextAttemptAt).toEqual(NOW);
      expect(row.createdAt).toEqual(NOW);
      if (sub.language === 'km') {
        expect(row.body).toBe(`${name.km}៖ កុំប៉ះគ្រាប់មីន។ ទូរស័ព្ទ 1296`);
        expect(row).toMatchObject({ encoding: 'UCS-2', segments: 1 });
      } else {
        expect(row.body).toBe(`Hazardline ${name.en}: never touch a mine or bomb. Report it: call 1296.`);
        expect(row).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      }
    }
    expect(rows.some((r) => r.body.startsWith('មង្គលបូរី៖'))).toBe(true);
    expect(rows.some((r) => r.body.includes("Hazardline O'Chrov:"))).toBe(true);
  });

  it('when es and lo subscribers have no text, then they are counted as no_content, and opted-out and invalid numbers are counted too', async () => {
    const stats = await fanOut(prisma, await input());

    const in01 = where((s) => IN_01.includes(s.district ?? ''));
    const queued = in01.filter((s) => reachable(s) && ['en', 'km'].includes(s.language));
    expect(stats).toEqual({
      audience: in01.filter((s) => s.status === 'active').length,
      queued: queued.length,
      skipped: {
        opted_out: in01.filter((s) => s.status === 'opted_out').length,
        invalid_number: 2,
        frequency_cap: 0,
        no_content: in01.filter((s) => reachable(s) && ['es', 'lo'].includes(s.language)).length,
      },
      byLocale: countBy(queued, (s) => s.language),
      byDistrict: countBy(queued, (s) => s.district!),
    });
    expect(stats.skipped).toEqual({ opted_out: 4, invalid_number: 2, frequency_cap: 0, no_content: 6 });
    expect(stats.audience).toBe(stats.queued + stats.skipped.invalid_number + stats.skipped.frequency_cap + stats.skipped.no_content);
  });

  it('when targets mix a district and another province, then both are reached, and a commune code adds nothing', async () => {
    const inp = await input({ targetPcodes: ['0103', '02', '010401'] });

    const stats = await fanOut(prisma, inp);

    const expected = where((s) => ['0103', '0203'].includes(s.district ?? '') && reachable(s) && ['en', 'km'].includes(s.language));
    expect((await rowsOf(inp.runId)).map((r) => r.subscriberId)).toEqual(ids(expected));
    expect(stats.byDistrict).toEqual(countBy(expected, (s) => s.district!));
    expect(stats.skipped.no_content).toBe(4); // es: one in 0103, three in 0203
  });

  it('when the target matches no district, then nothing is queued and the stats are zero', async () => {
    const inp = await input({ targetPcodes: ['99'] });

    const stats = await fanOut(prisma, inp);

    expect(stats).toEqual({ audience: 0, queued: 0, skipped: { opted_out: 0, invalid_number: 0, frequency_cap: 0, no_content: 0 }, byLocale: {}, byDistrict: {} });
    expect(await prisma.outboxMessage.count()).toBe(0);
  });
});

describe('languages', () => {
  it('when the campaign is for km only, then only km subscribers are in the audience and en ones are neither queued nor counted', async () => {
    const inp = await input({ languages: ['km'] });

    const stats = await fanOut(prisma, inp);

    const km01 = where((s) => IN_01.includes(s.district ?? '') && s.language === 'km');
    expect((await rowsOf(inp.runId)).map((r) => r.subscriberId)).toEqual(ids(km01.filter(reachable)));
    expect(stats.audience).toBe(km01.filter((s) => s.status === 'active').length);
    expect(stats.skipped).toEqual({ opted_out: 2, invalid_number: 1, frequency_cap: 0, no_content: 0 });
    expect(stats.byLocale).toEqual({ km: 10 });
  });

  it('when the campaign is for km and es but has no es text, then es subscribers are no_content and en ones are left out', async () => {
    const inp = await input({ languages: ['km', 'es'] });

    const stats = await fanOut(prisma, inp);

    expect(stats.byLocale).toEqual({ km: 10 });
    expect(stats.skipped.no_content).toBe(3);
    expect(stats.audience).toBe(10 + 1 + 3); // km reachable, km invalid, es
  });

  it('when a locale\'s text is blank, then its subscribers count as no_content', async () => {
    const stats = await fanOut(prisma, await input({ templates: { en: TEMPLATES.en, km: '  ' } }));

    expect(stats.byLocale).toEqual({ en: 10 });
    expect(stats.skipped.no_content).toBe(6 + 10);
  });
});

describe('frequency cap', () => {
  async function previousCampaignRow(sub: Sub, createdAt: Date, over: Partial<{ status: 'sent' | 'cancelled' | 'failed'; kind: 'campaign' | 'reply' }> = {}) {
    await prisma.outboxMessage.create({
      data: {
        kind: over.kind ?? 'campaign', recipient: sub.phone, body: 'Earlier campaign', subscriberId: sub.id,
        status: over.status ?? 'sent', createdAt, nextAttemptAt: createdAt,
      },
    });
  }

  it('when the cap is 1 and a subscriber had a campaign message 2 days ago, then they are skipped and counted; 8 days ago, cancelled, or a reply do not count', async () => {
    const en0102 = where((s) => s.district === '0102' && s.language === 'en' && reachable(s));
    const [recent, old, cancelled, replied] = en0102 as [Sub, Sub, Sub, Sub];
    await previousCampaignRow(recent, new Date(NOW.getTime() - 2 * DAY));
    await previousCampaignRow(old, new Date(NOW.getTime() - 8 * DAY));
    await previousCampaignRow(cancelled, new Date(NOW.getTime() - 1 * DAY), { status: 'cancelled' });
    await previousCampaignRow(replied, new Date(NOW.getTime() - 1 * DAY), { kind: 'reply' });
    const inp = await input({ maxPerSubscriberPerWeek: 1 });

    const stats = await fanOut(prisma, inp);

    const queuedIds = (await rowsOf(inp.runId)).map((r) => r.subscriberId);
    expect(queuedIds).not.toContain(recent.id);
    expect(queuedIds).toEqual(expect.arrayContaining([old.id, cancelled.id, replied.id]));
    expect(stats.skipped.frequency_cap).toBe(1);
    expect(stats.queued).toBe(19);
    expect(stats.byDistrict).toEqual({ '0102': 9, '0103': 7, '0104': 3 });
    expect(stats.byLocale).toEqual({ en: 9, km: 10 });
    expect(stats.audience).toBe(stats.queued + stats.skipped.invalid_number + stats.skipped.frequency_cap + stats.skipped.no_content);
  });

  it('when the cap is 2 and a subscriber had one campaign message this week, then they still get this one', async () => {
    const sub = where((s) => s.district === '0103' && s.language === 'km' && reachable(s))[0]!;
    await previousCampaignRow(sub, new Date(NOW.getTime() - DAY));
    const inp = await input({ maxPerSubscriberPerWeek: 2 });

    const stats = await fanOut(prisma, inp);

    expect(stats.skipped.frequency_cap).toBe(0);
    expect((await rowsOf(inp.runId)).map((r) => r.subscriberId)).toContain(sub.id);
  });

  it('when a capped subscriber has no text for their language, then they count as no_content, not as capped', async () => {
    const es = where((s) => s.district === '0102' && s.language === 'es' && reachable(s))[0]!;
    await previousCampaignRow(es, new Date(NOW.getTime() - DAY));

    const stats = await fanOut(prisma, await input({ maxPerSubscriberPerWeek: 1 }));

    expect(stats.skipped).toMatchObject({ frequency_cap: 0, no_content: 6 });
  });

  it('when a second campaign runs for the same subscribers within the week, then the cap counts the first one\'s rows', async () => {
    await fanOut(prisma, await input({ maxPerSubscriberPerWeek: 1 }));
    const second = await input({ maxPerSubscriberPerWeek: 1, now: new Date(NOW.getTime() + DAY) });

    const stats = await fanOut(prisma, second);

    expect(stats.queued).toBe(0);
    expect(stats.skipped.frequency_cap).toBe(20);
    expect(stats.byLocale).toEqual({});
    expect(await prisma.outboxMessage.count({ where: { campaignRunId: second.runId } })).toBe(0);
  });

  it('when the cap is 0, then nobody is queued and everyone reachable counts as capped', async () => {
    const stats = await fanOut(prisma, await input({ maxPerSubscriberPerWeek: 0 }));

    expect(stats).toMatchObject({ queued: 0, skipped: { frequency_cap: 20, no_content: 6 }, byDistrict: {} });
  });
});

describe('scheduling, channel and idempotency', () => {
  it('when notBefore is given (quiet hours), then rows wait until then, and the sender is stored', async () => {
    const notBefore = new Date(NOW.getTime() + 5 * 60 * 60 * 1000);
    const inp = await input({ notBefore, sender: '+85523111222' });

    await fanOut(prisma, inp);

    const rows = await rowsOf(inp.runId);
    expect(rows.length).toBe(20);
    for (const r of rows) {
      expect(r.nextAttemptAt).toEqual(notBefore);
      expect(r.sender).toBe('+85523111222');
    }
  });

  it('when the channel is voice, then rows are campaign rows on channel voice with TwiML, district names XML-escaped', async () => {
    const inp = await input({
      channel: 'voice',
      escape: 'xml',
      templates: {
        en: '<Response><Say language="en-US">This is a message for {{district}}. Call {{hotline}}.</Say></Response>',
        km: '<Response><Play>https://example.org/audio/km/eore-1.mp3</Play><Say>{{district}}</Say></Response>',
      },
      variables: { hotline: '1296 & 115' },
    });

    const stats = await fanOut(prisma, inp);

    const rows = await rowsOf(inp.runId);
    expect(rows).toHaveLength(stats.queued);
    for (const r of rows) expect(r).toMatchObject({ kind: 'campaign', channel: 'voice', encoding: null, segments: 1, priority: 80 });
    const ochrov = subs.find((s) => s.district === '0104' && s.language === 'en')!;
    expect(rows.find((r) => r.subscriberId === ochrov.id)!.body).toBe(
      '<Response><Say language="en-US">This is a message for O&apos;Chrov. Call 1296 &amp; 115.</Say></Response>',
    );
    const km = subs.find((s) => s.district === '0102' && s.language === 'km' && reachable(s))!;
    expect(rows.find((r) => r.subscriberId === km.id)!.body).toBe(
      '<Response><Play>https://example.org/audio/km/eore-1.mp3</Play><Say>មង្គលបូរី</Say></Response>',
    );
  });

  it('when fanOut runs twice for the same run, then the second queues nothing', async () => {
    const inp = await input();
    const first = await fanOut(prisma, inp);

    const second = await fanOut(prisma, inp);

    expect(first.queued).toBe(20);
    expect(second.queued).toBe(0);
    expect(await prisma.outboxMessage.count({ where: { campaignRunId: inp.runId } })).toBe(20);
    expect(await prisma.outboxMessage.count()).toBe(20);
  });

  it('when a new run of the same campaign fans out, then it queues again (the guard is per run)', async () => {
    const inp = await input();
    await fanOut(prisma, inp);
    const run2 = await prisma.campaignRun.create({ data: { campaignId: inp.campaignId, occurrenceAt: new Date(NOW.getTime() + DAY) } });

    const stats = await fanOut(prisma, { ...inp, runId: run2.id });

    expect(stats.queued).toBe(20);
    expect(await prisma.outboxMessage.count({ where: { campaignId: inp.campaignId } })).toBe(40);
  });

  it('when one SMS text renders over 1,600 characters, then the fan-out fails and nothing is queued', async () => {
    const inp = await input({ templates: { en: 'x'.repeat(1590) + ' {{district}}', km: TEMPLATES.km } });

    await expect(fanOut(prisma, inp)).rejects.toMatchObject({ code: 'unprocessable' });
    expect(await prisma.outboxMessage.count()).toBe(0);
  });
});

describe('countAudience', () => {
  it('when counted for province 01, then the numbers match what a fan-out with every text reports', async () => {
    const counted = await countAudience(prisma, { targetPcodes: ['01'], languages: [] });
    const stats = await fanOut(prisma, await input({ templates: { en: 'a', km: 'b', es: 'c', lo: 'd' } }));

    const active01 = where((s) => IN_01.includes(s.district ?? '') && s.status === 'active');
    expect(counted).toEqual({
      total: active01.length,
      byLanguage: countBy(active01, (s) => s.language),
      byDistrict: countBy(active01, (s) => s.district!),
      optedOut: 4,
      invalid: 2,
    });
    expect(counted.total).toBe(stats.audience);
    expect(counted.total - counted.invalid).toBe(stats.queued);
    expect(counted.optedOut).toBe(stats.skipped.opted_out);
    expect(counted.invalid).toBe(stats.skipped.invalid_number);
  });

  it('when counted for km in province 02, then only those are counted', async () => {
    expect(await countAudience(prisma, { targetPcodes: ['02'], languages: ['km'] })).toEqual({
      total: 4, byLanguage: { km: 4 }, byDistrict: { '0203': 4 }, optedOut: 0, invalid: 0,
    });
  });
});

describe('renderTemplate', () => {
  it('when rendering for TwiML, then values are escaped and the template is not', () => {
    expect(renderTemplate('<Say>{{district}}</Say>', { district: `A & B <"x'>` }, 'xml')).toBe('<Say>A &amp; B &lt;&quot;x&apos;&gt;</Say>');
    expect(escapeXml('plain')).toBe('plain');
  });

  it('when the hotline is missing, then it renders as nothing, and unknown placeholders stay', () => {
    expect(renderTemplate('{{district}}: call {{hotline}} {{other}}', { district: 'Bavel' })).toBe('Bavel: call  {{other}}');
  });
});
