// Campaign custom text goes through the same safety check as the library, in every language: unsafe advice
// in Khmer, Lao, Spanish or English is refused at creation (422 unsafe_content naming locale and phrase) and
// at preview of a stored campaign; a negation that covers only the first verb is a preview note.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const URL = '/api/campaigns';
const weekly = { cron: '0 9 * * 1', timezone: 'Asia/Phnom_Penh' };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-23T00:00:00.000Z');
  await t.ctx.prisma.adminUnit.createMany({
    data: [
      { pcode: '01', level: 'province', nameEn: 'Banteay Meanchey' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borei' },
    ],
    skipDuplicates: true,
  });
});
afterAll(async () => t.close());

const create = (text: Record<string, string>) =>
  t.api('post', URL).send({ name: 'Custom', text, districts: ['0102'], schedule: weekly, draft: true });

function expectUnsafe(res: request.Response, locale: string, phrase: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.error.code).toBe('unsafe_content');
  expect(res.body.error.details.unsafe).toEqual(expect.arrayContaining([expect.objectContaining({ locale, phrase })]));
  expect(res.body.error.message).toContain(phrase);
}

describe('POST /api/campaigns with custom text', () => {
  it.each([
    ['km', 'ប៉ះ ទាត់ វាយ រើវា {{hotline}}', 'ប៉ះ'],
    ['lo', 'ແຕະ, ເຕະ, ຕີ, ຍ້າຍມັນ {{hotline}}', 'ຍ້າຍ'],
    ['es', 'Recójala, quémela y llévela a su casa. {{hotline}}', 'Recójala'],
    ['en', 'Pick it up and burn it. {{hotline}}', 'pick it up'],
  ])('when the %s text advises handling a device, then 422 unsafe_content names the locale and the phrase, with no English text needed', async (lng, text, phrase) => {
    const before = await t.ctx.prisma.campaign.count();

    expectUnsafe(await create({ [lng]: text }), lng, phrase);

    expect(await t.ctx.prisma.campaign.count()).toBe(before);
  });

  it('when the English is safe but the Khmer is not, then the Khmer is refused', async () => {
    expectUnsafe(await create({ en: 'Never touch it. Call {{hotline}}.', km: 'រើសវា ហើយប្រាប់យើង {{hotline}}' }), 'km', 'រើស');
  });

  it('when every locale negates each verb, then the campaign is created', async () => {
    const res = await create({
      en: 'Never touch it. Call {{hotline}}.',
      km: 'កុំប៉ះ កុំរើវា។ {{hotline}}',
      lo: 'ຢ່າແຕະ, ຢ່າຍ້າຍມັນ. {{hotline}}',
      es: 'Nunca la toque ni la mueva. {{hotline}}',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe('POST /api/campaigns/:id/preview', () => {
  it('when a stored campaign holds unsafe custom text, then the preview is refused with unsafe_content', async () => {
    const ok = await create({ en: 'Never touch it. Call {{hotline}}.' }).expect(201);
    // As if stored before the lexicon knew the phrase: the preview is the last look before sending.
    await t.ctx.prisma.campaign.update({ where: { id: ok.body.id }, data: { texts: { lo: 'ເກັບມັນ ແລະ ຂາຍ. {{hotline}}' } } });

    expectUnsafe(await t.api('post', `${URL}/${ok.body.id}/preview`), 'lo', 'ເກັບ');
  });

  it('when one Lao negation covers two verbs, then the campaign is created and the preview notes it', async () => {
    const res = await create({ lo: 'ຢ່າເກັບ ຫຼື ຂາຍລະເບີດ. {{hotline}}' }).expect(201);

    const preview = await t.api('post', `${URL}/${res.body.id}/preview`).expect(200);

    expect(preview.body.notes.join('\n')).toMatch(/\(lo\) has "ຂາຍ" \(sell\) after a negated verb without its own negation/);
  });
});
