import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerLineBytes, utf8Length } from './bytes.ts';

/**
 * Any UTF-16 text, lone surrogates included (fast-check's `unit: 'binary'` builds a table of every
 * code point on first use, which costs a second per test file).
 */
const anyText = (maxLength = 20) =>
  fc
    .array(
      fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0x10000, max: 0x10ffff })),
      {
        maxLength,
      },
    )
    .map((codes) => String.fromCodePoint(...codes));

describe('byte accounting', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud800', 3],
    ['a\udc00b', 5],
    ['\u07ff\u0800', 5],
    ['\udbff\udfff', 4],
    ['\ud83d\ud83d\ude00', 7],
    ['\ude00\ud83d', 6],
  ])('utf8Length(%j) = %i', (s, n) => {
    expect(utf8Length(s)).toBe(n);
  });

  // Strings rich in surrogates, paired and lone, and in 1- to 4-byte code points.
  const mixed = fc
    .array(
      fc.oneof(
        fc.constantFrom('a', '\u00e9', '\u20ac', '\u{1F600}', '\ud800', '\udfff'),
        anyText(4),
      ),
    )
    .map((parts) => parts.join(''));

  it('agrees with TextEncoder and Buffer.byteLength on any string', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(mixed, anyText()), (s) => {
        const n = enc.encode(s).length;
        expect([utf8Length(s), Buffer.byteLength(s, 'utf8')]).toEqual([n, n]);
      }),
      { numRuns: 500 },
    );
  });

  it('counts a header line as on the wire', () => {
    expect(headerLineBytes('X-Brand', 'Café')).toBe('X-Brand: Café\r\n'.length + 1);
    const enc = new TextEncoder();
    fc.assert(
      fc.property(
        fc.string(),
        anyText(),
        (n, v) => headerLineBytes(n, v) === enc.encode(`${n}: ${v}\r\n`).length,
      ),
    );
  });
});
