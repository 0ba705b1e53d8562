import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerLineBytes, utf8Length } from './bytes.ts';
import {
  serializeHeaderBlock,
  serializeHeaderLine,
  validateHeaderName,
  validateHeaderValue,
} from './header-line.ts';

describe('serializeHeaderLine', () => {
  it.each([
    ['X-GA-taskName', 'billing', 'X-GA-taskName: billing\r\n'],
    ['Diversion', '<sip:+15559876543@acmebank>;reason=unconditional', 'Diversion: <sip:+15559876543@acmebank>;reason=unconditional\r\n'],
    ['X-Empty', '', 'X-Empty: \r\n'],
    ['X-Tab', 'a\tb', 'X-Tab: a\tb\r\n'],
    ['X-Brand', 'Café 😀', 'X-Brand: Café 😀\r\n'],
  ])('%s: %j', (name, value, line) => {
    expect(serializeHeaderLine(name, value)).toEqual({ ok: true, value: line });
  });

  it.each([
    ['', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['X Bad', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['X-Bad:', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['Ünicode', 'x', 'SIP_BAD_HEADER_NAME', 0],
    ['X-Evil', 'a\r\nVia: SIP/2.0/UDP evil', 'SIP_UNSAFE_VALUE', 1],
    ['X-Evil', 'a\nb', 'SIP_UNSAFE_VALUE', 1],
    ['X-Evil', 'nul\u0000', 'SIP_UNSAFE_VALUE', 3],
    ['X-Evil', 'del\u007f', 'SIP_UNSAFE_VALUE', 3],
    ['X-Evil', 'half\ud800', 'SIP_UNSAFE_VALUE', 4],
    ['X-Pad', ' lead', 'SIP_UNSAFE_VALUE', 0],
    ['X-Pad', 'trail\t', 'SIP_UNSAFE_VALUE', 5],
  ])('refuses %j: %j', (name, value, code, offset) => {
    const r = serializeHeaderLine(name, value);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
  });

  it('for any name and value: refused, or exactly one CRLF at the end and it reads back the same', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 40 }), (name, value) => {
        const r = serializeHeaderLine(name, value);
        if (!r.ok) return validateHeaderName(name).ok === false || validateHeaderValue(value).ok === false;
        const body = r.value.slice(0, -2);
        if (!r.value.endsWith('\r\n') || /[\r\n\0]/.test(body)) return false;
        const colon = body.indexOf(': ');
        return body.slice(0, colon) === name && body.slice(colon + 2) === value;
      }),
      { numRuns: 2000 },
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

describe('byte accounting', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud800', 3],
    ['a\udc00b', 5],
  ])('utf8Length(%j) = %i', (s, n) => {
    expect(utf8Length(s)).toBe(n);
  });

  it('agrees with TextEncoder on any string', () => {
    const enc = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => utf8Length(s) === enc.encode(s).length));
  });

  it('counts a header line as on the wire', () => {
    expect(headerLineBytes('X-Brand', 'Café')).toBe('X-Brand: Café\r\n'.length + 1);
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (n, v) => headerLineBytes(n, v) === enc.encode(`${n}: ${v}\r\n`).length),
    );
  });
});
