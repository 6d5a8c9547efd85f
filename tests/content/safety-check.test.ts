// The safety check in every language: the clause rules on Khmer, Lao, Spanish and English texts, the
// mutations issue 13 lists (each must fail naming key, locale and phrase), required core points, and the
// shipped texts passing.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkContent } from '../../src/content/check-content.js';
import { readContentLibrary } from '../../src/content/library.js';
import { checkTextSafety } from '../../src/content/safety/check-text.js';
import { words } from '../../src/content/safety/tokenise.js';
import { LEXICON_DIR, loadLexicon } from '../../src/content/safety/lexicon.js';
import { loadResources, LOCALES_DIR } from '../../src/lib/i18n.js';
import { MESSAGES_DIR } from '../../src/content/library.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const temp: string[] = [];
afterEach(() => {
  for (const d of temp.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of messages/ and locales/ to break one thing at a time. */
function copy() {
  const dir = mkdtempSync(join(tmpdir(), 'hazardline-safety-'));
  temp.push(dir);
  cpSync(MESSAGES_DIR, join(dir, 'messages'), { recursive: true });
  cpSync(LOCALES_DIR, join(dir, 'locales'), { recursive: true });
  const messages = join(dir, 'messages');
  const locales = join(dir, 'locales');
  return {
    messages,
    locales,
    edit(lng: string, ns: string, edit: (j: Json) => void) {
      const file = join(locales, lng, `${ns}.json`);
      const j = JSON.parse(readFileSync(file, 'utf8'));
      edit(j);
      writeFileSync(file, JSON.stringify(j, null, 2));
    },
    check() {
      const { library, problems } = readContentLibrary(messages);
      return checkContent({ library, resources: loadResources(locales), messagesDir: messages, localesDir: locales, libraryProblems: problems });
    },
  };
}

const errors = (text: string, lng: string) => checkTextSafety(text, lng).errors.map((h) => h.phrase);
const warnings = (text: string, lng: string) => checkTextSafety(text, lng).warnings.map((h) => h.phrase);

describe('words', () => {
  it('when Khmer and Lao are split, then ICU dictionary word boundaries separate verb and pronoun', () => {
    expect(words('កុំប៉ះ ឬរើវា', 'km').map((w) => w.text)).toEqual(['កុំ', 'ប៉ះ', 'ឬ', 'រើ', 'វា']);
    expect(words('ຢ່າເກັບ ຫຼື ຂາຍລະເບີດ', 'lo').map((w) => w.text)).toEqual(['ຢ່າ', 'ເກັບ', 'ຫຼື', 'ຂາຍ', 'ລະເບີດ']);
    expect(words('Recójala', 'es')[0]!.norm).toBe('recojala');
  });
});

describe('clause rules', () => {
  it.each([
    ['km', 'ប៉ះ ទាត់ វាយ រើវា', ['ប៉ះ', 'ទាត់', 'វាយ', 'រើ']],
    ['lo', 'ແຕະ, ເຕະ, ຕີ, ຍ້າຍມັນ', ['ແຕະ', 'ເຕະ', 'ຕີ', 'ຍ້າຍ']],
    ['es', 'Recójala, quémela y llévela a su casa', ['Recójala', 'quémela', 'llévela']],
    ['en', 'Pick it up and burn it.', ['pick it up', 'burn']],
    ['en', 'Go closer to see what it is.', ['closer']],
    ['km', 'កុំភ័យ។ រើសវា ហើយយកទៅផ្ទះ', ['រើស', 'យកទៅផ្ទះ']],
    ['lo', 'ຢ່າຢ້ານ ແລ້ວເກັບມັນ', ['ເກັບ']],
    ['es', 'No tenga miedo, pero recoja la bomba.', ['recoja']],
    ['es', 'Es vieja y no explota. Muévala.', ['Muévala']],
    ['es', 'Si ve una mina, recójala.', ['recójala']],
    ['km', 'បើឃើញ រើសវា', ['រើស']],
    ['lo', 'ຖ້າເຫັນ ເກັບມັນ', ['ເກັບ']],
  ])('when a %s text advises handling without a negation ("%s"), then every verb fails', (lng, text, phrases) => {
    expect(errors(text, lng)).toEqual(phrases);
  });

  it.each([
    ['km', 'កុំប៉ះ កុំទាត់ កុំវាយ កុំរើវា។'],
    ['km', 'ធ្វើសញ្ញាសម្គាល់កន្លែងនោះ ដោយមិនចូលជិត។'],
    ['km', 'បើចប ឬប៉ែលប៉ះដែក ឈប់ភ្លាម។'],
    ['km', 'កុំឱ្យអ្នកដទៃ ជាពិសេសក្មេងៗ ចូលជិត។'],
    ['lo', 'ຢ່າແຕະ, ຢ່າເຕະ, ຢ່າຕີ, ຢ່າຍ້າຍມັນ.'],
    ['lo', 'ຖ້າຈົກ ຫຼື ໄຖຂອງທ່ານຖືກວັດຖຸແປກໆ ໃຫ້ຢຸດເຮັດວຽກ.'],
    ['lo', 'ລະເບີດລູກຫວ່ານເບິ່ງຄືເຄື່ອງຫຼິ້ນ.'],
    ['es', 'Nunca la toque, la patee, la golpee ni la mueva.'],
    ['es', 'Si su herramienta toca metal, pare. No siga cavando ni lo saque.'],
    ['es', '¿Va a cavar un pozo? Pregunte primero.'],
    ['es', 'No deje que otros se acerquen.'],
    ['en', 'Do not touch, kick, hit or move it.'],
  ])('when a %s text negates each instruction ("%s"), then nothing is flagged', (lng, text) => {
    const r = checkTextSafety(text, lng);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['lo', 'ຢ່າເກັບ ຫຼື ຂາຍລະເບີດ', ['ຂາຍ']],
    ['km', 'កុំជីក ឬភ្ជួរនៅជិតវា', ['ភ្ជួរ']],
    ['km', 'ក្មេងៗមិនត្រូវប៉ះវា គប់ថ្មដាក់វា ឬយកវាទៅផ្ទះឡើយ', ['គប់', 'យកវាទៅផ្ទះ']],
    ['es', 'Nunca recoja o venda bombas.', ['venda']],
  ])('when one %s negation stands before several verbs joined by "or/and", then the later verbs warn', (lng, text, phrases) => {
    expect(errors(text, lng)).toEqual([]);
    expect(warnings(text, lng)).toEqual(phrases);
  });

  it('when a weak negation ("not safe") comes earlier, then it does not cover a verb three words later', () => {
    expect(errors('ລະເບີດບໍ່ປອດໄພ ທ່ານຄວນເອົາມັນໄປໄວ້ທາງ', 'lo')).toEqual(['ເອົາມັນ']);
  });

  it('when a lexicon file has a typo in a field, then loading it fails loudly instead of weakening the check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hazardline-lexicon-'));
    temp.push(dir);
    const km = JSON.parse(readFileSync(join(LEXICON_DIR, 'km.json'), 'utf8'));
    km.negatoins = km.negations;
    delete km.negations;
    writeFileSync(join(dir, 'km.json'), JSON.stringify(km));
    expect(() => loadLexicon('km', dir)).toThrow(/negations/);
  });

  it('when a locale has no lexicon, then the text is reported unchecked, not passed', () => {
    expect(checkTextSafety('anything', 'th').unchecked).toBe(true);
  });
});

describe('content check on every namespace and locale', () => {
  it('when the shipped texts are checked, then there are no safety errors and no negation-scope warnings', () => {
    const c = copy();
    const result = c.check();
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => w.code === 'negation-scope')).toEqual([]);
  });

  it.each([
    ['km', 'messages', 'mre-004', 'ប៉ះ ទាត់ វាយ រើវា {{hotline}}', 'ប៉ះ'],
    ['lo', 'messages', 'mre-004', 'ແຕະ, ເຕະ, ຕີ, ຍ້າຍມັນ {{hotline}}', 'ຍ້າຍ'],
    ['es', 'messages', 'mre-004', 'Recójala, quémela y llévela a su casa {{hotline}}', 'Recójala'],
  ])('when %s mre-004.sms is changed to unsafe advice, then the check fails naming key, locale and phrase', (lng, ns, id, text, phrase) => {
    const c = copy();
    c.edit(lng, ns, (j) => {
      j[id].sms = text;
    });
    const finding = c.check().errors.find((e) => e.code === 'banned-advice' && e.message.includes(`advises "${phrase}"`));
    expect(finding).toMatchObject({ key: `messages:${id}.sms`, locale: lng, id });
    expect(finding!.message).toContain(`messages:${id}.sms (${lng}) advises "${phrase}"`);
  });

  it('when the English safety reply says "Pick it up and burn it.", then the check fails on common:safety.reply', () => {
    const c = copy();
    c.edit('en', 'common', (j) => {
      j.safety.reply = 'Pick it up and burn it.';
    });
    const found = c.check().errors.filter((e) => e.key === 'common:safety.reply' && e.locale === 'en');
    expect(found.map((e) => e.code)).toContain('banned-advice');
    expect(found.find((e) => e.code === 'banned-advice')!.message).toMatch(/advises "pick it up" without a negation/);
  });

  it('when "កុំ" is removed from the Khmer safety reply, then the check fails: touch is advised and "do not touch" is lost', () => {
    const c = copy();
    c.edit('km', 'common', (j) => {
      j.safety.reply = (j.safety.reply as string).replace('កុំប៉ះ', 'ប៉ះ');
    });
    const found = c.check().errors.filter((e) => e.key === 'common:safety.reply' && e.locale === 'km');
    expect(found.find((e) => e.code === 'banned-advice')?.message).toMatch(/advises "ប៉ះ" \(touch\)/);
    expect(found.find((e) => e.code === 'missing-point')?.message).toMatch(/"do_not_touch"/);
  });

  it('when the Lao safety reply drops "mark the place", then the check fails for lo only', () => {
    const c = copy();
    c.edit('lo', 'common', (j) => {
      j.safety.reply = (j.safety.reply as string).replace('ໝາຍບ່ອນນັ້ນໄວ້ ໂດຍບໍ່ເຂົ້າໃກ້. ', '');
    });
    const missing = c.check().errors.filter((e) => e.code === 'missing-point');
    expect(missing).toEqual([expect.objectContaining({ key: 'common:safety.reply', locale: 'lo', message: expect.stringMatching(/"mark"/) })]);
  });

  it('when a Spanish team text gives unsafe advice, then namespaces beyond messages are read too', () => {
    const c = copy();
    c.edit('es', 'reports', (j) => {
      j.received = 'Gracias. Reporte #{{number}} recibido. Recoja el objeto y llévelo a la policía.';
    });
    expect(c.check().errors.find((e) => e.key === 'reports:received')).toMatchObject({ locale: 'es', code: 'banned-advice' });
  });

  it('when the CLI runs on a copy with the Khmer mutation, then it exits 1 and prints key, locale and phrase', () => {
    const c = copy();
    c.edit('km', 'messages', (j) => {
      j['mre-004'].sms = 'ប៉ះ ទាត់ វាយ រើវា {{hotline}}';
    });
    const res = spawnSync('npx', ['tsx', 'scripts/content-check.ts', '--messages', c.messages, '--locales', c.locales], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('[banned-advice] messages:mre-004.sms (km) advises "ប៉ះ" (touch) without a negation');
  });
});
