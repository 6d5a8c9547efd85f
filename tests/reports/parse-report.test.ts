import { describe, expect, it } from 'vitest';
import { createPlaceMatcher, type MatchableUnit, type PlaceMatch, type PlaceMatcher } from '../../src/districts/place-matcher.js';
import { parseDetails, parseReport } from '../../src/reports/parse/parse-report.js';
import { buildVocabulary, type ReportVocabulary } from '../../src/reports/parse/vocabulary.js';

// A few words per list and language: enough to exercise the parser, independent of locales/*/reports.json.
const FIXTURE: Record<string, Partial<ReportVocabulary>> = {
  en: {
    ap_mine: ['anti-personnel mine', 'ap mine', 'landmine'],
    at_mine: ['anti-tank mine', 'at mine', 'tank mine'],
    cluster_submunition: ['cluster bomb', 'cluster', 'bomblet', 'bombie', 'submunition'],
    uxo: ['uxo', 'unexploded', 'bomb', 'shell', 'grenade', 'rocket', 'mortar'],
    ied: ['ied', 'booby trap', 'homemade bomb'],
    generic_device: ['mine', 'mines', 'explosive', 'device', 'object'],
    casualty: ['hurt', 'injured', 'injury', 'injuries', 'wounded', 'killed', 'dead', 'casualty', 'casualties'],
    children: ['child', 'children', 'kid', 'kids', 'boy', 'girl'],
    school: ['school'],
    road: ['road', 'path', 'track'],
    field: ['field', 'rice field', 'paddy', 'farm'],
    house: ['house', 'home'],
    water: ['river', 'stream', 'pond', 'well', 'canal'],
    negation: ['no', 'not', 'nobody', 'no one', 'none', 'without'],
  },
  km: {
    ap_mine: ['មីនប្រឆាំងមនុស្ស'],
    at_mine: ['មីនប្រឆាំងរថក្រោះ'],
    cluster_submunition: ['គ្រាប់បែកចង្កោម', 'គ្រាប់បែកដៃចង្កោម'],
    uxo: ['គ្រាប់មិនទាន់ផ្ទុះ', 'គ្រាប់បែក', 'គ្រាប់ផ្លោង'],
    generic_device: ['មីន', 'វត្ថុផ្ទុះ'],
    casualty: ['របួស', 'ស្លាប់'],
    children: ['ក្មេង', 'កុមារ'],
    school: ['សាលារៀន', 'សាលា'],
    road: ['ផ្លូវ'],
    field: ['ស្រែ', 'ចម្ការ'],
    house: ['ផ្ទះ'],
    water: ['ទន្លេ', 'ស្ទឹង', 'អណ្តូង'],
    negation: ['គ្មាន', 'អត់', 'មិន'],
  },
  lo: {
    ap_mine: ['ລະເບີດຝັງດິນ'],
    cluster_submunition: ['ບອມບີ', 'ລູກບອມບີ'],
    uxo: ['ລະເບີດບໍ່ທັນແຕກ', 'ລູກລະເບີດ'],
    casualty: ['ບາດເຈັບ', 'ເສຍຊີວິດ'],
    children: ['ເດັກນ້ອຍ', 'ເດັກ'],
    school: ['ໂຮງຮຽນ'],
    road: ['ທາງ', 'ຖະໜົນ'],
    field: ['ທົ່ງນາ', 'ນາ'],
    house: ['ເຮືອນ'],
    water: ['ແມ່ນ້ຳ', 'ຫ້ວຍ'],
    negation: ['ບໍ່', 'ບໍ່ມີ'],
  },
  es: {
    ap_mine: ['mina antipersonal', 'antipersonal'],
    at_mine: ['mina antitanque', 'antitanque'],
    cluster_submunition: ['bomba de racimo', 'submunición'],
    uxo: ['munición sin explotar', 'artefacto sin explotar', 'granada', 'bomba'],
    ied: ['artefacto explosivo improvisado', 'aei', 'tatuco'],
    generic_device: ['mina', 'minas', 'artefacto', 'explosivo'],
    casualty: ['herido', 'herida', 'heridos', 'muerto', 'lesionado'],
    children: ['niño', 'niña', 'niños', 'menor'],
    school: ['escuela', 'colegio'],
    road: ['camino', 'carretera', 'trocha', 'vereda'],
    field: ['potrero', 'cultivo', 'campo'],
    house: ['casa', 'finca'],
    water: ['río', 'quebrada', 'caño'],
    negation: ['no', 'nadie', 'ningún', 'ninguno', 'sin'],
  },
};

const vocabulary = buildVocabulary(FIXTURE);

const unit = (pcode: string, level: MatchableUnit['level'], parentPcode: string | null, nameEn: string,
  nameLocal: string | null = null): MatchableUnit => ({ pcode, level, parentPcode, nameEn, nameLocal });
const matcher = createPlaceMatcher([
  unit('01', 'province', null, 'Banteay Meanchey', 'បន្ទាយមានជ័យ'),
  unit('0102', 'district', '01', 'Mongkol Borey', 'មង្គលបូរី'),
  unit('010201', 'commune', '0102', 'Banteay Neang', 'បន្ទាយនាង'),
  unit('02', 'province', null, 'Battambang', 'បាត់ដំបង'),
  unit('0211', 'district', '02', 'Samlout', 'សំឡូត'),
]);

/** A matcher that answers "Thmei" with a fixed confidence and records the text it was given. */
function stubMatcher(confidence: number): { matcher: PlaceMatcher; seen: string[] } {
  const seen: string[] = [];
  const answer = (text: string): PlaceMatch => {
    seen.push(text);
    return { pcode: '01020101', level: 'village', name: 'Thmei', matchedText: 'Thmei', confidence, method: 'exact' };
  };
  return { seen, matcher: { match: answer, candidates: (text) => [answer(text)] } };
}

describe('buildVocabulary', () => {
  it('when lists from several locales repeat a word, then it is kept once', () => {
    const v = buildVocabulary({ en: { negation: ['no', 'No ', 'nobody'] }, es: { negation: ['no', 'nadie'] } });
    expect(v.words('negation')).toEqual(['no', 'nobody', 'nadie']);
  });

  it('when a Latin entry is part of a longer word, then it does not match', () => {
    expect(vocabulary.find('generic_device', 'the mineral water')).toEqual([]);
    expect(vocabulary.find('negation', 'nothing known')).toEqual([]);
    expect(vocabulary.find('generic_device', 'a MINE, two mines')).toEqual(['mine', 'mines']);
  });

  it('when accents are missing or added, then Latin entries still match as whole words', () => {
    expect(vocabulary.find('children', 'un nino herido')).toEqual(['niño']);
    expect(vocabulary.find('water', 'cerca del RIO')).toEqual(['río']);
    expect(vocabulary.find('cluster_submunition', 'una submunicion')).toEqual(['submunición']);
    // An accented letter is a letter: "niñoa" is not "niño".
    expect(vocabulary.find('children', 'niñoa')).toEqual([]);
  });

  it('when a phrase is written with a hyphen or extra spaces, then it matches', () => {
    expect(vocabulary.find('ap_mine', 'an anti personnel   mine')).toEqual(['anti-personnel mine']);
    expect(vocabulary.find('at_mine', 'Anti-Tank-Mine')).toEqual(['anti-tank mine']);
  });

  it('when Khmer text hides zero-width spaces inside a word, then the word still matches', () => {
    expect(vocabulary.find('casualty', 'ក្មេង\u200bរ\u200bបួស')).toEqual(['របួស']);
  });

  it('when a Khmer entry is only the start of a longer syllable, then it does not match', () => {
    // "មីន" followed by a COENG is the start of a cluster, not the word "mine".
    expect(vocabulary.find('generic_device', 'មីន្ត')).toEqual([]);
    expect(vocabulary.find('generic_device', 'មីននៅផ្លូវ')).toEqual(['មីន']);
  });

  it('when list values are not arrays of strings, then they are ignored', () => {
    const v = buildVocabulary({ en: { school: 'school' as unknown as string[], road: ['road', 3 as unknown as string] } });
    expect(v.words('school')).toEqual([]);
    expect(v.find('road', 'on the road')).toEqual(['road']);
  });
});

describe('parseReport', () => {
  it('when a report says "UXO 13.5139, 102.9672", then the location is lat 13.5139 lon 102.9672 from decimal', () => {
    const r = parseReport('UXO 13.5139, 102.9672', { vocabulary, matcher });

    expect(r.location).toEqual({ value: { lat: 13.5139, lon: 102.9672, accuracyM: 11.1 }, source: 'decimal',
      match: '13.5139, 102.9672' });
    expect(r.device).toEqual({ value: 'uxo', source: 'words', match: 'UXO' });
    expect(r.place).toBeNull();
  });

  it('when a report names a generic mine, a school, a district and a hurt child, then each is found', () => {
    const r = parseReport('mine near the school in Mongkol Borei, one child hurt', { vocabulary, matcher });

    expect(r.device).toEqual({ value: 'unknown', source: 'words', match: 'mine' });
    expect(r.casualties).toEqual({ value: true, source: 'words', match: 'hurt' });
    expect(r.children).toBe(true);
    expect(r.contextFlags).toEqual({ value: ['school'], source: 'words', match: 'school' });
    expect(r.place).toMatchObject({ value: { pcode: '0102', level: 'district', name: 'Mongkol Borey' },
      source: 'gazetteer', match: 'Mongkol Borei' });
    expect(r.place?.confidence).toBeGreaterThanOrEqual(0.5);
    expect(r.location).toBeNull();
  });

  it('when a cluster bomblet is in a rice field near a river and nobody is injured, then casualties are false', () => {
    const r = parseReport('cluster bomblet in the rice field near the river, nobody injured', { vocabulary, matcher });

    expect(r.device).toEqual({ value: 'cluster_submunition', source: 'words', match: 'cluster' });
    expect(r.casualties).toEqual({ value: false, source: 'words', match: 'nobody injured' });
    expect(r.children).toBe(false);
    expect(r.contextFlags.value).toEqual(['field', 'water']);
    expect(r.contextFlags.match).toBe('rice field, river');
  });

  it.each([
    ['no one was hurt', 'no one was hurt'],
    ['No one injured.', 'No one injured'],
    ['not injured', 'not injured'],
    ['no injuries', 'no injuries'],
  ])('when the report says "%s", then casualties are false from the negated phrase', (text, match) => {
    expect(parseReport(`shell by the road, ${text}`, { vocabulary }).casualties).toEqual({ value: false, source: 'words', match });
  });

  it('when a negation is more than two words before the casualty word, then the casualty counts', () => {
    expect(parseReport('no idea what it is but my brother got hurt', { vocabulary }).casualties.value).toBe(true);
  });

  it('when a negation ends its sentence, then the next sentence\'s casualty counts', () => {
    expect(parseReport('Is it safe? No. Two people injured', { vocabulary }).casualties)
      .toEqual({ value: true, source: 'words', match: 'injured' });
  });

  it('when one casualty is negated and another is not, then casualties are true', () => {
    expect(parseReport('nobody hurt yesterday; today a boy was injured', { vocabulary }).casualties)
      .toMatchObject({ value: true, match: 'injured' });
  });

  it('when no casualty word appears, then casualties are false by default', () => {
    expect(parseReport('bomb in the pond', { vocabulary }).casualties).toEqual({ value: false, source: 'default' });
  });

  it('when a Khmer report names a cluster bomb near a school and a hurt child, then all are found', () => {
    const r = parseReport('មានគ្រាប់បែកចង្កោមនៅជិតសាលា ក្មេងម្នាក់របួស', { vocabulary, matcher });

    expect(r.device).toEqual({ value: 'cluster_submunition', source: 'words', match: 'គ្រាប់បែកចង្កោម' });
    expect(r.contextFlags.value).toEqual(['school']);
    expect(r.children).toBe(true);
    expect(r.casualties).toEqual({ value: true, source: 'words', match: 'របួស' });
  });

  it('when a Khmer report says nobody is hurt, then casualties are false from the negated phrase', () => {
    const r = parseReport('រកឃើញមីននៅស្រែ គ្មានអ្នករបួស', { vocabulary, matcher });

    expect(r.casualties).toEqual({ value: false, source: 'words', match: 'គ្មានអ្នករបួស' });
    expect(r.device).toEqual({ value: 'unknown', source: 'words', match: 'មីន' });
    expect(r.contextFlags.value).toEqual(['field']);
  });

  it('when a Khmer report names the district in Khmer, then the place is found', () => {
    const r = parseReport('គ្រាប់មិនទាន់ផ្ទុះនៅស្រុកមង្គលបូរី', { vocabulary, matcher });

    expect(r.device).toMatchObject({ value: 'uxo', match: 'គ្រាប់មិនទាន់ផ្ទុះ' });
    expect(r.place).toMatchObject({ value: { pcode: '0102' }, source: 'gazetteer', match: 'មង្គលបូរី' });
  });

  it('when a Spanish report names an anti-personnel mine on a path and a hurt child, then each is found', () => {
    const r = parseReport('mina antipersonal en la vereda, un niño herido', { vocabulary, matcher });

    expect(r.device).toEqual({ value: 'ap_mine', source: 'words', match: 'mina antipersonal' });
    expect(r.casualties).toEqual({ value: true, source: 'words', match: 'herido' });
    expect(r.children).toBe(true);
    expect(r.contextFlags.value).toEqual(['road']);
  });

  it('when a Spanish report says nadie herido, then casualties are false', () => {
    expect(parseReport('granada en el potrero, nadie herido', { vocabulary }).casualties)
      .toEqual({ value: false, source: 'words', match: 'nadie herido' });
  });

  it('when a Lao report names a bombie in a rice field and a hurt child, then each is found', () => {
    const r = parseReport('ພົບບອມບີ ຢູ່ທົ່ງນາ ເດັກນ້ອຍບາດເຈັບ', { vocabulary });

    expect(r.device).toEqual({ value: 'cluster_submunition', source: 'words', match: 'ບອມບີ' });
    expect(r.contextFlags.value).toEqual(['field']);
    expect(r.children).toBe(true);
    expect(r.casualties).toEqual({ value: true, source: 'words', match: 'ບາດເຈັບ' });
  });

  it('when a Lao report says no one is hurt, then casualties are false', () => {
    const r = parseReport('ລະເບີດບໍ່ທັນແຕກໃກ້ໂຮງຮຽນ, ບໍ່ມີຄົນບາດເຈັບ', { vocabulary });

    expect(r.device).toMatchObject({ value: 'uxo', match: 'ລະເບີດບໍ່ທັນແຕກ' });
    expect(r.contextFlags.value).toEqual(['school']);
    expect(r.casualties).toEqual({ value: false, source: 'words', match: 'ບໍ່ມີຄົນບາດເຈັບ' });
  });

  it('when several device words match, then the most specific class wins', () => {
    expect(parseReport('anti-tank mine and a bomb', { vocabulary }).device.value).toBe('at_mine');
    expect(parseReport('a mine, or maybe an ap mine', { vocabulary }).device.value).toBe('ap_mine');
    expect(parseReport('booby trap with a grenade', { vocabulary }).device.value).toBe('ied');
    expect(parseReport('landmine next to a cluster bomb', { vocabulary }).device.value).toBe('cluster_submunition');
  });

  it('when no device word matches, then the device is unknown by default', () => {
    expect(parseReport('something strange near the house', { vocabulary }).device).toEqual({ value: 'unknown', source: 'default' });
  });

  it('when a report mixes a language with coordinates and a place, then coordinates are not matched as a place', () => {
    const r = parseReport('REPORT bomb 48PTV7998194879 Samlout', { vocabulary, matcher, keyword: 'report' });

    expect(r.location).toMatchObject({ source: 'mgrs', match: '48PTV7998194879' });
    expect(r.place).toMatchObject({ value: { pcode: '0211' }, match: 'Samlout' });
  });

  it('when the place match is weak or there is no matcher, then no place is given', () => {
    const weak = stubMatcher(0.49);
    expect(parseReport('mine near Thmei', { vocabulary, matcher: weak.matcher }).place).toBeNull();
    expect(parseReport('mine near Thmei', { vocabulary, matcher: stubMatcher(0.5).matcher }).place)
      .toEqual({ value: { pcode: '01020101', level: 'village', name: 'Thmei' }, source: 'gazetteer', match: 'Thmei',
        confidence: 0.5 });
    expect(parseReport('mine near the school in Mongkol Borei', { vocabulary }).place).toBeNull();
    expect(parseReport('mine near the school', { vocabulary, matcher: null }).place).toBeNull();
    expect(parseReport('mine near the tree', { vocabulary, matcher }).place).toBeNull();
  });

  it('when coordinates and the leading keyword are present, then the matcher sees neither', () => {
    const stub = stubMatcher(0.9);
    parseReport('REPORT mine 13.5139, 102.9672 at Thmei', { vocabulary, matcher: stub.matcher, keyword: 'report' });
    expect(stub.seen).toHaveLength(1);
    expect(stub.seen[0]).not.toMatch(/REPORT|13\.5139|102\.9672/);
    expect(stub.seen[0]).toContain('mine');
    expect(stub.seen[0]).toContain('at Thmei');
  });

  it('when the keyword is only the start of the first word, then it is left in place', () => {
    const stub = stubMatcher(0.9);
    parseReport('Reporter says mine at Thmei', { vocabulary, matcher: stub.matcher, keyword: 'report' });
    expect(stub.seen[0]).toBe('Reporter says mine at Thmei');
  });

  it('when the text is 1,600 characters with emoji and control bytes, then parsing does not throw and keeps it', () => {
    const text = `💣 mine\u0000 near school\u0007 \uD800 child hurt 🙏\u200b ${'ស្រែ 🌾 field '.repeat(120)}`.slice(0, 1600);
    expect(text.length).toBe(1600);

    const r = parseReport(text, { vocabulary, matcher });

    expect(r.original).toBe(text);
    expect(r.device.value).toBe('unknown');
    expect(r.casualties.value).toBe(true);
    expect(r.contextFlags.value).toEqual(['school', 'field']);
  });

  it('when media URLs come with the message, then they are passed through and recorded from mms', () => {
    const urls = ['https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1'];
    const r = parseReport('photo of the object', { vocabulary, mediaUrls: urls });

    expect(r.mediaUrls).toEqual(urls);
    expect(r.mediaUrls).not.toBe(urls);
    expect(parseDetails(r).mediaUrls).toEqual({ value: urls, source: 'mms' });
  });

  it('when a report is summarised for the parse column, then every field says how it was found', () => {
    const r = parseReport('UXO 13.5139, 102.9672 near the road', { vocabulary });

    expect(parseDetails(r)).toEqual({
      location: { value: { lat: 13.5139, lon: 102.9672, accuracyM: 11.1 }, source: 'decimal', match: '13.5139, 102.9672' },
      device: { value: 'uxo', source: 'words', match: 'UXO' },
      casualties: { value: false, source: 'default' },
      children: { value: false, source: 'default' },
      contextFlags: { value: ['road'], source: 'words', match: 'road' },
    });
  });
});
