// Every text victim assistance sends exists in en, km, lo and es with the same placeholders, gives no unsafe
// advice, and the survivor's check-in stays short (Khmer and Lao are UCS-2: 70 characters a part).
import { describe, expect, it } from 'vitest';
import { SUPPORTED_LOCALES } from '../../src/config.js';
import { loadResources } from '../../src/lib/i18n.js';
import { findBannedAdvice } from '../../src/content/check-content.js';
import { smsSegments } from '../../src/messaging/sms-segments.js';
import { SERVICE_TYPES, REFERRAL_STATUSES } from '../../src/victims/vocab.js';
import { afterQuietHours } from '../../src/victims/quiet-hours.js';

const resources = loadResources();
type Tree = { [k: string]: string | string[] | Tree };
const victims = (l: string) => resources[l]!.victims as Tree;

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (k === 'commands') continue;
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else if (!Array.isArray(v)) for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('victims locales', () => {
  const en = leaves(victims('en'));

  it('when a text exists in English, then it exists in km, lo and es with the same placeholders', () => {
    for (const lng of SUPPORTED_LOCALES) {
      const texts = leaves(victims(lng));
      expect([...texts.keys()].sort(), lng).toEqual([...en.keys()].sort());
      for (const [key, text] of en) expect(vars(texts.get(key)!), `${lng} ${key}`).toEqual(vars(text));
    }
  });

  it('when a service type or status exists, then every language names it', () => {
    for (const lng of SUPPORTED_LOCALES) {
      const texts = leaves(victims(lng));
      for (const s of SERVICE_TYPES) expect(texts.get(`service.${s}`), `${lng} ${s}`).toBeTruthy();
      for (const s of SERVICE_TYPES) expect(texts.get(`serviceShort.${s}`), `${lng} ${s}`).toBeTruthy();
      for (const s of REFERRAL_STATUSES) expect(texts.get(`status.${s}`), `${lng} ${s}`).toBeTruthy();
    }
  });

  it('when every language has command words, then each action has at least one', () => {
    for (const lng of SUPPORTED_LOCALES) {
      const c = victims(lng).commands as Record<string, string[]>;
      for (const a of ['ref', 'accept', 'start', 'done', 'decline']) expect(c[a]?.length, `${lng} ${a}`).toBeGreaterThan(0);
    }
  });

  it('when the English texts are read for risky advice, then none is found', () => {
    for (const [key, text] of en) expect(findBannedAdvice(text), key).toEqual([]);
  });

  it('when the check-in is rendered with the longest service name, then it fits in two SMS parts in every language', () => {
    for (const lng of SUPPORTED_LOCALES) {
      const t = leaves(victims(lng));
      const longest = SERVICE_TYPES.map((s) => t.get(`serviceShort.${s}`)!).sort((a, b) => b.length - a.length)[0]!;
      const body = t.get('followUp.question')!.replace('{{service}}', longest);
      expect(smsSegments(body).segments, `${lng}: ${body}`).toBeLessThanOrEqual(2);
    }
  });
});

describe('quiet hours for check-ins', () => {
  it('when it is 21:00 or 03:00 in Phnom Penh, then the check-in waits until 07:00; at 10:00 it goes at once', () => {
    const tz = 'Asia/Phnom_Penh';
    expect(afterQuietHours(new Date('2026-06-04T14:00:00Z'), tz, '20:00', '07:00').toISOString()).toBe('2026-06-05T00:00:00.000Z');
    expect(afterQuietHours(new Date('2026-06-04T20:30:00Z'), tz, '20:00', '07:00').toISOString()).toBe('2026-06-05T00:00:00.000Z');
    expect(afterQuietHours(new Date('2026-06-04T03:00:00Z'), tz, '20:00', '07:00').toISOString()).toBe('2026-06-04T03:00:00.000Z');
    expect(afterQuietHours(new Date('2026-06-04T14:00:00Z'), tz, '07:00', '07:00').toISOString()).toBe('2026-06-04T14:00:00.000Z');
  });
});
