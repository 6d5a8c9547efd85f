import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCodCsv, type ParsedUnit } from '../../src/districts/cod-csv.js';

const HEADER = 'ADM1_PCODE,ADM1_EN,ADM1_KM,ADM2_PCODE,ADM2_EN,ADM2_KM,ADM2_TYPE,ADM2_LAT,ADM2_LON';
const csv = (...lines: string[]): string => [HEADER, ...lines].join('\n');
const byPcode = (units: ParsedUnit[]): Map<string, ParsedUnit> => new Map(units.map((u) => [u.pcode, u]));

describe('parseCodCsv', () => {
  it('when a row has province and district columns, then it yields both units linked parent to child', () => {
    const input = csv('01,Banteay Meanchey,បន្ទាយមានជ័យ,0102,Mongkol Borey,មង្គលបូរី,District,13.4940861,102.9791567');

    const { units, errors } = parseCodCsv(input);

    expect(errors).toEqual([]);
    expect(units).toEqual([
      { pcode: '01', level: 'province', parentPcode: null, nameEn: 'Banteay Meanchey', nameLocal: 'បន្ទាយមានជ័យ',
        unitType: null, lat: null, lon: null, country: 'KH' },
      { pcode: '0102', level: 'district', parentPcode: '01', nameEn: 'Mongkol Borey', nameLocal: 'មង្គលបូរី',
        unitType: 'District', lat: 13.4940861, lon: 102.9791567, country: 'KH' },
    ]);
  });

  it('when the file starts with a BOM and headers are in mixed case, then the columns are still found', () => {
    const input = '\uFEFFadm1_pcode,Adm1_En,ADM2_Pcode,adm2_en\n01,Banteay Meanchey,0102,Mongkol Borey\n';

    const { units, errors } = parseCodCsv(Buffer.from(input, 'utf8'));

    expect(errors).toEqual([]);
    expect(units.map((u) => [u.pcode, u.nameEn])).toEqual([['01', 'Banteay Meanchey'], ['0102', 'Mongkol Borey']]);
  });

  it('when the file has extra columns and no local-name columns, then extras are ignored and nameLocal is null', () => {
    const input = 'Shape_Leng,ADM1_PCODE,ADM1_EN,ADM1_REF,ADM2_PCODE,ADM2_EN,validOn\n' +
      '1.25,24,Pailin,Pailin,2402,Sala Krau,2024-01-01\n';

    const { units, errors } = parseCodCsv(input);

    expect(errors).toEqual([]);
    expect(units.map((u) => ({ pcode: u.pcode, nameEn: u.nameEn, nameLocal: u.nameLocal }))).toEqual([
      { pcode: '24', nameEn: 'Pailin', nameLocal: null },
      { pcode: '2402', nameEn: 'Sala Krau', nameLocal: null },
    ]);
  });

  it('when the local names are in a Lao column and the country is LA, then they become nameLocal', () => {
    const input = 'ADM1_PCODE,ADM1_EN,ADM1_LO,ADM2_PCODE,ADM2_EN,ADM2_LO\nLA16,Champasak,ຈຳປາສັກ,LA1601,Pakse,ປາກເຊ\n';

    const { units, errors } = parseCodCsv(input, { country: 'LA' });

    expect(errors).toEqual([]);
    expect(units.map((u) => [u.pcode, u.nameLocal, u.country])).toEqual([
      ['LA16', 'ຈຳປາສັກ', 'LA'],
      ['LA1601', 'ປາກເຊ', 'LA'],
    ]);
  });

  it('when a row has all four levels, then it yields province, district, commune and village in a chain', () => {
    const input = 'ADM1_PCODE,ADM1_EN,ADM2_PCODE,ADM2_EN,ADM3_PCODE,ADM3_EN,ADM4_PCODE,ADM4_EN,LAT,LON\n' +
      '01,Banteay Meanchey,0102,Mongkol Borey,010201,Banteay Neang,01020101,Ou Thum,13.5,102.9\n';

    const { units } = parseCodCsv(input);

    expect(units.map((u) => [u.level, u.pcode, u.parentPcode])).toEqual([
      ['province', '01', null], ['district', '0102', '01'], ['commune', '010201', '0102'], ['village', '01020101', '010201'],
    ]);
    // Generic LAT/LON describe the most specific unit of the row.
    expect(units.map((u) => u.lat)).toEqual([null, null, null, 13.5]);
  });

  it('when P-codes are malformed or do not nest, then those rows are reported by number and good rows are kept', () => {
    const input = csv(
      '01,Banteay Meanchey,,0102,Mongkol Borey,,District,,',
      '01,Banteay Meanchey,,01-3,Phnum Srok,,District,,',
      '02,Battambang,,0301,Banan,,District,,',
      '02,Battambang,,020,Thma Koul,,District,,',
      ',No Code,,,,,,,',
      '24,Pailin,,2401,Pailin,,Municipality,,',
    );

    const { units, errors } = parseCodCsv(input);

    expect(errors).toEqual([
      { row: 2, reason: expect.stringContaining('invalid district P-code "01-3"'), column: 'ADM2_PCODE' },
      { row: 3, reason: expect.stringContaining('does not start with its parent'), column: 'ADM2_PCODE' },
      { row: 4, reason: expect.stringContaining('must be 4 digits'), column: 'ADM2_PCODE' },
      { row: 5, reason: 'row has no P-code', column: 'ADM1_PCODE' },
    ]);
    // A bad district does not take its good province down with it.
    expect(units.map((u) => u.pcode)).toEqual(['01', '0102', '02', '24', '2401']);
  });

  it('when coordinates are out of range or not numbers, then the row is reported and its province kept', () => {
    const input = csv(
      '01,Banteay Meanchey,,0102,Mongkol Borey,,District,95.1,102.9',
      '01,Banteay Meanchey,,0103,Phnum Srok,,District,13.7,-181',
      '02,Battambang,,0201,Banan,,District,0x0D,103',
      '02,Battambang,,0202,Thma Koul,,District,-13.2,-103.07',
    );

    const { units, errors } = parseCodCsv(input);

    expect(errors.map((e) => [e.row, e.column])).toEqual([[1, 'ADM2_LAT'], [2, 'ADM2_LON'], [3, 'ADM2_LAT']]);
    expect(errors[0]?.reason).toMatch(/latitude out of range/);
    expect(units.map((u) => u.pcode)).toEqual(['01', '02', '0202']);
    expect(byPcode(units).get('0202')).toMatchObject({ lat: -13.2, lon: -103.07 });
  });

  it('when names carry control bytes, bidi overrides or decomposed accents, then they are cleaned and NFC', () => {
    const input = csv('10,Krati\u0065\u0301\u0000,,1001,\u202EChh\u0007loung  \u200B,,\t District ,,');

    const { units, errors } = parseCodCsv(input);

    expect(errors).toEqual([]);
    expect(units.map((u) => [u.nameEn, u.unitType])).toEqual([['Kratié', null], ['Chhloung', 'District']]);
  });

  it('when a name is missing or longer than 200 characters, then that unit is reported and not imported', () => {
    const input = csv('01,Banteay Meanchey,,0102,  ,,District,,', `02,Battambang,,0201,${'B'.repeat(201)},,District,,`);

    const { units, errors } = parseCodCsv(input);

    expect(errors).toEqual([
      { row: 1, reason: 'missing name for district 0102', column: 'ADM2_EN' },
      { row: 2, reason: 'longer than 200 characters', column: 'ADM2_EN' },
    ]);
    expect(units.map((u) => u.pcode)).toEqual(['01', '02']);
  });

  it('when the same P-code appears in several rows, then there is one unit and later rows update it', () => {
    const input = csv(
      '01,Banteay Meanchey,បន្ទាយមានជ័យ,0102,Mongkol Borei,,District,13.49,102.97',
      '01,Banteay Meanchey,,0102,Mongkol Borey,មង្គលបូរី,District,,',
    );

    const { units } = parseCodCsv(input);

    expect(units).toHaveLength(2);
    // The later row renames; what it leaves blank keeps the earlier row's value.
    expect(byPcode(units).get('0102')).toMatchObject({ nameEn: 'Mongkol Borey', nameLocal: 'មង្គលបូរី', lat: 13.49 });
    expect(byPcode(units).get('01')?.nameLocal).toBe('បន្ទាយមានជ័យ');
  });

  it('when there is no ADM1_PCODE column, then it throws naming the missing column', () => {
    const input = 'ADM2_PCODE,ADM2_EN\n0102,Mongkol Borey\n';

    expect(() => parseCodCsv(input)).toThrow(/ADM1_PCODE/);
  });

  it('when the file has more data rows than the limit, then it throws', () => {
    const input = csv('01,A,,0101,B,,,,', '01,A,,0102,C,,,,', '01,A,,0103,D,,,,');

    expect(() => parseCodCsv(input, { maxRows: 2 })).toThrow(/more than 2 data rows/);
    expect(parseCodCsv(input, { maxRows: 3 }).units).toHaveLength(4);
  });

  it('when the country option is not a 2-letter code, then it throws', () => {
    expect(() => parseCodCsv(csv(), { country: 'KHM' })).toThrow(/2-letter/);
  });

  it('when the shipped demo gazetteer is parsed, then it holds 5 provinces and their 38 districts without errors', () => {
    const demo = readFileSync(new URL('../../prisma/demo/gazetteer.csv', import.meta.url));

    const { units, errors } = parseCodCsv(demo);

    expect(errors).toEqual([]);
    expect(units.filter((u) => u.level === 'province').map((u) => u.pcode)).toEqual(['01', '02', '13', '22', '24']);
    expect(units.filter((u) => u.level === 'district')).toHaveLength(38);
    expect(byPcode(units).get('0102')).toMatchObject({ nameEn: 'Mongkol Borey', nameLocal: 'មង្គលបូរី', parentPcode: '01' });
  });
});
