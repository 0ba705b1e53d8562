import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  equalsIgnoreCase,
  findUnsafeControl,
  isHexDigit,
  isToken,
  isUnsafeControl,
  quoteString,
  scanQuotedString,
  scanToken,
  scanWord,
  skipSws,
} from './chars.ts';

describe('scanQuotedString', () => {
  it.each([
    ['"abc"', 5, 'abc'],
    ['"a\\"b" rest', 6, 'a"b'],
    ['"back\\\\slash"', 13, 'back\\slash'],
    ['"folded\r\n  line"', 16, 'folded line'],
    ['"lf\n\tfold"', 10, 'lf fold'],
    ['"tab\there"', 10, 'tab\there'],
    ['"José"', 6, 'José'],
    ['""', 2, ''],
  ])('%j ends at %i with %j', (input, end, value) => {
    expect(scanQuotedString(input, 0)).toEqual({ end, value });
  });

  it.each([
    ['"unterminated', 13],
    ['"bare\r\nheader"', 5],
    ['"nul\u0000"', 4],
    ['"del\u007f"', 4],
    ['"ends with backslash\\', 20],
    ['"escaped cr\\\r"', 11],
    ['"escaped non-ascii\\é"', 18],
  ])('%j fails at %i', (input, offset) => {
    const r = scanQuotedString(input, 0);
    expect(r.end).toBe(-(offset + 1));
  });
});

describe('quoteString', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\b', '"a\\\\b"'],
    ['tab\tok', '"tab\tok"'],
  ])('%j → %s', (value, quoted) => {
    expect(quoteString(value)).toBe(quoted);
  });

  it.each(['a\r\nb', 'nul\u0000', 'lf\n', 'del\u007f', 'esc\u001b'])('refuses %j', (value) => {
    expect(quoteString(value)).toBeNull();
  });

  it('round-trips through scanQuotedString for any safe string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const q = quoteString(s);
        if (findUnsafeControl(s) !== -1) return q === null;
        const back = scanQuotedString(q as string, 0);
        return (
          back.end === (q as string).length && back.value === s && !/[\r\n\0]/.test(q as string)
        );
      }),
    );
  });

  it('never throws and never reads past the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = scanQuotedString('"' + s, 0);
        return r.end <= s.length + 1;
      }),
    );
  });
});

describe('scanners', () => {
  it('scanToken / isToken', () => {
    expect(scanToken("abc-1.!%*_+`'~;x", 0)).toBe(14);
    expect(isToken('')).toBe(false);
    expect(isToken('a b')).toBe(false);
    expect(isToken('é')).toBe(false);
  });

  it('scanWord takes the word characters of Call-ID', () => {
    expect(scanWord('a(b)<c>:d\\"/[]?{} z', 0)).toBe(17);
    expect(scanWord('é', 0)).toBe(0);
  });

  it.each([
    ['  x', 2],
    ['\t x', 2],
    ['\r\n x', 3],
    ['\n\tx', 2],
    ['\r\nx', 0],
    ['\nx', 0],
    ['x', 0],
  ])('skipSws(%j) = %i', (s, end) => {
    expect(skipSws(s, 0)).toBe(end);
  });

  it('classifies characters', () => {
    expect([...'09afAF'].every((c) => isHexDigit(c.charCodeAt(0)))).toBe(true);
    expect(isHexDigit('g'.charCodeAt(0))).toBe(false);
    expect(isUnsafeControl(0x09)).toBe(false);
    expect(isUnsafeControl(0x0d)).toBe(true);
    expect(isUnsafeControl(0x7f)).toBe(true);
    expect(findUnsafeControl('ab\ncd')).toBe(2);
    expect(equalsIgnoreCase('Diversion', 'DIVERSION')).toBe(true);
    expect(equalsIgnoreCase('a', 'ab')).toBe(false);
  });
});
