import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCSeq } from './cseq.ts';

describe('parseCSeq', () => {
  it.each([
    ['4711 INVITE', 4711, 'INVITE'],
    ['0 ACK', 0, 'ACK'],
    ['2147483647\tNEWMETHOD', 2147483647, 'NEWMETHOD'],
    ['1  invite', 1, 'invite'],
  ])('%j', (value, seq, method) => {
    expect(parseCSeq(value)).toEqual({ ok: true, value: { seq, method } });
  });

  it.each([
    ['', 0],
    ['INVITE', 0],
    ['2147483648 INVITE', 0],
    ['99999999999999999999 INVITE', 0],
    ['1INVITE', 1],
    ['1 ', 2],
    ['1 INV ITE', 5],
    ['-1 INVITE', 0],
  ])('refuses %j at %i', (value, offset) => {
    const r = parseCSeq(value);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_BAD_CSEQ', offset]);
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => (parseCSeq(s), true)));
  });
});
