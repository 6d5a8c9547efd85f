import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS, fitsInSegments, smsSegments } from '../../src/messaging/sms-segments.js';

// ---------------------------------------------------------------------------------------------------------------
// Independent reference, written from GSM 03.38 in a different shape from the module: the basic alphabet is
// "printable ASCII minus the 9 characters that are not in it, plus LF, CR and 39 non-ASCII characters".
// ---------------------------------------------------------------------------------------------------------------
const ASCII_NOT_BASIC = new Set(['[', '\\', ']', '^', '`', '{', '|', '}', '~']);
const NON_ASCII_BASIC = [
  '\u00A3', '\u00A5', '\u00E8', '\u00E9', '\u00F9', '\u00EC', '\u00F2', '\u00C7', '\u00D8', '\u00F8', '\u00C5', '\u00E5', // £¥èéùìòÇØøÅå
  '\u0394', '\u03A6', '\u0393', '\u039B', '\u03A9', '\u03A0', '\u03A8', '\u03A3', '\u0398', '\u039E', // ΔΦΓΛΩΠΨΣΘΞ
  '\u00C6', '\u00E6', '\u00DF', '\u00C9', // ÆæßÉ
  '\u00A4', '\u00A1', '\u00C4', '\u00D6', '\u00D1', '\u00DC', '\u00A7', '\u00BF', '\u00E4', '\u00F6', '\u00F1', '\u00FC', '\u00E0', // ¤¡ÄÖÑÜ§¿äöñüà
];
const REF_BASIC: string[] = ['\n', '\r', ...NON_ASCII_BASIC];
for (let c = 0x20; c <= 0x7e; c++) {
  const ch = String.fromCharCode(c);
  if (!ASCII_NOT_BASIC.has(ch)) REF_BASIC.push(ch);
}
const REF_EXTENSION = ['\u000C', '^', '{', '}', '\\', '[', '~', ']', '|', '\u20AC'];
const REF_BASIC_SET = new Set(REF_BASIC);
const REF_EXTENSION_SET = new Set(REF_EXTENSION);

/** Greedy packing: how many parts of `capacity` hold these indivisible items, in order. */
function packParts(sizes: number[], capacity: number): number {
  const parts: number[] = [];
  for (const size of sizes) {
    const last = parts.length - 1;
    if (last >= 0 && parts[last]! + size <= capacity) parts[last] = parts[last]! + size;
    else parts.push(size);
  }
  return Math.max(parts.length, 1);
}

function referenceSegments(body: string): { encoding: string; segments: number; units: number } {
  const chars = Array.from(body); // code points; a lone surrogate stays one 1-unit item
  const isGsm = chars.every((ch) => REF_BASIC_SET.has(ch) || REF_EXTENSION_SET.has(ch));
  if (isGsm) {
    const sizes = chars.map((ch) => (REF_EXTENSION_SET.has(ch) ? 2 : 1));
    const units = sizes.reduce((a, b) => a + b, 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : packParts(sizes, 153) };
  }
  const sizes = chars.map((ch) => ch.length);
  const units = sizes.reduce((a, b) => a + b, 0);
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : packParts(sizes, 67) };
}

/** Deterministic PRNG (mulberry32) so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KHMER_SHORT = 'កុំប៉ះ! សូមនៅឱ្យឆ្ងាយ។';
const KHMER_LONG =
  'ប្រសិនបើអ្នកឃើញគ្រាប់មីន ឬគ្រាប់បែកដែលមិនទាន់ផ្ទុះ សូមកុំប៉ះ កុំរើ ហើយហៅទូរស័ព្ទមកលេខ ១២៩៧ ភ្លាមៗ។ ត្រូវនៅឱ្យឆ្ងាយ និងប្រាប់កុមារផង។';
const LAO_SHORT = 'ລະວັງ! ຢ່າແຕະຕ້ອງ';
const LAO_LONG =
  'ຖ້າທ່ານພົບເຫັນລະເບີດທີ່ຍັງບໍ່ທັນແຕກ ຢ່າແຕະຕ້ອງ ຢ່າເຄື່ອນຍ້າຍ ແລະ ໃຫ້ແຈ້ງເຈົ້າໜ້າທີ່ທັນທີ. ໃຫ້ຢູ່ຫ່າງໆ ແລະ ບອກເດັກນ້ອຍນຳ.';

/** Expected UCS-2 parts for text without surrogate pairs, where plain division is exact. */
function ucs2PartsByDivision(length: number): number {
  return length <= 70 ? 1 : Math.ceil(length / 67);
}

describe('smsSegments: GSM-7', () => {
  it('when the body is empty, then it is one GSM-7 part of 0 units', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', segments: 1, units: 0, perSegment: 160, nonGsmChars: [] });
  });

  it('when the body is exactly 160 GSM characters, then it is one part of 160', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: 160,
      perSegment: 160,
      nonGsmChars: [],
    });
  });

  it('when the body is 161 GSM characters, then it is two parts of 153', () => {
    const r = smsSegments('a'.repeat(161));
    expect(r).toMatchObject({ encoding: 'GSM-7', segments: 2, units: 161, perSegment: 153 });
  });

  it('when the body is 306 GSM characters, then it still fits in two parts', () => {
    expect(smsSegments('a'.repeat(306))).toMatchObject({ segments: 2, units: 306, perSegment: 153 });
  });

  it('when the body is 307 GSM characters, then it needs three parts', () => {
    expect(smsSegments('a'.repeat(307))).toMatchObject({ segments: 3, units: 307, perSegment: 153 });
  });

  it('when the body is 80 euro signs, then the 160 septets fit in one part', () => {
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160, perSegment: 160 });
  });

  it('when the body is 81 euro signs, then the 162 septets need two parts', () => {
    expect(smsSegments('€'.repeat(81))).toMatchObject({ encoding: 'GSM-7', segments: 2, units: 162, perSegment: 153 });
  });

  it('when each extension character is sent, then it costs two septets', () => {
    for (const ch of ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€']) {
      expect(smsSegments(ch), JSON.stringify(ch)).toMatchObject({ encoding: 'GSM-7', units: 2 });
    }
    expect(smsSegments('{a}')).toMatchObject({ units: 5 });
  });

  it('when an escape pair would straddle a part boundary, then it moves whole to the next part', () => {
    // 152 + 2 + 152 = 306 septets: plain division says 2 parts, but the € cannot take the 153rd septet of
    // part 1, so part 1 holds 152, part 2 holds € + 151 'a' (153) and the last 'a' spills into part 3.
    const body = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    const r = smsSegments(body);
    expect(r).toMatchObject({ encoding: 'GSM-7', units: 306, perSegment: 153, segments: 3 });
    expect(Math.ceil(r.units / r.perSegment)).toBe(2);
  });

  it('when an escape pair ends exactly on a part boundary, then no extra part is added', () => {
    // 151 + 2 = 153 fills part 1 exactly; 153 more 'a' fill part 2.
    const r = smsSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`);
    expect(r).toMatchObject({ units: 306, segments: 2 });
  });

  it('when every character of the basic alphabet is sent, then it is GSM-7 at one septet each', () => {
    expect(REF_BASIC).toHaveLength(127);
    for (const ch of REF_BASIC) {
      expect(smsSegments(ch), `U+${ch.charCodeAt(0).toString(16)}`).toMatchObject({ encoding: 'GSM-7', units: 1 });
    }
    expect(smsSegments(REF_BASIC.join(''))).toMatchObject({ encoding: 'GSM-7', units: 127, segments: 1 });
  });

  it('when the body has newlines and carriage returns, then they are GSM-7 basic characters', () => {
    const body = 'Line one\r\nLine two\nLine three\r';
    expect(smsSegments(body)).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: body.length,
      perSegment: 160,
      nonGsmChars: [],
    });
  });

  it('when Spanish text avoids á í ó ú, then ñ, ¿, ¡ and é keep it GSM-7', () => {
    const body = '¡Peligro! ¿Vio una bomba? No la toque. El niño y el bebé deben alejarse. Llame al 1297.';
    expect(smsSegments(body)).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      units: body.length,
      perSegment: 160,
      nonGsmChars: [],
    });
  });
});

describe('smsSegments: UCS-2', () => {
  it('when Spanish text has á, í, ó and ú, then it is UCS-2 and lists them', () => {
    const body = 'Atención: aquí está el área peligrosa, ningún niño debe entrar.';
    const r = smsSegments(body);
    expect(r).toEqual({
      encoding: 'UCS-2',
      segments: 1,
      units: body.length,
      perSegment: 70,
      nonGsmChars: ['ó', 'í', 'á', 'ú'],
    });
  });

  it('when the body is 70 UCS-2 characters, then it is one part of 70', () => {
    expect(smsSegments('á'.repeat(70))).toEqual({
      encoding: 'UCS-2',
      segments: 1,
      units: 70,
      perSegment: 70,
      nonGsmChars: ['á'],
    });
  });

  it('when the body is 71 UCS-2 characters, then it is two parts of 67', () => {
    expect(smsSegments('á'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2, units: 71, perSegment: 67 });
  });

  it('when the body is 134 UCS-2 characters, then it still fits in two parts', () => {
    expect(smsSegments('á'.repeat(134))).toMatchObject({ segments: 2, units: 134, perSegment: 67 });
  });

  it('when the body is 135 UCS-2 characters, then it needs three parts', () => {
    expect(smsSegments('á'.repeat(135))).toMatchObject({ segments: 3, units: 135, perSegment: 67 });
  });

  it('when one non-GSM character appears in long GSM text, then the whole body is counted as UCS-2', () => {
    const body = `${'a'.repeat(100)}á`;
    expect(smsSegments(body)).toMatchObject({ encoding: 'UCS-2', units: 101, segments: 2, nonGsmChars: ['á'] });
  });

  it('when pasted text has a typographic apostrophe or backtick, then those are what force UCS-2', () => {
    expect(smsSegments('Don’t touch it')).toMatchObject({ encoding: 'UCS-2', nonGsmChars: ['’'] });
    expect(smsSegments('run `stop`')).toMatchObject({ encoding: 'UCS-2', nonGsmChars: ['`'] });
  });

  it('when a short Khmer warning is sent, then it is one UCS-2 part with every code point counted', () => {
    const r = smsSegments(KHMER_SHORT);
    expect(r).toMatchObject({
      encoding: 'UCS-2',
      units: KHMER_SHORT.length,
      segments: ucs2PartsByDivision(KHMER_SHORT.length),
      perSegment: 70,
    });
    expect(r.segments).toBe(1);
    // Combining marks are separate code points and are listed as such; '!' and ' ' are GSM and are not.
    expect(r.nonGsmChars).toEqual(expect.arrayContaining(['ក', 'ុ', 'ំ', '៉', '្', '។']));
    expect(r.nonGsmChars).not.toContain('!');
    expect(r.nonGsmChars).not.toContain(' ');
    expect(new Set(r.nonGsmChars).size).toBe(r.nonGsmChars.length);
  });

  it('when a longer Khmer safety message is sent, then its parts follow its UTF-16 length', () => {
    const r = smsSegments(KHMER_LONG);
    expect(r).toMatchObject({
      encoding: 'UCS-2',
      units: KHMER_LONG.length,
      segments: ucs2PartsByDivision(KHMER_LONG.length),
      perSegment: 67,
    });
    expect(r.segments).toBeGreaterThan(1);
    const twice = `${KHMER_LONG} ${KHMER_LONG}`;
    expect(smsSegments(twice)).toMatchObject({ units: twice.length, segments: ucs2PartsByDivision(twice.length) });
  });

  it('when Lao text is sent, then it is UCS-2 with parts from its UTF-16 length', () => {
    const short = smsSegments(LAO_SHORT);
    expect(short).toMatchObject({ encoding: 'UCS-2', units: LAO_SHORT.length, segments: 1, perSegment: 70 });
    expect(short.nonGsmChars).toEqual(expect.arrayContaining(['ລ', 'ະ', 'ວ', 'ັ', 'ງ']));
    const long = smsSegments(LAO_LONG);
    expect(long).toMatchObject({
      encoding: 'UCS-2',
      units: LAO_LONG.length,
      segments: ucs2PartsByDivision(LAO_LONG.length),
      perSegment: 67,
    });
    expect(long.segments).toBeGreaterThan(1);
  });

  it('when 69 letters are followed by an emoji, then the 71 code units need two parts', () => {
    expect(smsSegments(`${'a'.repeat(69)}💣`)).toEqual({
      encoding: 'UCS-2',
      segments: 2,
      units: 71,
      perSegment: 67,
      nonGsmChars: ['💣'],
    });
  });

  it('when a surrogate pair would straddle the 67-unit boundary, then it moves whole to the next part', () => {
    // 66 + 2 + 66 = 134 units: plain division says 2 parts, but the emoji cannot take unit 67 alone.
    const body = `${'ខ'.repeat(66)}💣${'ខ'.repeat(66)}`;
    const r = smsSegments(body);
    expect(r).toMatchObject({ encoding: 'UCS-2', units: 134, perSegment: 67, segments: 3 });
    expect(Math.ceil(r.units / r.perSegment)).toBe(2);
    expect(r.nonGsmChars).toEqual(['ខ', '💣']);
  });

  it('when a surrogate pair ends exactly on the 67-unit boundary, then no extra part is added', () => {
    const r = smsSegments(`${'ខ'.repeat(65)}💣${'ខ'.repeat(67)}`);
    expect(r).toMatchObject({ units: 134, segments: 2 });
  });

  it('when the body holds a lone surrogate, then it counts as one unit and is listed', () => {
    expect(smsSegments('a\uD83Db')).toMatchObject({ encoding: 'UCS-2', units: 3, nonGsmChars: ['\uD83D'] });
  });
});

describe('fitsInSegments and MAX_BODY_CHARS', () => {
  it('when the limit is checked, then it is the part count that decides', () => {
    expect(MAX_BODY_CHARS).toBe(1600);
    expect(fitsInSegments('a'.repeat(160), 1)).toBe(true);
    expect(fitsInSegments('a'.repeat(161), 1)).toBe(false);
    expect(fitsInSegments('a'.repeat(161), 2)).toBe(true);
    expect(fitsInSegments('á'.repeat(71), 1)).toBe(false);
    expect(fitsInSegments(KHMER_SHORT, 1)).toBe(true);
    expect(fitsInSegments('', 1)).toBe(true);
  });

  it('when the body is over Twilio’s 1,600-character cap, then it never fits', () => {
    expect(fitsInSegments('a'.repeat(MAX_BODY_CHARS), 11)).toBe(true);
    expect(fitsInSegments('a'.repeat(MAX_BODY_CHARS + 1), 1000)).toBe(false);
  });
});

describe('smsSegments cross-check against a reference packing loop', () => {
  it('when 2,000 random mixed-alphabet bodies are counted, then encoding, units and parts match the reference', () => {
    const random = prng(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const mixedAlphabet = [
      ...REF_BASIC,
      ...REF_EXTENSION,
      'á', 'í', 'ó', 'ú', '’', '`',
      'ក', 'ុ', 'ំ', '្', 'ខ', 'ລ', 'ັ', 'ງ',
      '💣', '🚨', '🧨', '\uD83D', '\uDCA3', // emoji plus lone surrogates (which may pair up by chance)
    ];
    let gsmSplitsSeen = 0;
    let ucsSplitsSeen = 0;

    for (let n = 0; n < 2000; n++) {
      const gsmOnly = random() < 0.5;
      // Bodies are grown to a target in units, clustered on the part boundaries of both encodings (often
      // within ±2), so escape and surrogate pairs regularly land on a boundary.
      const base = pick(gsmOnly ? [0, 150, 160, 306, 459, 612] : [0, 67, 70, 134, 201, 268]);
      const spread = random() < 0.5 ? 2 : 20;
      const target = Math.max(0, base + Math.floor(random() * (2 * spread + 1)) - spread);
      let body = '';
      let units = 0;
      while (units < target) {
        const ch = gsmOnly
          ? random() < 0.3
            ? pick(REF_EXTENSION)
            : pick(REF_BASIC)
          : random() < 0.3
            ? pick(['💣', '🚨', '🧨'])
            : random() < 0.7
              ? pick(['a', 'ខ', 'ក', ' '])
              : pick(mixedAlphabet);
        body += ch;
        units += gsmOnly && REF_EXTENSION_SET.has(ch) ? 2 : ch.length;
      }

      const actual = smsSegments(body);
      const expected = referenceSegments(body);
      expect(
        { encoding: actual.encoding, segments: actual.segments, units: actual.units },
        `case ${n}: ${JSON.stringify(body)}`,
      ).toEqual(expected);
      expect(actual.perSegment).toBe(
        actual.encoding === 'GSM-7' ? (actual.units <= 160 ? 160 : 153) : actual.units <= 70 ? 70 : 67,
      );
      expect(actual.nonGsmChars.length === 0).toBe(actual.encoding === 'GSM-7');

      if (actual.segments > Math.ceil(actual.units / actual.perSegment) && actual.segments > 1) {
        if (actual.encoding === 'GSM-7') gsmSplitsSeen++;
        else ucsSplitsSeen++;
      }
    }

    // The sample must actually exercise the "pair moves to the next part" rule in both encodings.
    expect(gsmSplitsSeen).toBeGreaterThan(0);
    expect(ucsSplitsSeen).toBeGreaterThan(0);
  });
});
