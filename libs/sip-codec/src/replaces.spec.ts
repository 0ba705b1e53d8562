import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC3891_REPLACES_EXAMPLES } from '../test-data/rfc3891/replaces-examples.ts';
import {
  buildReplaces,
  isCallId,
  parseReplaces,
  serializeReplaces,
  type Replaces,
} from './replaces.ts';

const STRICT = { strict: true };

function parsed(value: string, options = {}): Replaces {
  const r = parseReplaces(value, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('parseReplaces', () => {
  it.each(RFC3891_REPLACES_EXAMPLES)('reads the RFC 3891 example $value', (ex) => {
    expect(parsed(ex.value, STRICT)).toMatchObject({
      callId: ex.callId,
      toTag: ex.toTag,
      fromTag: ex.fromTag,
      earlyOnly: ex.earlyOnly,
      raw: ex.value,
    });
  });

  it('reads the folded form of RFC 3891 §6.1', () => {
    const r = parsed(
      '98732@sip.example.com\r\n          ;from-tag=r33th4x0r\r\n          ;to-tag=ff87ff',
      STRICT,
    );
    expect(r).toMatchObject({
      callId: '98732@sip.example.com',
      toTag: 'ff87ff',
      fromTag: 'r33th4x0r',
    });
  });

  it('keeps generic parameters in order', () => {
    const r = parsed('12adf2f34456gs5;baz;to-tag=12345;early-only;from-tag=54321;foo=bar', STRICT);
    expect(r.params.map((p) => p.name)).toEqual(['baz', 'to-tag', 'early-only', 'from-tag', 'foo']);
    expect(r.earlyOnly).toBe(true);
  });

  it.each([
    ['', 'SIP_EMPTY'],
    [' ', 'SIP_EMPTY'],
    [';to-tag=1;from-tag=2', 'SIP_BAD_REPLACES'],
    ['a@b;to-tag=1;from-tag=2, c@d', 'SIP_BAD_REPLACES'],
    ['a@b;to-tag="1', 'SIP_BAD_QUOTED_STRING'],
  ])('refuses %j with %s in both modes', (value, code) => {
    for (const options of [STRICT, {}]) {
      const r = parseReplaces(value, options);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
    }
  });

  it.each([
    ['a@b;from-tag=2', 'SIP_BAD_REPLACES', { toTag: null, fromTag: '2' }],
    ['a@b;to-tag=1', 'SIP_BAD_REPLACES', { toTag: '1', fromTag: null }],
    ['a@b;to-tag=1;to-tag=3;from-tag=2', 'SIP_DUPLICATE_PARAM', { toTag: '1' }],
    ['a@b;to-tag="1";from-tag=2', 'SIP_BAD_REPLACES', { toTag: '1' }],
    ['a@b;to-tag;from-tag=2', 'SIP_BAD_REPLACES', { toTag: null }],
    ['a@b;to-tag=1;from-tag=2;early-only=yes', 'SIP_BAD_REPLACES', { earlyOnly: true }],
    ['a@;to-tag=1;from-tag=2', 'SIP_BAD_REPLACES', { callId: 'a@' }],
    ['a@b@c;to-tag=1;from-tag=2', 'SIP_BAD_REPLACES', { callId: 'a@b@c' }],
    ['id=with[odd]chars;to-tag=1;from-tag=2', 'SIP_BAD_REPLACES', { callId: 'id=with[odd]chars' }],
  ])('strict refuses %j (%s); tolerant reads it', (value, code, fields) => {
    const strict = parseReplaces(value, STRICT);
    expect(strict.ok ? 'ok' : strict.error.code).toBe(code);
    expect(parsed(value)).toMatchObject(fields);
  });
});

describe('serializeReplaces', () => {
  it.each(RFC3891_REPLACES_EXAMPLES)('gives back $value without the blanks', (ex) => {
    expect(serializeReplaces(parsed(ex.value))).toEqual({
      ok: true,
      value: ex.value.replace(/ ;/g, ';'),
    });
  });

  it('lets the fields win, keeping parameter positions', () => {
    const r = parsed('a@b;x=1;from-tag=2;to-tag=1;early-only');
    expect(serializeReplaces({ ...r, toTag: 'T', earlyOnly: false })).toEqual({
      ok: true,
      value: 'a@b;x=1;from-tag=2;to-tag=T',
    });
    expect(serializeReplaces({ ...r, fromTag: null })).toEqual({
      ok: true,
      value: 'a@b;x=1;to-tag=1;early-only',
    });
    const bare = parsed('a@b');
    expect(serializeReplaces({ ...bare, toTag: '1', fromTag: '2', earlyOnly: true })).toEqual({
      ok: true,
      value: 'a@b;to-tag=1;from-tag=2;early-only',
    });
  });

  it.each([
    [{ callId: '' }],
    [{ callId: 'a b' }],
    [{ callId: 'a;b' }],
    [{ callId: 'a\r\nX: y' }],
    [{ toTag: 'a b' }],
    [{ fromTag: 'a"b' }],
    [{ params: [{ name: 'x y', value: null, quoted: false }] }],
  ])('refuses unsafe %j', (change) => {
    const r = serializeReplaces({ ...parsed('a@b;to-tag=1;from-tag=2'), ...change });
    expect(r.ok ? 'ok' : r.error.code).toBe('SIP_UNSAFE_VALUE');
  });
});

describe('buildReplaces', () => {
  it('builds a strictly valid value', () => {
    expect(
      buildReplaces({ callId: '12345@192.168.118.3', toTag: '12345', fromTag: '5FFE-3994' }),
    ).toMatchObject({
      ok: true,
      value: { raw: '12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994', earlyOnly: false },
    });
    expect(buildReplaces({ callId: 'x', toTag: 'a', fromTag: 'b', earlyOnly: true })).toMatchObject(
      {
        ok: true,
        value: { raw: 'x;to-tag=a;from-tag=b;early-only', earlyOnly: true },
      },
    );
  });

  it.each([
    [{ callId: 'a=b', toTag: '1', fromTag: '2' }, 'SIP_BAD_REPLACES'],
    [{ callId: 'a', toTag: '', fromTag: '2' }, 'SIP_UNSAFE_VALUE'],
  ])('refuses %j', (input, code) => {
    const r = buildReplaces(input);
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  it('isCallId follows callid = word ["@" word]', () => {
    expect([isCallId('a@b'), isCallId('a'), isCallId(''), isCallId('a@'), isCallId('a b')]).toEqual(
      [true, true, false, false, false],
    );
  });
});

const WORD_CHARS = 'abcXYZ019-.!%*_+`\'~()<>:\\"/[]?{}'.split('');
const TOKEN_CHARS = "abcXYZ019-.!%*_+`'~".split('');
const arbWord = fc.string({ unit: fc.constantFrom(...WORD_CHARS), minLength: 1, maxLength: 12 });
const arbToken = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });

describe('properties', () => {
  it('round trip: build, parse strictly, serialize gives the same text and fields', () => {
    fc.assert(
      fc.property(
        arbWord,
        fc.option(arbWord, { nil: undefined }),
        arbToken,
        arbToken,
        fc.boolean(),
        (a, b, to, from, early) => {
          const callId = b === undefined ? a : `${a}@${b}`;
          const built = buildReplaces({ callId, toTag: to, fromTag: from, earlyOnly: early });
          if (!built.ok) throw new Error(built.error.message);
          expect(built.value).toMatchObject({ callId, toTag: to, fromTag: from, earlyOnly: early });
          expect(serializeReplaces(built.value)).toEqual({ ok: true, value: built.value.raw });
        },
      ),
    );
  });

  it('totality: never throws; whatever parses serializes without CR/LF and parses back the same', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, strict) => {
        const r = parseReplaces(s, { strict });
        if (!r.ok) return;
        const out = serializeReplaces(r.value);
        if (!out.ok) return;
        expect(out.value).not.toMatch(/[\r\n\0]/);
        expect(parsed(out.value)).toMatchObject({
          callId: r.value.callId,
          toTag: r.value.toTag,
          fromTag: r.value.fromTag,
          earlyOnly: r.value.earlyOnly,
        });
      }),
    );
  });
});
