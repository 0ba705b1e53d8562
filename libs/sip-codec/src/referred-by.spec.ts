import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC3892_REFERRED_BY_EXAMPLES } from '../test-data/rfc3515/refer-to-examples.ts';
import {
  isCleanMsgId,
  parseReferredBy,
  serializeReferredBy,
  type ReferredBy,
} from './referred-by.ts';

const STRICT = { strict: true };

function parsed(value: string, options = {}): ReferredBy {
  const r = parseReferredBy(value, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('parseReferredBy', () => {
  it.each(RFC3892_REFERRED_BY_EXAMPLES)('reads the RFC 3892 example $value', (ex) => {
    const r = parsed(ex.value, STRICT);
    expect(r).toMatchObject({ cid: ex.cid, raw: ex.value });
    expect(r.uri.scheme).toBe('sip');
  });

  it('reads a display name, no cid and generic parameters', () => {
    const r = parsed('"Alice" <sip:alice@atlanta.example.com>;x=1', STRICT);
    expect(r).toMatchObject({
      cid: null,
      address: { displayName: 'Alice' },
      params: [{ name: 'x', value: '1' }],
    });
  });

  it.each([
    ['sip:r@ref.example;cid=abc@ref.example', 'SIP_BAD_NAME_ADDR', 'abc@ref.example'],
    ['sip:r@ref.example;cid=abc', 'SIP_BAD_PARAM', 'abc'],
    ['sip:r@ref.example;cid="no-at-sign"', 'SIP_BAD_PARAM', 'no-at-sign'],
    ['sip:r@ref.example;cid', 'SIP_BAD_PARAM', null],
    ['sip:r@ref.example;cid="a@b";cid="c@d"', 'SIP_DUPLICATE_PARAM', 'a@b'],
  ])('strict refuses %j (%s); tolerant reads it', (value, code, cid) => {
    const strict = parseReferredBy(value, STRICT);
    expect(strict.ok ? 'ok' : strict.error.code).toBe(code);
    expect(parsed(value).cid).toBe(cid);
  });

  it.each([[''], ['<sip:a@b'], ['sip:a@b, sip:c@d']])('refuses %j', (value) => {
    expect(parseReferredBy(value).ok).toBe(false);
  });
});

describe('serializeReferredBy', () => {
  it.each(RFC3892_REFERRED_BY_EXAMPLES)('gives back $value', (ex) => {
    expect(serializeReferredBy(parsed(ex.value))).toEqual({ ok: true, value: ex.value });
  });

  it('writes a new cid quoted, in place, and removes it when null', () => {
    const r = parsed('<sip:a@b.example>;x=1;cid="1@b.example";y');
    expect(serializeReferredBy({ ...r, cid: '2@b.example' })).toEqual({
      ok: true,
      value: '<sip:a@b.example>;x=1;cid="2@b.example";y',
    });
    expect(serializeReferredBy({ ...r, cid: null })).toEqual({
      ok: true,
      value: '<sip:a@b.example>;x=1;y',
    });
    const bare = parsed('sip:a@b.example');
    expect(serializeReferredBy({ ...bare, cid: '3@b.example' })).toEqual({
      ok: true,
      value: 'sip:a@b.example;cid="3@b.example"',
    });
  });

  it('refuses a cid that would break the header', () => {
    const r = serializeReferredBy({ ...parsed('sip:a@b.example'), cid: 'x\r\nEvil: 1' });
    expect(r.ok ? 'ok' : r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('isCleanMsgId follows dot-atom "@" (dot-atom / host)', () => {
    expect(['a.b@c.d', 'x@[::1]', 'a@b', 'a..b@c', '@c', 'a@', 'a b@c'].map(isCleanMsgId)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('properties', () => {
  it('round trip: any safe cid comes back through serialize and strict parse', () => {
    const atom = fc.string({
      unit: fc.constantFrom(..."abcXYZ019-!%*_+`~'".split('')),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(atom, { minLength: 1, maxLength: 3 }),
        fc.array(atom, { minLength: 1, maxLength: 3 }),
        (l, r) => {
          const cid = `${l.join('.')}@${r.join('.')}`;
          const out = serializeReferredBy({ ...parsed('<sip:a@b.example>'), cid });
          if (!out.ok) throw new Error(out.error.message);
          expect(parsed(out.value, STRICT).cid).toBe(cid);
        },
      ),
    );
  });

  it('totality: never throws and never emits CR/LF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, strict) => {
        const r = parseReferredBy('<sip:a@b.example>;cid=' + s, { strict });
        const direct = parseReferredBy(s, { strict });
        for (const p of [r, direct]) {
          if (!p.ok) continue;
          const out = serializeReferredBy(p.value);
          if (out.ok) expect(out.value).not.toMatch(/[\r\n\0]/);
        }
      }),
    );
  });
});
