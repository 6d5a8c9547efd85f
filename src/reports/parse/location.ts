// Coordinates typed into an SMS: decimal degrees (either order, signs or hemisphere letters, comma decimals when
// unambiguous), degrees-minutes-seconds, and MGRS grids of 8 or 10 digits. Everything else — phone numbers,
// dates, quantities — must not look like a place, so the rules lean towards "no coordinate" when in doubt.
import * as mgrsModule from 'mgrs';
import type { LatLon } from '../../lib/geo.js';

type MgrsApi = typeof mgrsModule;
// The package ships CommonJS under "main": Node's ESM loader exposes it only as the default export, a bundler
// (or its "module" build) as named exports.
const mgrs: MgrsApi = (mgrsModule as unknown as { default?: MgrsApi }).default ?? mgrsModule;

export interface CoordinateMatch extends LatLon {
  /** Radius in metres the written precision allows. */
  accuracyM: number;
  source: 'decimal' | 'dms' | 'mgrs';
  /** The text as written that gave the coordinate. */
  matchedText: string;
  /** Where matchedText starts in the input. */
  index: number;
}

// ───────────────────────────── patterns (built once) ─────────────────────────────

// Hemisphere letters; "O" is the Spanish oeste (west), upper case only since "o" is "or".
const H = '[NSEWnsewO]';
const DEGREE = '[°º˚]';
const LABEL = '(?:lat(?:itude|itud)?|lon(?:g(?:itude|itud)?)?|lng)';
// Not inside a word or a number (not after "12." of a date, not the tail of a longer number).
const START = '(?<![\\p{L}\\p{N}])(?<!\\p{N}[.,])';
// Hemisphere letters go either before every number ("N 13.5 E 102.9") or after ("13.5N 102.9E"); one pattern
// for each, or "N 13.5 E 102.9" would lend its E to the latitude. A letter right after a number may be followed
// by the next number ("13.5N102.9E"); after a space it must stand alone.
type Style = 'prefix' | 'suffix';
const suffixHemi = (k: number, style: Style): string =>
  style === 'suffix' ? `(?:(?<ha${k}>${H})(?!\\p{L})|\\s(?<hb${k}>${H})(?![\\p{L}\\p{N}]))?` : '';
const prefix = (k: number, style: Style): string =>
  `(?:(?<lb${k}>${LABEL})\\s*[:=]?\\s*)?${style === 'prefix' ? `(?:(?<hp${k}>${H})\\s?)?` : ''}`;
// A number ends where no digit follows, even after one separator: "12.10.2024" has no number "12.10".
const END_NUM = '(?![.,]?\\d)';

const decimalComponent = (k: number, num: string, style: Style): string =>
  `${prefix(k, style)}(?<sg${k}>[-+\u2212])?(?<n${k}>${num})(?:\\s?(?<dg${k}>${DEGREE}))?${suffixHemi(k, style)}(?!\\p{L})`;
const dmsComponent = (k: number, style: Style): string =>
  `${prefix(k, style)}(?<d${k}>\\d{1,3})${END_NUM}\\s?(?<dd${k}>${DEGREE}|\\s)\\s?` +
  `(?<m${k}>\\d{1,2}(?:[.,]\\d+)?)${END_NUM}\\s?(?:['′’´]|\\s)?\\s?` +
  `(?:(?<s${k}>\\d{1,2}(?:[.,]\\d+)?)${END_NUM}\\s?(?:''|’’|′′|["″”])?)?${suffixHemi(k, style)}(?!\\p{L})`;

// Separators: "13.5, 102.9", "13.5;102.9", "13.5 102.9", or nothing after a hemisphere letter or degree sign.
const DOT_SEP = `(?:\\s*[,;/]\\s*|\\s+|(?<=${H}|${DEGREE}))`;
// With comma decimals a comma cannot separate: "13,5139 102,9672" and "13,5139; 102,9672" only.
const COMMA_SEP = `(?:\\s*;\\s*|\\s+|(?<=${H}|${DEGREE}))`;
const DMS_SEP = `(?:\\s*[,;/]\\s*|\\s+|(?<=${H}|${DEGREE}|['"″”’′]))`;

// With dot decimals a comma may separate the numbers ("13.5139,102.9672"); with comma decimals it may not.
const DOT_NUM = '\\d{1,3}(?:\\.\\d+)?(?!\\.?\\d)';
const COMMA_NUM = `\\d{1,3},\\d+${END_NUM}`;
const decimalRe = (num: string, sep: string, style: Style): RegExp =>
  new RegExp(`${START}${decimalComponent(1, num, style)}${sep}${decimalComponent(2, num, style)}`, 'gu');
const dmsRe = (style: Style): RegExp => new RegExp(`${START}${dmsComponent(1, style)}${DMS_SEP}${dmsComponent(2, style)}`, 'gu');
// Zone, latitude band, 100 km square, then 4+4 or 5+5 digits (8 or 10 in all), spaced or not.
const MGRS_RE = new RegExp(
  `${START}(?<zone>\\d{1,2})\\s?(?<band>[C-HJ-NP-Xc-hj-np-x])\\s?(?<sq>[A-HJ-NP-Za-hj-np-z][A-HJ-NP-Va-hj-np-v])\\s?` +
    '(?:(?<e5>\\d{5})\\s?(?<n5>\\d{5})|(?<e4>\\d{4})\\s?(?<n4>\\d{4}))(?![\\p{L}\\p{N}])', 'gu');

// Plain decimal pairs need this many decimals to count (fewer look like quantities); comma decimals one more,
// since "5,000 2,500" is money.
const MIN_DECIMALS = 3;
const MIN_COMMA_DECIMALS = 4;
// One unit of the last written decimal, in metres (0.001° ≈ 110 m).
const METRES_PER_DEGREE = 111_320;
const METRES_PER_ARC_MINUTE = 1_852;

type Axis = 'lat' | 'lon';
interface Component {
  value: number; // unsigned
  negative: boolean;
  axis: Axis | null;
  hemisphere: boolean;
  degree: boolean;
  label: boolean;
  signed: boolean;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

function hemisphereOf(groups: Record<string, string | undefined>, k: number): { axis: Axis; negative: boolean } | null |
  'conflict' {
  const letters = [groups[`hp${k}`], groups[`ha${k}`] ?? groups[`hb${k}`]].filter((x): x is string => !!x);
  if (letters.length > 1) return 'conflict';
  const letter = letters[0]?.toUpperCase();
  if (!letter) return null;
  return { axis: letter === 'N' || letter === 'S' ? 'lat' : 'lon', negative: letter === 'S' || letter === 'W' || letter === 'O' };
}

function labelAxis(label: string | undefined): Axis | null {
  if (!label) return null;
  return label.toLowerCase().startsWith('lat') ? 'lat' : 'lon';
}

/** Signs, letters and labels of one component; null when they contradict each other. */
function component(groups: Record<string, string | undefined>, k: number, value: number, degree: boolean): Component | null {
  const hemi = hemisphereOf(groups, k);
  if (hemi === 'conflict') return null;
  const sign = groups[`sg${k}`];
  const minus = sign === '-' || sign === '\u2212';
  const labelled = labelAxis(groups[`lb${k}`]);
  if (hemi && minus) return null; // "-13.5N"
  if (hemi && labelled && hemi.axis !== labelled) return null;
  return {
    value,
    negative: hemi ? hemi.negative : minus,
    axis: hemi?.axis ?? labelled,
    hemisphere: !!hemi,
    degree,
    label: !!labelled,
    signed: !!sign,
  };
}

/** Puts two components in lat/lon order and checks the ranges. */
function orient(a: Component, b: Component): LatLon | null {
  if (a.axis && b.axis && a.axis === b.axis) return null;
  let [lat, lon] = [a, b];
  if (a.axis === 'lon' || b.axis === 'lat') [lat, lon] = [b, a];
  else if (!a.axis && !b.axis && a.value > 90 && b.value <= 90) [lat, lon] = [b, a];
  const point = { lat: lat.negative ? -lat.value : lat.value, lon: lon.negative ? -lon.value : lon.value };
  if (Math.abs(point.lat) > 90 || Math.abs(point.lon) > 180) return null;
  if (point.lat === 0 && point.lon === 0) return null;
  return point;
}

const decimalsOf = (num: string): number => num.split(/[.,]/)[1]?.length ?? 0;
const toNumber = (num: string): number => Number(num.replace(',', '.'));

function decimalCandidate(m: RegExpExecArray, comma: boolean): CoordinateMatch | null {
  const g = m.groups ?? {};
  const [n1, n2] = [g.n1, g.n2];
  if (!n1 || !n2) return null;
  const a = component(g, 1, toNumber(n1), !!g.dg1);
  const b = component(g, 2, toNumber(n2), !!g.dg2);
  if (!a || !b) return null;
  const [d1, d2] = [decimalsOf(n1), decimalsOf(n2)];
  const min = comma ? MIN_COMMA_DECIMALS : MIN_DECIMALS;
  const marked = (c: Component): boolean => c.hemisphere || c.degree || c.label;
  // Each number either precise enough to be a coordinate or marked as one; or a signed pair like "-4.6, -74.08".
  const plain = (c: Component, d: number): boolean => marked(c) || d >= min;
  const signedPair = (a.negative || b.negative) && (a.signed || b.signed) && d1 > 0 && d2 > 0;
  if (!(plain(a, d1) && plain(b, d2)) && !signedPair) return null;
  const point = orient(a, b);
  if (!point) return null;
  const decimals = Math.min(d1, d2, 5);
  return { ...point, accuracyM: round(METRES_PER_DEGREE / 10 ** decimals, 1), source: 'decimal', matchedText: m[0], index: m.index };
}

function dmsCandidate(m: RegExpExecArray): CoordinateMatch | null {
  const g = m.groups ?? {};
  const parts: Component[] = [];
  let accuracyM = 0;
  for (const k of [1, 2]) {
    const [d, min, sec] = [Number(g[`d${k}`]), g[`m${k}`] ?? '', g[`s${k}`]];
    // Decimal minutes and seconds together ("30.5' 10"") is not a coordinate anyone writes.
    if (sec !== undefined && decimalsOf(min) > 0) return null;
    const [minutes, seconds] = [toNumber(min), sec === undefined ? 0 : toNumber(sec)];
    if (!Number.isFinite(d) || minutes >= 60 || seconds >= 60) return null;
    const c = component(g, k, d + minutes / 60 + seconds / 3600, (g[`dd${k}`] ?? '').trim() !== '');
    if (!c) return null;
    parts.push(c);
    const unit = sec === undefined ? METRES_PER_ARC_MINUTE / 10 ** decimalsOf(min) : METRES_PER_ARC_MINUTE / 60 / 10 ** decimalsOf(sec);
    accuracyM = Math.max(accuracyM, unit);
  }
  const [a, b] = parts as [Component, Component];
  // "13 30 50 102 58 02" is six numbers; with letters on both halves, or degree signs on both, it is a place.
  if (!((a.hemisphere && b.hemisphere) || (a.degree && b.degree))) return null;
  const point = orient(a, b);
  if (!point) return null;
  return { ...point, accuracyM: round(Math.max(1, accuracyM), 1), source: 'dms', matchedText: m[0], index: m.index };
}

// Latitude bands C…X (no I, O) of 8° from 80°S; X runs to 84°N.
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';

function mgrsCandidate(m: RegExpExecArray): CoordinateMatch | null {
  const g = m.groups ?? {};
  const zone = Number(g.zone);
  const band = (g.band ?? '').toUpperCase();
  const easting = g.e5 ?? g.e4 ?? '';
  const northing = g.n5 ?? g.n4 ?? '';
  if (!(zone >= 1 && zone <= 60) || easting.length !== northing.length) return null;
  let lon: number;
  let lat: number;
  try {
    // toPoint gives the centre of the grid square the digits name.
    [lon, lat] = mgrs.toPoint(`${zone}${band}${(g.sq ?? '').toUpperCase()}${easting}${northing}`);
  } catch {
    return null;
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  // The package does not check that the northing lies in the band the letter names.
  const bandIndex = BANDS.indexOf(band);
  const south = -80 + 8 * bandIndex;
  const north = band === 'X' ? 84 : south + 8;
  if (bandIndex < 0 || lat < south - 0.01 || lat > north + 0.01) return null;
  // 5 digits a side name a 1 m square, 4 digits a 10 m one; from its centre, half a side either way.
  const square = 10 ** (5 - easting.length);
  return { lat, lon, accuracyM: square / 2, source: 'mgrs', matchedText: m[0], index: m.index };
}

function first(re: RegExp, text: string, check: (m: RegExpExecArray) => CoordinateMatch | null): CoordinateMatch | null {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const found = check(m);
    if (found) return found;
    re.lastIndex = m.index + 1; // a rejected match may hide a valid one starting inside it
  }
  return null;
}

const PARSERS: [RegExp, (m: RegExpExecArray) => CoordinateMatch | null][] = [
  [MGRS_RE, mgrsCandidate],
  ...(['suffix', 'prefix'] as const).flatMap((style): [RegExp, (m: RegExpExecArray) => CoordinateMatch | null][] => [
    [dmsRe(style), dmsCandidate],
    [decimalRe(DOT_NUM, DOT_SEP, style), (m) => decimalCandidate(m, false)],
    [decimalRe(COMMA_NUM, COMMA_SEP, style), (m) => decimalCandidate(m, true)],
  ]),
];

// Most messages hold no digit at all.
const QUICK_RE = /\d/;

/** The first coordinate in the text (decimal degrees, DMS or MGRS), or null. */
export function parseCoordinates(text: string): CoordinateMatch | null {
  if (!QUICK_RE.test(text)) return null;
  let best: CoordinateMatch | null = null;
  for (const [re, check] of PARSERS) {
    const found = first(re, text, check);
    if (!found) continue;
    if (!best || found.index < best.index || (found.index === best.index && found.matchedText.length > best.matchedText.length)) {
      best = found;
    }
  }
  if (best) best.matchedText = best.matchedText.trim();
  return best;
}
