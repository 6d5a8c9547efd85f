import { parse } from 'csv-parse/sync';

export type AdminLevel = 'province' | 'district' | 'commune' | 'village';

export interface ParsedUnit {
  pcode: string;
  level: AdminLevel;
  parentPcode: string | null;
  nameEn: string;
  nameLocal: string | null;
  unitType: string | null;
  lat: number | null;
  lon: number | null;
  country: string;
}

export interface RowError {
  /** 1-based index among non-empty data records; the header is row 0. */
  row: number;
  reason: string;
  column?: string;
}

export interface ParseCodCsvOptions {
  /** ISO 3166-1 alpha-2 code stamped on every unit. */
  country?: string;
  maxRows?: number;
}

export interface ParseCodCsvResult {
  units: ParsedUnit[];
  errors: RowError[];
}

export const MAX_COD_ROWS = 200_000;
const LEVELS: readonly AdminLevel[] = ['province', 'district', 'commune', 'village'];
const PCODE_RE = /^[A-Za-z0-9]{2,20}$/;
const MAX_NAME_LENGTH = 200;
// Control bytes, bidi overrides (they can disguise a name on screen) and zero-width spaces/BOM.
// ZWJ/ZWNJ stay: some scripts need them to spell a name.
const UNSAFE_CHARS_RE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

interface LevelColumns {
  pcode: number;
  name?: number;
  local?: number;
  type?: number;
  lat?: number;
  lon?: number;
}

interface Columns {
  levels: LevelColumns[];
  lat?: number;
  lon?: number;
  /** Original header text per index, for error messages. */
  header: string[];
}

// "ADM2_PCODE", "adm2Pcode", "admin2Pcode" and "Admin2Name_en" all reduce to the same key.
function headerKey(raw: string): string {
  return raw.replace(/^\ufeff/, '').trim().toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^admin(\d)/, 'adm$1');
}

function findColumns(header: string[]): Columns {
  const keys = header.map(headerKey);
  const at = (...names: string[]): number | undefined => {
    for (const name of names) {
      const i = keys.indexOf(name);
      if (i >= 0) return i;
    }
    return undefined;
  };
  const levels: LevelColumns[] = [];
  for (let n = 1; n <= LEVELS.length; n++) {
    const pcode = at(`adm${n}pcode`);
    if (pcode === undefined) break;
    const p = `adm${n}`;
    // The first two-letter language column other than EN holds the local-script name.
    const localRe = new RegExp(`^${p}(?:name)?([a-z]{2})$`);
    let local = at(`${p}local`, `${p}namelocal`);
    if (local === undefined) {
      const i = keys.findIndex((k) => (localRe.exec(k)?.[1] ?? 'en') !== 'en');
      if (i >= 0) local = i;
    }
    levels.push({
      pcode,
      name: at(`${p}en`, `${p}nameen`, `${p}ref`, `${p}name`),
      local,
      type: at(`${p}type`),
      lat: at(`${p}lat`, `${p}latitude`),
      lon: at(`${p}lon`, `${p}long`, `${p}longitude`),
    });
  }
  if (levels.length === 0) throw new Error('COD CSV has no ADM1_PCODE column');
  return {
    levels,
    lat: at('lat', 'latitude', 'centerlat'),
    lon: at('lon', 'long', 'longitude', 'centerlon'),
    header,
  };
}

export function sanitizeName(raw: string | undefined): string {
  return (raw ?? '').normalize('NFC').replace(UNSAFE_CHARS_RE, '').replace(/\s+/g, ' ').trim();
}

function expectedPcodeLength(country: string, levelIndex: number): number | undefined {
  return country === 'KH' ? [2, 4, 6, 8][levelIndex] : undefined;
}

type Coord = { value: number | null } | { error: string };

function readCoord(raw: string | undefined, limit: number): Coord {
  const text = (raw ?? '').trim();
  if (text === '') return { value: null };
  // Plain decimals only: Number() would also take "0x1F" or "1e400".
  const value = /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) return { error: `not a number: ${text.slice(0, 40)}` };
  if (Math.abs(value) > limit) return { error: `out of range [-${limit}, ${limit}]: ${value}` };
  return { value };
}

export function parseCodCsv(input: string | Buffer, options: ParseCodCsvOptions = {}): ParseCodCsvResult {
  const country = (options.country ?? 'KH').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new Error(`country must be a 2-letter code, got "${country}"`);
  const maxRows = options.maxRows ?? MAX_COD_ROWS;

  // `to` stops the parser one record past the limit so an oversized file fails without being read whole.
  const records = parse(input, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    to: maxRows + 2,
  }) as string[][];
  const [header, ...rows] = records;
  if (!header) throw new Error('COD CSV is empty: no ADM1_PCODE column');
  if (rows.length > maxRows) throw new Error(`COD CSV has more than ${maxRows} data rows`);

  const columns = findColumns(header);
  const units = new Map<string, ParsedUnit>();
  const errors: RowError[] = [];
  rows.forEach((cells, i) => readRow(cells, i + 1, columns, country, units, errors));
  return { units: [...units.values()], errors };
}

function readRow(
  cells: string[],
  row: number,
  columns: Columns,
  country: string,
  units: Map<string, ParsedUnit>,
  errors: RowError[],
): void {
  const cell = (i: number | undefined): string | undefined => (i === undefined ? undefined : cells[i]);
  const fail = (reason: string, i: number | undefined): void => {
    const column = i === undefined ? undefined : columns.header[i];
    errors.push(column === undefined ? { row, reason } : { row, reason, column });
  };
  const pcodes = columns.levels.map((c) => (cell(c.pcode) ?? '').trim());
  const deepest = pcodes.reduce((last, p, i) => (p ? i : last), -1);
  let parent: ParsedUnit | null = null;
  if (deepest < 0) return fail('row has no P-code', columns.levels[0]?.pcode);

  for (let n = 0; n <= deepest; n++) {
    const col = columns.levels[n];
    const pcode = pcodes[n];
    const level = LEVELS[n];
    if (!col || pcode === undefined || !level) return;
    if (!pcode) return fail(`missing P-code for ${level} while a deeper level has one`, col.pcode);
    if (!PCODE_RE.test(pcode)) return fail(`invalid ${level} P-code "${pcode.slice(0, 30)}"`, col.pcode);
    const expected = expectedPcodeLength(country, n);
    if (expected !== undefined && (pcode.length !== expected || !/^\d+$/.test(pcode))) {
      return fail(`${level} P-code "${pcode}" must be ${expected} digits for ${country}`, col.pcode);
    }
    if (parent && !pcode.startsWith(parent.pcode)) {
      return fail(`${level} P-code "${pcode}" does not start with its parent's "${parent.pcode}"`, col.pcode);
    }

    const nameEn = sanitizeName(cell(col.name));
    if (!nameEn) return fail(`missing name for ${level} ${pcode}`, col.name ?? col.pcode);
    const nameLocal = sanitizeName(cell(col.local));
    const unitType = sanitizeName(cell(col.type));
    for (const [text, i] of [[nameEn, col.name], [nameLocal, col.local], [unitType, col.type]] as const) {
      if (text.length > MAX_NAME_LENGTH) return fail(`longer than ${MAX_NAME_LENGTH} characters`, i);
    }

    // Generic LAT/LON columns describe the most specific unit in the row.
    const latCol = col.lat ?? (n === deepest ? columns.lat : undefined);
    const lonCol = col.lon ?? (n === deepest ? columns.lon : undefined);
    const lat = readCoord(cell(latCol), 90);
    if ('error' in lat) return fail(`latitude ${lat.error}`, latCol);
    const lon = readCoord(cell(lonCol), 180);
    if ('error' in lon) return fail(`longitude ${lon.error}`, lonCol);
    if ((lat.value === null) !== (lon.value === null)) return fail('latitude and longitude must be given together', latCol);

    const previous = units.get(pcode);
    if (previous && previous.level !== level) return fail(`P-code "${pcode}" is already a ${previous.level}`, col.pcode);
    const unit: ParsedUnit = {
      pcode,
      level,
      parentPcode: parent?.pcode ?? null,
      nameEn,
      // A later row updates the unit but does not erase what an earlier row gave and it leaves blank.
      nameLocal: nameLocal || previous?.nameLocal || null,
      unitType: unitType || previous?.unitType || null,
      lat: lat.value ?? previous?.lat ?? null,
      lon: lon.value ?? previous?.lon ?? null,
      country,
    };
    units.set(pcode, unit);
    parent = unit;
  }
}
