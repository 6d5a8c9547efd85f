// Keywords in every language, their romanised forms, and near-keywords: what villagers really send must act
// as the keyword, and a real hazard report that mentions "stop" must stay a report.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeywordTable } from '../../src/subscribers/keywords.js';
import { editDistance, stripPolite } from '../../src/subscribers/near-keyword.js';
import { loadResources } from '../../src/lib/i18n.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { randomCoPhone, randomKhPhone, randomLaPhone } from '../support/factories.js';
import { importGazetteer } from '../../src/districts/import-gazetteer.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';

const table = createKeywordTable(loadResources());

describe('keyword synonyms, one test per keyword per language', () => {
  it.each([
    ['km', 'ឈប់ផ្ញើ', 'stop'],
    ['km', 'ឈប់ផ្ញើសារ', 'stop'],
    ['km', 'CHHOP', 'stop'],
    ['km', 'chhob', 'stop'],
    ['km', 'Chup', 'stop'],
    ['lo', 'ເຊົາ', 'stop'],
    ['lo', 'ຢຸດສົ່ງ', 'stop'],
    ['lo', 'yut', 'stop'],
    ['lo', 'Xao', 'stop'],
    ['es', 'SALIR', 'stop'],
    ['es', 'No más', 'stop'],
    ['es', 'NO MAS', 'stop'],
    ['es', 'detener', 'stop'],
    ['es', 'Fin', 'stop'],
    ['lo', 'ຊ່ວຍເຫລືອ', 'help'],
    ['lo', 'ຊ່ວຍ', 'help'],
    ['lo', 'xoy', 'help'],
    ['lo', 'Suay leua', 'help'],
    ['km', 'ជួយ', 'help'],
    ['km', 'chuoy', 'help'],
    ['km', 'Soum chouy', 'help'],
    ['lo', 'ສະໝັກ', 'join'],
    ['lo', 'sa mak', 'join'],
    ['km', 'chol ruom', 'join'],
    ['es', 'INSCRIBIR', 'join'],
    ['es', 'unirme', 'join'],
  ])('when a %s speaker sends "%s", then it is %s', (locale, text, command) => {
    expect(table.parse(text)).toMatchObject({ command, locale, rest: '' });
  });

  it('when a join synonym names a district, then the district is the rest', () => {
    expect(table.parse('UNIRME Mongkol Borei')).toMatchObject({ command: 'join', locale: 'es', rest: 'Mongkol Borei' });
    expect(table.parse('ສະໝັກ ລະມາມ')).toMatchObject({ command: 'join', locale: 'lo', rest: 'ລະມາມ' });
  });
});

describe('every keyword of every language', () => {
  const resources = loadResources();
  const rows = (['en', 'km', 'lo', 'es'] as const).flatMap((lng) =>
    Object.entries(resources[lng]!.keywords as Record<string, string[]>)
      .filter(([command]) => command !== 'polite')
      .flatMap(([command, words]) => words.map((word) => [lng, word, command] as const)),
  );
  it.each(rows)('when %s "%s" is sent alone, then it is %s', (_lng, word, command) => {
    expect(table.parse(word)?.command).toBe(command);
  });
});

describe('near-keywords', () => {
  it.each([
    ['stopp', 'stop'],
    ['STOP pls', 'stop'],
    ['stop.', 'stop'],
    ['Stop!!', 'stop'],
    ['Stop please', 'stop'],
    ['STPO', 'stop'],
    ['hepl', 'help'],
    ['Help pls', 'help'],
    ['jion', 'join'],
    ['Salir por favor', 'stop'],
    ['សូមឈប់ផ្ញើសារ', 'stop'],
    ['ຢຸດແດ່', 'stop'],
  ])('when "%s" is sent, then it is answered as %s', (text, command) => {
    expect(table.parse(text)).toMatchObject({ command, rest: '' });
  });

  it.each([
    'Stop! there is a mine near my house',
    'I saw a bomb near the bus stop please come',
    'ជួយផង មានមីននៅក្បែរផ្ទះ',
    'ຊ່ວຍແດ່ ມີລະເບີດຢູ່ໃກ້ບ້ານ',
    'STEP',
    'SHOP',
    'ALTI',
    'Stop the children, bomb in the field',
  ])('when "%s" is sent, then it is not a subscriber keyword', (text) => {
    const m = table.parse(text);
    expect(m === null || m.command === 'report').toBe(true);
  });

  it('when the edit distance is counted, then a swap or an extra letter is one edit and a substitution two', () => {
    expect(editDistance('STOPP', 'STOP')).toBe(1);
    expect(editDistance('STPO', 'STOP')).toBe(1);
    expect(editDistance('STEP', 'STOP')).toBe(2);
    expect(stripPolite('STOP PLS', ['PLS'])).toBe('STOP');
    expect(stripPolite('សូមឈប់', ['សូម'])).toBe('ឈប់');
  });
});

describe('over the webhook', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await importGazetteer(t.ctx.prisma, readFileSync(DEMO_GAZETTEER));
    t.ctx.places.invalidate();
  });
  afterAll(() => t.close());
  const subscriber = (phone: string) => t.ctx.prisma.subscriber.findUnique({ where: { phone } });

  it.each([
    ['ឈប់ផ្ញើ', randomKhPhone],
    ['ເຊົາ', randomLaPhone],
    ['SALIR', randomCoPhone],
    ['STOP pls', randomKhPhone],
    ['stopp', randomKhPhone],
  ])('when a subscriber sends "%s", then it is opted out and no report is made', async (word, phoneOf) => {
    const phone = phoneOf();
    await t.sms(phone, 'JOIN Pailin');
    const { params } = await t.sms(phone, word);
    expect(await subscriber(phone)).toMatchObject({ status: 'opted_out' });
    const inbound = await t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: params.MessageSid } });
    expect(inbound.handledAs).toBe('keyword:stop');
    expect(inbound.reportId).toBeNull();
  });

  it('when "ຊ່ວຍເຫລືອ" is sent, then the help text comes back in Lao and no report is made', async () => {
    const phone = randomLaPhone();
    const { reply, params } = await t.sms(phone, 'ຊ່ວຍເຫລືອ');
    expect(reply).toContain(t.ctx.i18n.t('lo', 'help.text', { emergency: '' }).slice(0, 10));
    const inbound = await t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: params.MessageSid } });
    expect(inbound.reportId).toBeNull();
  });

  it('when a villager reports a hazard in a sentence that starts with "stop", then it stays a report and they stay subscribed', async () => {
    const phone = randomKhPhone();
    await t.sms(phone, 'JOIN Pailin');
    const { reply, params } = await t.sms(phone, 'stop, mine on the path to Pailin school, children nearby');
    expect(await subscriber(phone)).toMatchObject({ status: 'active' });
    const inbound = await t.ctx.prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: params.MessageSid } });
    expect(inbound.handledAs).toMatch(/^report/);
    expect(inbound.reportId).not.toBeNull();
    expect(reply).toBeTruthy();
  });
});
