// The report parser over 100+ labelled real-style reports (npm run parse:eval prints the same numbers), Khmer and
// Lao words matched on ICU word boundaries, and the everyday device words end to end.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS_SET } from '../fixtures/reports-set.js';
import { evaluateParse } from '../../src/reports/parse/evaluate-parse.js';
import { createPlaceMatcher } from '../../src/districts/place-matcher.js';
import { parseCodCsv } from '../../src/districts/cod-csv.js';
import { DEMO_GAZETTEER } from '../../src/demo/seed-demo.js';
import { createTestAppWithDemoGazetteer, type TestApp } from '../support/app.js';
import { randomKhPhone, randomLaPhone, randomCoPhone } from '../support/factories.js';

const FLOORS = {
  device: { precision: 0.95, recall: 0.95 },
  casualties: { precision: 0.85, recall: 0.95 },
  place: { precision: 0.95, recall: 0.9 },
};

describe('the parser over the labelled reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestAppWithDemoGazetteer();
  });
  afterAll(() => t.close());

  it('when the set is measured, then every field is above its precision and recall floors', () => {
    expect(REPORTS_SET.length).toBeGreaterThanOrEqual(100);
    const matcher = createPlaceMatcher(parseCodCsv(readFileSync(DEMO_GAZETTEER)).units);
    for (const s of evaluateParse(REPORTS_SET, { vocabulary: t.ctx.vocabulary, matcher })) {
      const floor = FLOORS[s.field];
      expect(s.precision, `${s.field} precision ${JSON.stringify(s.misses)}`).toBeGreaterThanOrEqual(floor.precision);
      expect(s.recall, `${s.field} recall ${JSON.stringify(s.misses)}`).toBeGreaterThanOrEqual(floor.recall);
    }
  });

  it('when a Khmer word begins a longer word, then it does not match (ទឹក water in ទឹកដី land); at a word end it does', () => {
    expect(t.ctx.vocabulary.find('water', 'មានមីននៅទឹកដីខ្ញុំ')).toEqual([]);
    expect(t.ctx.vocabulary.find('water', 'មានមីននៅមាត់ទឹក')).toEqual(['មាត់ទឹក']);
    expect(t.ctx.vocabulary.find('casualty', 'មានអ្នករបួស')).toEqual(['របួស']);
    expect(t.ctx.vocabulary.find('negation', 'គ្រាប់មិនទាន់ផ្ទុះ')).toEqual([]);
  });

  it.each([
    ['mine', randomKhPhone, 'ap_mine'],
    ['មីន', randomKhPhone, 'ap_mine'],
    ['គ្រាប់មីន', randomKhPhone, 'ap_mine'],
    ['ລະເບີດ', randomLaPhone, 'uxo'],
    ['mina antipersonal', randomCoPhone, 'ap_mine'],
    ['bombie', randomLaPhone, 'cluster_submunition'],
  ] as const)('when "%s" is reported by SMS, then the report has a device class other than unknown', async (text, phone, device) => {
    const { inbound } = await t.sms(phone(), text);
    const report = await t.ctx.prisma.hazardReport.findUniqueOrThrow({ where: { id: inbound.reportId! } });
    expect(report.deviceClass).toBe(device);
  });
});
