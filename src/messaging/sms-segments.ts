// SMS segment counting per GSM 03.38 / 3GPP TS 23.038 (DESIGN.md §4 "SMS encoding").
//
// A body is sent as GSM-7 when every character is in the default alphabet or its extension table, otherwise
// as UCS-2. Cost is per part, so campaign editors need the exact number of parts and, for UCS-2, which
// characters forced it. The body is counted exactly as given: no normalisation, since the carrier bills what
// is sent (pass text through `cleanText` first so a decomposed "é" does not count as "e" + U+0301).
//
// Runs on every outbound message: one charCodeAt pass, lookups in a typed array built once at module load.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Parts the carrier bills; at least 1 (an empty body is still one message). */
  segments: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Capacity of one part in `units`: 160/153 (GSM-7) or 70/67 (UCS-2), single or multi-part. */
  perSegment: number;
  /** Distinct characters outside GSM-7, in order of first appearance; empty for GSM-7. */
  nonGsmChars: string[];
}

/** Twilio rejects bodies longer than this. */
export const MAX_BODY_CHARS = 1600;

export const GSM7_SINGLE_SEPTETS = 160;
export const GSM7_MULTI_SEPTETS = 153; // 7 septets go to the user data header
export const UCS2_SINGLE_UNITS = 70;
export const UCS2_MULTI_UNITS = 67; // 3 code units go to the user data header

// Default alphabet in code order 0x00-0x7F. 0x1B is the escape to the extension table, not a character; it is
// left out here so the string holds the 127 real characters.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ' + /* 0x1B ESC */ 'ÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

// Extension table: each costs ESC + the character = 2 septets.
const GSM7_EXTENSION = '\f^{}\\[~]|€';

/** cost[codeUnit]: 0 = not GSM-7, 1 = basic alphabet, 2 = extension table. All GSM-7 characters are in the BMP. */
const GSM7_COST: Uint8Array = (() => {
  let max = 0;
  for (const s of [GSM7_BASIC, GSM7_EXTENSION]) {
    for (let i = 0; i < s.length; i++) max = Math.max(max, s.charCodeAt(i));
  }
  const table = new Uint8Array(max + 1);
  for (let i = 0; i < GSM7_BASIC.length; i++) table[GSM7_BASIC.charCodeAt(i)] = 1;
  for (let i = 0; i < GSM7_EXTENSION.length; i++) table[GSM7_EXTENSION.charCodeAt(i)] = 2;
  return table;
})();

const GSM7_TABLE_SIZE = GSM7_COST.length;

/**
 * Encoding, parts and units of an SMS body. Parts are counted by packing greedily, part by part, because a
 * GSM-7 escape pair and a UTF-16 surrogate pair are never split across parts: that can add a part that plain
 * division would miss.
 */
export function smsSegments(body: string): SmsSegments {
  const n = body.length;

  // Both encodings are packed in the same pass; which one applies is only known at the end.
  let gsm = true;
  let septets = 0;
  let gsmParts = 1;
  let gsmFill = 0;
  let ucsParts = 1;
  let ucsFill = 0;
  let nonGsm: Set<string> | undefined;

  for (let i = 0; i < n; i++) {
    const cu = body.charCodeAt(i);

    // UCS-2: a surrogate pair is one 2-unit item; a lone surrogate is sent as its single unit.
    let width = 1;
    if (cu >= 0xd800 && cu <= 0xdbff && i + 1 < n) {
      const next = body.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) width = 2;
    }
    if (ucsFill + width > UCS2_MULTI_UNITS) {
      ucsParts++;
      ucsFill = width;
    } else {
      ucsFill += width;
    }

    const cost = cu < GSM7_TABLE_SIZE ? (GSM7_COST[cu] ?? 0) : 0;
    if (cost === 0) {
      gsm = false;
      (nonGsm ??= new Set()).add(width === 2 ? body.slice(i, i + 2) : body[i]!);
    } else if (gsm) {
      septets += cost;
      if (gsmFill + cost > GSM7_MULTI_SEPTETS) {
        gsmParts++;
        gsmFill = cost;
      } else {
        gsmFill += cost;
      }
    }

    i += width - 1;
  }

  if (gsm) {
    const single = septets <= GSM7_SINGLE_SEPTETS;
    return {
      encoding: 'GSM-7',
      segments: single ? 1 : gsmParts,
      units: septets,
      perSegment: single ? GSM7_SINGLE_SEPTETS : GSM7_MULTI_SEPTETS,
      nonGsmChars: [],
    };
  }
  const single = n <= UCS2_SINGLE_UNITS;
  return {
    encoding: 'UCS-2',
    segments: single ? 1 : ucsParts,
    units: n,
    perSegment: single ? UCS2_SINGLE_UNITS : UCS2_MULTI_UNITS,
    nonGsmChars: nonGsm ? [...nonGsm] : [],
  };
}

/** Whether the body goes out in at most `max` parts (and within Twilio's body cap). */
export function fitsInSegments(body: string, max: number): boolean {
  return body.length <= MAX_BODY_CHARS && smsSegments(body).segments <= max;
}
