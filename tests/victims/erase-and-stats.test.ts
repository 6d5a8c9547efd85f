// Erasure keeps statistics and leaves nothing identifying; statistics CSV carries HXL and suppresses small
// counts outside victim_assistance; the IMSMA export and referral outcomes.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFollowUpJob } from '../../src/victims/follow-up-job.js';
import { consentAll, createProvider, createVictimsTest, DAY, reportedCasualty, type VictimsTest } from './support.js';
import { randomKhPhone } from '../support/factories.js';

let v: VictimsTest;
beforeAll(async () => {
  v = await createVictimsTest();
});
afterAll(() => v.t.close());

/** Every row of every table in our schema, as text, that contains `needle`. */
async function findAnywhere(needle: string): Promise<string[]> {
  const prisma = v.t.ctx.prisma;
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table_name}" t WHERE t::text LIKE $1`, `%${needle}%`);
    if (Number(row!.n) > 0) hits.push(table_name);
  }
  return hits;
}

describe('erasure', () => {
  it('when a person is erased, then statistics are unchanged and no name, phone or free text about them is left anywhere', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v);
    await consentAll(v, c.casualtyId, provider.organisation);
    const ref = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id, needs: `${c.name} needs a new prosthesis` }).expect(201);
    await v.t.sms(provider.phone, `REF ${ref.body.id} ACCEPT`);
    v.t.clock.advance(3 * DAY);
    await createFollowUpJob(v.t.ctx).run();
    await v.t.sms(c.contactPhone, '2');
    await v.as(v.va, 'post', `/api/victims/referrals/${ref.body.id}/status`).send({ status: 'cancelled', reason: `${c.name} moved to Thailand` }).expect(200);

    // What there is to erase is there before.
    expect(await findAnywhere(c.contactPhone)).toEqual(expect.arrayContaining(['casualties', 'outbox', 'inbound_messages']));
    expect(await findAnywhere(c.name)).toEqual(expect.arrayContaining(['casualties', 'va_referrals']));

    const statsBefore = (await v.as(v.va, 'get', '/api/victims/stats').expect(200)).body;
    const csvBefore = (await v.as(v.coordinator, 'get', '/api/victims/stats.csv').expect(200)).text;
    const res = await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/erase`).expect(200);
    expect(res.body).toMatchObject({ id: c.casualtyId, already: false });

    expect((await v.as(v.va, 'get', '/api/victims/stats').expect(200)).body).toEqual(statsBefore);
    expect((await v.as(v.coordinator, 'get', '/api/victims/stats.csv').expect(200)).text).toBe(csvBefore);
    for (const secret of [c.name, 'Chan Sreymom', c.contactPhone, c.contactPhone.slice(1), 'lost his left leg', 'needs a new prosthesis', 'moved to Thailand']) {
      expect(await findAnywhere(secret), secret).toEqual([]);
    }
    const erased = await v.as(v.va, 'get', `/api/victims/casualties/${c.casualtyId}`).expect(200);
    expect(erased.body).toMatchObject({ name: null, contactPhone: null, lat: null, lon: null, accidentDate: null, age: null, provincePcode: '01', districtPcode: '0102', accidentYear: 2026, outcome: 'injured', sex: 'male', ageGroup: 'adult' });
    // Erased records cannot be given identifying data again, and erasing twice is harmless.
    await v.as(v.va, 'patch', `/api/victims/casualties/${c.casualtyId}`).send({ name: 'again' }).expect(409);
    expect((await v.as(v.va, 'post', `/api/victims/casualties/${c.casualtyId}/erase`).expect(200)).body.already).toBe(true);
    expect(await v.t.ctx.prisma.auditLog.count({ where: { action: 'casualty.erase', entityId: String(c.casualtyId) } })).toBe(1);
  });
});

describe('erasure of a survivor who reported for themselves', () => {
  it('when the reporter is the person erased, then the report keeps its place and device but loses their name and number', async () => {
    const phone = randomKhPhone();
    const { inbound } = await v.t.sms(phone, 'mine exploded near the rice field in Mongkol Borei, Keo Sophal hurt, 1 person');
    const reportId = inbound.reportId!;
    const [placeholder] = await v.t.ctx.prisma.casualty.findMany({ where: { reportId } });
    await v.as(v.va, 'patch', `/api/victims/casualties/${placeholder!.id}`).send({
      name: 'Keo Sophal', sex: 'male', age: 40, category: 'civilian', activity: 'farming', contactPhone: phone, contactRelation: 'self', language: 'km', complete: true,
    }).expect(200);
    expect(await findAnywhere('Keo Sophal')).toEqual(expect.arrayContaining(['hazard_reports', 'inbound_messages']));

    await v.as(v.va, 'post', `/api/victims/casualties/${placeholder!.id}/erase`).expect(200);

    expect(await findAnywhere('Keo Sophal')).toEqual([]);
    const report = await v.t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: reportId } });
    expect(report.originalText).toBe('mine exploded near the rice field in Mongkol Borei, [erased] hurt, 1 person');
    expect(report.reporterPhone).toBe('[erased]');
    expect(report.districtPcode).toBe('0102');
    // Only the subscriber row may still hold the number (their own MRE subscription and its STOP proof).
    expect((await findAnywhere(phone)).filter((table) => table !== 'subscribers')).toEqual([]);
  });
});

describe('statistics', () => {
  it('when the CSV is read, then it parses, carries HXL tags and suppresses counts under 5 for a coordinator only', async () => {
    // Four more casualties in one province and year so one cell is small and one total is not.
    for (let i = 0; i < 2; i++) await reportedCasualty(v, { text: 'bomb exploded in Mongkol Borei, 2 children injured' });
    const coordinatorCsv = (await v.as(v.coordinator, 'get', '/api/victims/stats.csv').expect(200).expect('content-type', /text\/csv/)).text;
    const rows = parse(coordinatorCsv, { relaxColumnCount: false }) as string[][];
    const [header, hxl, ...data] = rows;
    expect(header).toContain('killed');
    expect(hxl).toEqual(expect.arrayContaining(['#date+year', '#adm1+code', '#affected+killed', '#affected+injured', '#affected+injured+children', '#affected+children']));
    expect(hxl!.every((h) => h.startsWith('#'))).toBe(true);
    const col = (name: string) => header!.indexOf(name);
    const counts = data.flatMap((r) => header!.map((h, i) => (['year', 'province_pcode', 'province_name', 'device_category'].includes(h) ? null : r[i]))).filter((x) => x !== null);
    expect(counts.every((x) => x === '<5' || x === '0' || Number(x) >= 5)).toBe(true);
    expect(counts).toContain('<5');

    const vaCsv = (await v.as(v.va, 'get', '/api/victims/stats.csv').expect(200)).text;
    const vaRows = parse(vaCsv) as string[][];
    expect(vaCsv).not.toContain('<5');
    const uxo = vaRows.find((r) => r[col('device_category')] === 'other_erw' && r[col('province_pcode')] === '01');
    expect(uxo![col('injured_children')]).toBe('0');
    const total = vaRows.slice(2).reduce((n, r) => n + Number(r[col('casualties')]), 0);
    expect(total).toBe(await v.t.ctx.prisma.casualty.count());
  });

  it('when statistics are asked as JSON, then they group as the Landmine Monitor does', async () => {
    const res = await v.as(v.va, 'get', '/api/victims/stats?from=2026&to=2026&province=01').expect(200);
    expect(res.body.suppressed).toBe(false);
    expect(res.body.data[0]).toEqual(expect.objectContaining({ year: 2026, provincePcode: '01', provinceName: 'Banteay Meanchey' }));
    for (const k of ['killed', 'injured', 'civilians', 'military', 'female', 'male', 'children', 'adults']) expect(res.body.totals).toHaveProperty(k);
    const coord = await v.as(v.coordinator, 'get', '/api/victims/stats?province=01').expect(200);
    expect(coord.body.suppressed).toBe(true);
    await v.as(v.coordinator, 'get', '/api/victims/stats?year=2026').expect(400);
  });

  it('when the IMSMA export is asked, then Accidents hold their Victims without names, and the CSV has the mapped fields', async () => {
    const c = await reportedCasualty(v);
    const res = await v.as(v.va, 'get', '/api/victims/export/imsma').expect(200);
    const accident = res.body.accidents.find((a: { hazard_report_id: number }) => a.hazard_report_id === c.reportId);
    expect(accident).toMatchObject({ accident_id: `HL-R${c.reportId}`, province_pcode: '01', district_pcode: '0102', device_category: 'ap_mine' });
    expect(accident.victims).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toContain(c.name);
    expect(res.body.fieldMap.outcome).toBe('Victim.killedOrInjured');
    const csv = await v.as(v.va, 'get', '/api/victims/export/imsma?format=csv').expect(200);
    const [header] = parse(csv.text) as string[][];
    expect(header).toEqual(expect.arrayContaining(['accident_id', 'victim_id', 'outcome', 'sex', 'age_group', 'activity', 'injuries']));
  });

  it('when referrals have moved, then outcomes per service and province count who reached care and the median days', async () => {
    const c = await reportedCasualty(v);
    const provider = await createProvider(v, { serviceType: 'psychosocial', provincePcode: '02' });
    await consentAll(v, c.casualtyId, provider.organisation);
    const ref = await v.as(v.va, 'post', '/api/victims/referrals').send({ casualtyId: c.casualtyId, providerId: provider.id }).expect(201);
    v.t.clock.advance(2 * DAY);
    await v.t.sms(provider.phone, `REF ${ref.body.id} START`);
    const res = await v.as(v.coordinator, 'get', '/api/victims/referral-outcomes').expect(200);
    const group = res.body.data.find((g: { serviceType: string; provincePcode: string }) => g.serviceType === 'psychosocial' && g.provincePcode === '01');
    expect(group).toMatchObject({ total: 1, reachedCare: 1, open: 1, medianDaysToCare: 2 });
  });
});
