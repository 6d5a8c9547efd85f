import { describe, expect, it } from 'vitest';
import { cleanText, clip, truncate, unsafeTextReason } from '../../src/lib/text.js';

describe('cleanText', () => {
  it('when text holds NUL, C0 and C1 controls, then they are removed and tab and newline kept', () => {
    expect(cleanText('a\u0000b\u0001c\u001Fd\u007Fe\u0085f\u009Fg\th\ni')).toBe('abcdefg\th\ni');
  });

  it('when text has CR or CRLF line ends, then they become newlines', () => {
    expect(cleanText('one\r\ntwo\rthree')).toBe('one\ntwo\nthree');
  });

  it('when text holds noncharacters of any plane, then all 66 are removed', () => {
    const nonchars = [
      ...Array.from({ length: 32 }, (_, i) => String.fromCodePoint(0xfdd0 + i)),
      ...Array.from({ length: 17 }, (_, p) => [String.fromCodePoint(p * 0x10000 + 0xfffe), String.fromCodePoint(p * 0x10000 + 0xffff)]).flat(),
    ];
    expect(nonchars).toHaveLength(66);
    expect(cleanText(`x${nonchars.join('y')}z`)).toBe(`x${'y'.repeat(65)}z`);
    // Neighbours of noncharacters are ordinary characters and stay.
    expect(cleanText('\uFDCF\uFDF0\uFFFD\u{1FFFD}\u{10000}')).toBe('\uFDCF\uFDF0\uFFFD\u{1FFFD}\u{10000}');
  });

  it('when text holds lone surrogates, then they are removed and surrogate pairs kept', () => {
    expect(cleanText('a\uD800b\uDC00c😀d\uD83D')).toBe('abc😀d');
  });

  it('when text is decomposed, then it is stored in NFC', () => {
    expect(cleanText('Pe\u0301rez')).toBe('Pérez');
  });

  it('when a maximum is given, then the text is cut at a character boundary', () => {
    expect(cleanText('ab😀cd', 3)).toBe('ab😀');
    expect(cleanText('ab😀cd', 2)).toBe('ab');
  });
});

describe('clip and truncate', () => {
  it('when the cut falls inside a surrogate pair, then the pair is left out whole', () => {
    const s = `${'a'.repeat(1599)}😀b`;
    expect(s.slice(0, 1600).at(-1)).toBe('\uD83D'); // what a UTF-16 slice would have left
    expect(clip(s, 1600)).toBe(`${'a'.repeat(1599)}😀`);
    expect(clip(s, 1599)).toBe('a'.repeat(1599));
  });

  it('when the cut falls inside a Khmer cluster or an emoji sequence, then it is left out whole', () => {
    expect(clip('ក្រុម', 2)).toBe(''); // one grapheme of 5 code points
    expect(clip('ab👨‍👩‍👧', 4)).toBe('ab');
    expect(clip('🇰🇭🇱🇦', 3)).toBe('🇰🇭');
  });

  it('when the text fits in code points though not in UTF-16 units, then it is not cut', () => {
    expect(truncate('😀😀😀', 3)).toBe('😀😀😀');
    expect(clip('😀😀😀', 3)).toBe('😀😀😀');
  });

  it('when text is longer than the maximum, then truncate ends it with an ellipsis within the maximum', () => {
    expect(truncate('abcd😀', 3)).toBe('ab…');
    expect(truncate('ab😀cd', 4)).toBe('ab😀…');
    expect(truncate('ab😀cd', 3)).toBe('ab…');
  });
});

describe('unsafeTextReason', () => {
  it('when a string is fine (tab, newline, CR, Khmer, emoji), then there is no reason', () => {
    expect(unsafeTextReason('Line 1\r\n\tក្រុម 😀 Pérez')).toBeNull();
  });

  it('when a string holds NUL, a control, a lone surrogate or a noncharacter, then the reason names it', () => {
    expect(unsafeTextReason('a\u0000')).toMatch(/NUL/);
    expect(unsafeTextReason('a\u0007')).toMatch(/control character \(U\+0007\)/);
    expect(unsafeTextReason('\uD83Dx')).toMatch(/lone surrogate U\+D83D/);
    expect(unsafeTextReason('\uFFFE')).toMatch(/noncharacter \(U\+FFFE\)/);
  });
});
