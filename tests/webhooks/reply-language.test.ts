// The reply language, end to end through the webhook and the worker (issue 10): the language a report is written
// in decides when it is sure; romanised Khmer keeps the country's language; LANG overrides everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { randomKhPhone, randomLaPhone } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer();
});
afterAll(() => t.close());

const safety = (locale: string) => t.ctx.i18n.t(locale, 'safety.reply');
const languageOf = async (phone: string) => (await t.ctx.prisma.subscriber.findUniqueOrThrow({ where: { phone } })).language;

describe('reply language', () => {
  it('when a Cambodian number reports in English, then the reply is in English', async () => {
    const phone = randomKhPhone();
    const { reply } = await t.sms(phone, 'mine near the school in Mongkol Borei, one child hurt');
    expect(reply).toContain(safety('en'));
    expect(await languageOf(phone)).toBe('en');
  });

  it('when a Cambodian number reports in Spanish, then the reply is in Spanish', async () => {
    const phone = randomKhPhone();
    const { reply } = await t.sms(phone, 'hay una mina cerca de la escuela en Mongkol Borei, un niño herido');
    expect(reply).toContain(safety('es'));
  });

  it('when reports come in Khmer and Lao script, then each is answered in its own language', async () => {
    expect((await t.sms(randomKhPhone(), 'មានមីននៅជិតសាលារៀន ក្មេងម្នាក់របួស')).reply).toContain(safety('km'));
    expect((await t.sms(randomLaPhone(), 'ມີລະເບີດຢູ່ໃກ້ໂຮງຮຽນ ເດັກນ້ອຍບາດເຈັບ')).reply).toContain(safety('lo'));
  });

  it('when a Cambodian number writes romanised Khmer, then the reply is in Khmer', async () => {
    const { reply } = await t.sms(randomKhPhone(), 'min nov chit sala');
    expect(reply).toContain(safety('km'));
  });

  it('when a guessed Khmer reader later writes English, then the guess is revised; romanised Khmer does not undo it', async () => {
    const phone = randomKhPhone();
    await t.sms(phone, 'HELP');
    expect(await languageOf(phone)).toBe('km');
    await t.sms(phone, 'There is an unexploded bomb in my rice field');
    expect(await languageOf(phone)).toBe('en');
  });

  it('when LANG was chosen, then it wins over an English or Khmer-script message', async () => {
    const phone = randomKhPhone();
    await t.sms(phone, 'LANG km');
    expect((await t.sms(phone, 'There is an unexploded bomb in my rice field')).reply).toContain(safety('km'));
    await t.sms(phone, 'LANG es');
    t.clock.advance(3 * 24 * 3_600_000); // past the report dialogue: a new report, not an answer
    expect((await t.sms(phone, 'មានមីននៅជិតសាលារៀន')).reply).toContain(safety('es'));
    expect(await languageOf(phone)).toBe('es');
  });

  it('when a Khmer report names its village inside the sentence, then the place is found and no question is asked', async () => {
    const { inbound, reply } = await t.sms(randomKhPhone(), 'មានគ្រាប់មីននៅជិតសាលារៀន នៅភូមិ មង្គលបូរី');
    expect(inbound.handledAs).toBe('report');
    expect(reply).not.toContain(t.ctx.i18n.t('km', 'reports:askLocation'));
    const report = await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: inbound.reportId! } });
    expect(report).toMatchObject({ districtPcode: '0102', deviceClass: 'ap_mine' });
  });

  it('when a Khmer reader answers "where is it?", then the place is named back in Khmer script', async () => {
    const phone = randomKhPhone();
    const first = await t.sms(phone, 'មានគ្រាប់មីននៅស្រែ');
    expect(first.reply).toContain(t.ctx.i18n.t('km', 'reports:askLocation'));
    const { reply } = await t.sms(phone, 'Mongkol Borei');
    expect(reply).toContain('មង្គលបូរី');
    expect(reply).not.toContain('Mongkol Borey');
  });
});
