import * as mgrsModule from 'mgrs';
import { describe, expect, it } from 'vitest';
import { parseCoordinates } from '../../src/reports/parse/location.js';
import { haversineMeters } from '../../src/lib/geo.js';

// CommonJS package: Node's ESM loader exposes it as the default export only.
const mgrs: typeof mgrsModule = (mgrsModule as unknown as { default?: typeof mgrsModule }).default ?? mgrsModule;

describe('parseCoordinates: decimal degrees', () => {
  it('when a report is "UXO 13.5139, 102.9672", then lat 13.5139 lon 102.9672 is read as decimal', () => {
    expect(parseCoordinates('UXO 13.5139, 102.9672')).toEqual({
      lat: 13.5139, lon: 102.9672, accuracyM: 11.1, source: 'decimal', matchedText: '13.5139, 102.9672', index: 4,
    });
  });

  it.each([
    ['13.5139 102.9672', '13.5139 102.9672'],
    ['13.5139,102.9672', '13.5139,102.9672'],
    ['13.5139;102.9672', '13.5139;102.9672'],
    ['at 102.9672, 13.5139 near the well', '102.9672, 13.5139'],
    ['13.5139N 102.9672E', '13.5139N 102.9672E'],
    ['N13.5139 E102.9672', 'N13.5139 E102.9672'],
    ['N 13.5139 E 102.9672', 'N 13.5139 E 102.9672'],
    ['13.5139° N, 102.9672° E', '13.5139° N, 102.9672° E'],
    ['102.9672E 13.5139N', '102.9672E 13.5139N'],
    ['13.5139N102.9672E', '13.5139N102.9672E'],
    ['lat 13.5139 lon 102.9672', 'lat 13.5139 lon 102.9672'],
    ['13,5139 102,9672', '13,5139 102,9672'],
    ['13,5139; 102,9672', '13,5139; 102,9672'],
  ])('when the text is "%s", then it reads 13.5139, 102.9672 from "%s"', (text, matchedText) => {
    const c = parseCoordinates(text);
    expect(c).toMatchObject({ source: 'decimal', matchedText });
    expect(c?.lat).toBeCloseTo(13.5139, 6);
    expect(c?.lon).toBeCloseTo(102.9672, 6);
  });

  it('when both numbers could be a latitude, then the first one is', () => {
    expect(parseCoordinates('45.1234 12.5678')).toMatchObject({ lat: 45.1234, lon: 12.5678 });
  });

  it.each([
    ['4.6N 74.08W', 4.6, -74.08],
    ['4.6N 74.08O', 4.6, -74.08],
    ['4.6° N, 74.08° W', 4.6, -74.08],
    ['-4.6, -74.08', -4.6, -74.08],
    ['4.6097, -74.0817', 4.6097, -74.0817],
    ['S 13.5139 W 102.9672', -13.5139, -102.9672],
    ['13.5139S 102.9672W', -13.5139, -102.9672],
  ])('when the text is "%s", then south and west are negative (%d, %d)', (text, lat, lon) => {
    expect(parseCoordinates(text)).toMatchObject({ lat, lon, source: 'decimal' });
  });

  it.each([
    ['13.514 102.967', 110],
    ['13.5139 102.9672', 11],
    ['13.51392 102.96721', 1.1],
    ['13.5139213 102.9672', 11],
    ['13.5139213 102.9672134', 1.1],
  ])('when the text is "%s", then the accuracy follows the less precise number (~%d m)', (text, metres) => {
    const accuracy = parseCoordinates(text)?.accuracyM ?? NaN;
    expect(Math.abs(accuracy - metres) / metres).toBeLessThan(0.02);
  });

  it('when comma decimals are separated by a comma too, then the pair is ambiguous and rejected', () => {
    expect(parseCoordinates('13,5139, 102,9672')).toBeNull();
  });
});

describe('parseCoordinates: degrees, minutes, seconds', () => {
  const lat = 13 + 30 / 60 + 50 / 3600;
  const lon = 102 + 58 / 60 + 2 / 3600;

  it.each([
    `13°30'50"N 102°58'02"E`,
    `13°30'50''N, 102°58'02''E`,
    '13°30’50″N 102°58’02″E',
    '13°30′50″N 102°58′02″E',
    '13 30 50 N 102 58 02 E',
    'N 13 30 50 E 102 58 02',
    `13°30'50" 102°58'02"`,
  ])('when the text is %s, then it is read as DMS', (text) => {
    const c = parseCoordinates(`mine at ${text} near road`);
    expect(c).toMatchObject({ source: 'dms', matchedText: text });
    expect(c?.lat).toBeCloseTo(lat, 9);
    expect(c?.lon).toBeCloseTo(lon, 9);
    expect(c?.accuracyM).toBeCloseTo(30.9, 1);
  });

  it('when seconds have decimals, then they count and the accuracy is finer', () => {
    const c = parseCoordinates(`13°30'50.5"N 102°58'02.25"E`);
    expect(c?.lat).toBeCloseTo(13 + 30 / 60 + 50.5 / 3600, 9);
    expect(c?.lon).toBeCloseTo(102 + 58 / 60 + 2.25 / 3600, 9);
    expect(c?.accuracyM).toBeCloseTo(3.1, 1);
  });

  it('when minutes have decimals and no seconds follow, then degrees and decimal minutes are read', () => {
    const c = parseCoordinates(`13°30.83'N 102°58.03'E`);
    expect(c).toMatchObject({ source: 'dms' });
    expect(c?.lat).toBeCloseTo(13 + 30.83 / 60, 9);
    expect(c?.lon).toBeCloseTo(102 + 58.03 / 60, 9);
  });

  it('when the hemispheres are south and west, then both values are negative', () => {
    const c = parseCoordinates(`4°36'35"S 74°04'54"W`);
    expect(c?.lat).toBeCloseTo(-(4 + 36 / 60 + 35 / 3600), 9);
    expect(c?.lon).toBeCloseTo(-(74 + 4 / 60 + 54 / 3600), 9);
  });

  it.each([`13°60'50"N 102°58'02"E`, `13°30'60"N 102°58'02"E`, `13°30'50"N 102°58'75"E`])(
    'when minutes or seconds reach 60 (%s), then there is no coordinate', (text) => {
      expect(parseCoordinates(text)).toBeNull();
    });

  it('when six bare numbers have no hemisphere letters or degree signs, then they are not a coordinate', () => {
    expect(parseCoordinates('13 30 50 102 58 02')).toBeNull();
  });
});

describe('parseCoordinates: MGRS', () => {
  const point: [number, number] = [102.9672, 13.5139]; // lon, lat
  const truth = { lat: point[1], lon: point[0] };

  it('when a 10-digit grid in zone 48P is given, then it is read back within 2 m with ~1 m accuracy', () => {
    const grid = mgrs.forward(point, 5);
    expect(grid).toMatch(/^48P[A-Z]{2}\d{10}$/);
    const c = parseCoordinates(`UXO ${grid}`);
    expect(c).toMatchObject({ source: 'mgrs', matchedText: grid, accuracyM: 0.5 });
    expect(haversineMeters(truth, c!)).toBeLessThan(2);
  });

  it('when an 8-digit grid is given, then it is read back within 20 m with ~10 m accuracy', () => {
    const grid = mgrs.forward(point, 4);
    expect(grid).toMatch(/^48P[A-Z]{2}\d{8}$/);
    const c = parseCoordinates(grid);
    expect(c).toMatchObject({ source: 'mgrs', accuracyM: 5 });
    expect(haversineMeters(truth, c!)).toBeLessThan(20);
  });

  it('when the grid is written with spaces or in lower case, then it reads the same', () => {
    const grid = mgrs.forward(point, 5); // 48PTV7998194879
    const spaced = `${grid.slice(0, 3)} ${grid.slice(3, 5)} ${grid.slice(5, 10)} ${grid.slice(10)}`;
    const plain = parseCoordinates(grid)!;
    expect(parseCoordinates(`found at ${spaced}.`)).toMatchObject({ lat: plain.lat, lon: plain.lon, matchedText: spaced });
    expect(parseCoordinates(grid.toLowerCase())).toMatchObject({ lat: plain.lat, lon: plain.lon });
  });

  it('when the grid is "48P TU 1234 5678", then the point is the centre of that 10 m square', () => {
    const c = parseCoordinates('48P TU 1234 5678');
    const [lon, lat] = mgrs.toPoint('48PTU12345678');
    expect(c).toMatchObject({ source: 'mgrs', matchedText: '48P TU 1234 5678' });
    expect(haversineMeters(c!, { lat, lon })).toBeLessThan(0.01);
    // The square's south-west metre (its centre half a metre in) is 4.5 m east and 4.5 m north of the centre.
    const [cornerLon, cornerLat] = mgrs.toPoint('48PTU1234056780');
    expect(haversineMeters(c!, { lat: cornerLat, lon: cornerLon })).toBeCloseTo(Math.SQRT2 * 4.5, 1);
  });

  it.each(['48PTU123456', '48PTU123456789', '48P TU 12345 6789', '48PTU12', '48ZTU1234567890', '61PTU1234567890'])(
    'when the grid is "%s" (not 8 or 10 digits, or an invalid zone), then there is no coordinate', (text) => {
      expect(parseCoordinates(text)).toBeNull();
    });
});

describe('parseCoordinates: what is not a coordinate', () => {
  it.each([
    'call me on +855 12 345 678',
    '+855 12.345.678',
    '012 345 678',
    'seen on 12.10.2024 at 10.30',
    '12/10/2024 13:45',
    '2 cows 3 goats',
    'about 2 10 metres',
    'lat 95.1234 lon 102.1234',
    '95.1234, 102.1234',
    '13.5139 195.1234',
    'paid 5,000 2,500 riel',
    '1.5 2.5 km',
    '0.000 0.000',
    'no numbers at all',
  ])('when the text is "%s", then there is no coordinate', (text) => {
    expect(parseCoordinates(text)).toBeNull();
  });

  it('when a date comes before a coordinate, then the coordinate is still found', () => {
    expect(parseCoordinates('12.10.2024 mine at 13.5139 102.9672')).toMatchObject({ lat: 13.5139, lon: 102.9672 });
  });

  it('when the text holds two coordinates, then the first one is returned', () => {
    expect(parseCoordinates(`48PTV7998194879 or 12.3456 104.5678`)).toMatchObject({ source: 'mgrs' });
    expect(parseCoordinates(`12.3456 104.5678 or 48PTV7998194879`)).toMatchObject({ source: 'decimal', lat: 12.3456 });
  });
});

describe('haversineMeters', () => {
  it('when two points are one degree of latitude apart, then they are about 111.2 km apart', () => {
    expect(haversineMeters({ lat: 13, lon: 103 }, { lat: 14, lon: 103 })).toBeCloseTo(111_195, -1);
  });

  it('when both points are the same, then the distance is zero', () => {
    expect(haversineMeters({ lat: 13.5, lon: 102.9 }, { lat: 13.5, lon: 102.9 })).toBe(0);
  });
});
