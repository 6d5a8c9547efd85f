// Per-country settings (config/countries.json): HELP and the casualty reply quote the emergency number of the
// person's country, chosen by their district or, for a stranger, their number; a bad file stops start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { randomCoPhone, randomKhPhone, randomLaPhone } from '../support/factories.js';
import { ConfigError, testConfig } from '../../src/config.js';
import { countryFacts } from '../../src/districts/countries.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestAppWithDemoGazetteer({ EMERGENCY_NUMBER: '999' });
});
afterAll(() => t.close());

const help = (locale: string, emergency: string) => t.ctx.i18n.t(locale, 'help.text', { emergency });

describe('per-country settings', () => {
  it('when HELP comes from a Colombian number, then it quotes 123 in Spanish', async () => {
    expect((await t.sms(randomCoPhone(), 'HELP')).reply).toBe(help('es', '123'));
  });

  it('when HELP comes from a Lao number, then it quotes 1195 in Lao', async () => {
    expect((await t.sms(randomLaPhone(), 'HELP')).reply).toBe(help('lo', '1195'));
  });

  it('when HELP comes from a Cambodian number, then it quotes 119', async () => {
    expect((await t.sms(randomKhPhone(), 'HELP')).reply).toBe(help('km', '119'));
  });

  it('when a foreign number subscribed to a Cambodian district sends HELP, then its district decides', async () => {
    const phone = randomCoPhone();
    await t.sms(phone, 'JOIN Mongkol Borei');
    expect((await t.sms(phone, 'HELP')).reply).toBe(help('es', '119'));
  });

  it('when a country is not in the file, then EMERGENCY_NUMBER is the fallback', async () => {
    expect((await t.sms('+12025550199', 'HELP')).reply).toBe(help('en', '999'));
  });

  it('when a Lao number reports a casualty, then the reply gives the Lao emergency number', async () => {
    const { reply } = await t.sms(randomLaPhone(), 'ເດັກນ້ອຍບາດເຈັບຍ້ອນລະເບີດ');
    expect(reply).toContain(t.ctx.i18n.t('lo', 'reports:emergency', { emergency: '1195' }));
  });

  it('when a Colombian number reports a casualty in Cambodia, then the place decides: 119', async () => {
    const { reply } = await t.sms(randomCoPhone(), 'un niño herido por una mina en Mongkol Borei');
    expect(reply).toContain(t.ctx.i18n.t('es', 'reports:emergency', { emergency: '119' }));
  });

  it('when the file is read, then Cambodia, Laos and Colombia have their language, zone and emergency number', () => {
    const config = testConfig();
    expect(countryFacts(config, 'KH')).toMatchObject({ locale: 'km', timeZone: 'Asia/Phnom_Penh', emergencyNumber: '119' });
    expect(countryFacts(config, 'LA')).toMatchObject({ locale: 'lo', timeZone: 'Asia/Vientiane', emergencyNumber: '1195' });
    expect(countryFacts(config, 'CO')).toMatchObject({ locale: 'es', timeZone: 'America/Bogota', emergencyNumber: '123' });
  });

  it('when COUNTRIES_FILE points to another file, then its settings apply', () => {
    const dir = mkdtempSync(join(tmpdir(), 'countries-'));
    const file = join(dir, 'countries.json');
    writeFileSync(file, JSON.stringify({ KH: { name: 'Cambodia', emergencyNumber: '117', victimAssistancePhone: '+85512000999' } }));
    const config = testConfig({ COUNTRIES_FILE: file });
    expect(countryFacts(config, 'KH')).toMatchObject({ emergencyNumber: '117', locale: 'km', victimAssistancePhone: '+85512000999' });
  });

  it.each([
    [{ KH: { name: 'Cambodia', timeZone: 'Asia/Nowhere' } }, /IANA time zone/],
    [{ KH: { name: 'Cambodia', locale: 'fr' } }, /KH\.locale/],
    [{ Cambodia: { name: 'Cambodia' } }, /ISO country codes/],
    [{ KH: { name: 'Cambodia', victimAssistancePhone: '012 345 678' } }, /E\.164/],
  ])('when the file is wrong (%j), then start-up stops naming COUNTRIES_FILE', (content, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'countries-'));
    const file = join(dir, 'countries.json');
    writeFileSync(file, JSON.stringify(content));
    expect(() => testConfig({ COUNTRIES_FILE: file })).toThrow(ConfigError);
    expect(() => testConfig({ COUNTRIES_FILE: file })).toThrow(message);
    expect(() => testConfig({ COUNTRIES_FILE: file })).toThrow(/COUNTRIES_FILE/);
  });
});
