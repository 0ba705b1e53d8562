import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  serializeHeaderBlock,
  serializeHeaderLine,
  validateHeaderName,
  validateHeaderValue,
} from './header-line.ts';

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

describe('serializeHeaderLine', () => {
  it.each([
    ['X-GA-taskName', 'billing', 'X-GA-taskName: billing\r\n'],
    [
      'Diversion',
      '<sip:+15559876543@acmebank>;reason=unconditional',
      'Diversion: <sip:+15559876543@acmebank>;reason=unconditional\r\n',
    ],
    ['X-Empty', '', 'X-Empty: \r\n'],
    ['X-Tab', 'a\tb', 'X-Tab: a\tb\r\n'],
    ['X-Brand', 'Café 😀', 'X-Brand: Café 😀\r\n'],
    ['X-NBSP', '\u00a0kept\u00a0', 'X-NBSP: \u00a0kept\u00a0\r\n'],
    ['X', 'a', 'X: a\r\n'],
  ])('%s: %j', (name, value, line) => {
    expect(serializeHeaderLine(name, value)).toEqual({ ok: true, value: line });
  });

  it.each([
    ['', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['X Bad', 'x', 'SIP_BAD_HEADER_NAME', 1],
    ['X-Bad:', 'x', 'SIP_BAD_HEADER_NAME', 5],
    ['Ünicode', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['X-A\r\nX-B', 'x', 'SIP_UNSAFE_VALUE', 3],
    ['X-\u0000', 'x', 'SIP_UNSAFE_VALUE', 2],
    ['X-Evil', 'a\r\nVia: SIP/2.0/UDP evil', 'SIP_UNSAFE_VALUE', 1],
    ['X-Evil', 'a\nb', 'SIP_UNSAFE_VALUE', 1],
    ['X-Evil', 'nul\u0000', 'SIP_UNSAFE_VALUE', 3],
    ['X-Evil', 'del\u007f', 'SIP_UNSAFE_VALUE', 3],
    ['X-Evil', 'half\ud800', 'SIP_UNSAFE_VALUE', 4],
    ['X-Pad', ' lead', 'SIP_UNSAFE_VALUE', 0],
    ['X-Pad', 'trail\t', 'SIP_UNSAFE_VALUE', 5],
    ['X-Pad', ' ', 'SIP_UNSAFE_VALUE', 0],
  ])('refuses %j: %j', (name, value, code, offset) => {
    const r = serializeHeaderLine(name, value);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
  });

  // Names and values mixing safe characters with everything that could break a line.
  const tricky = (safe: string) =>
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...safe),
          fc.constantFrom(
            '\r',
            '\n',
            '\r\n',
            '\0',
            '\t',
            ' ',
            ':',
            ': ',
            '\x7f',
            '\ud800',
            '\udc00',
            '\u00e9',
            '😀',
          ),
          anyText(3),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(''));

  it('for any name and value: refused, or exactly one CRLF at the end and it reads back the same', () => {
    fc.assert(
      fc.property(
        fc.oneof(tricky('Xab-.!'), fc.string()),
        fc.oneof(tricky('ab <>;=",'), anyText()),
        (name, value) => {
          const r = serializeHeaderLine(name, value);
          if (!r.ok) return !(validateHeaderName(name).ok && validateHeaderValue(value).ok);
          const line = r.value.slice(0, -2);
          const colon = line.indexOf(': ');
          return (
            r.value.endsWith('\r\n') &&
            !/[\r\n\0]/.test(line) &&
            line.slice(0, colon) === name &&
            line.slice(colon + 2) === value
          );
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('serializeHeaderBlock', () => {
  it('writes every line, in order', () => {
    expect(
      serializeHeaderBlock([
        { name: 'X-A', value: '1' },
        { name: 'X-B', value: '2' },
      ]),
    ).toEqual({ ok: true, value: 'X-A: 1\r\nX-B: 2\r\n' });
    expect(serializeHeaderBlock([])).toEqual({ ok: true, value: '' });
  });

  it('is all or nothing, and names the header it refused', () => {
    const r = serializeHeaderBlock([
      { name: 'X-A', value: '1' },
      { name: 'X-B', value: 'x\r\nX-Smuggled: 1' },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^header #1 \("X-B"\)/);
  });
});
