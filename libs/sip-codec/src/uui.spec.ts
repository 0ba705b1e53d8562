import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC7433_UUI_EXAMPLES } from '../test-data/rfc7433/uui-examples.ts';
import { findUnsafeControl } from './chars.ts';
import {
  buildUui,
  decodeHex,
  encodeHex,
  parseUui,
  serializeUui,
  serializeUuiValue,
  type UuiValue,
} from './uui.ts';

const STRICT = { strict: true };

function first(value: string, options = {}): UuiValue {
  const r = parseUui(value, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.value[0] as UuiValue;
}

describe('parseUui', () => {
  it.each(RFC7433_UUI_EXAMPLES)('reads $value', (ex) => {
    const strict = parseUui(ex.value, STRICT);
    expect(strict.ok).toBe(ex.strictOk);
    expect(first(ex.value)).toMatchObject({
      data: ex.data,
      encoding: ex.encoding,
      purpose: ex.purpose,
      content: ex.content,
      raw: ex.value,
    });
  });

  it('decodes hex data', () => {
    expect(first('56a390F3;encoding=HEX', STRICT).decoded).toEqual(
      new Uint8Array([0x56, 0xa3, 0x90, 0xf3]),
    );
    expect(first('56a390f3').decoded).toBeUndefined();
    expect(first('"0a0b";encoding=hex', STRICT)).toMatchObject({ data: '0a0b', dataQuoted: true });
  });

  it('reads a list, quoted data and generic parameters', () => {
    const r = parseUui('"hello, world";purpose=app;x=1 , abc;encoding=text', STRICT);
    expect(
      r.ok && r.value.map((v) => [v.data, v.dataQuoted, v.purpose, v.encoding, v.params.length]),
    ).toEqual([
      ['hello, world', true, 'app', null, 2],
      ['abc', false, null, 'text', 1],
    ]);
  });

  it.each([
    ['', 'SIP_EMPTY'],
    [';encoding=hex', 'SIP_BAD_UUI'],
    ['"unterminated', 'SIP_BAD_QUOTED_STRING'],
    ['abc;encoding="x', 'SIP_BAD_QUOTED_STRING'],
    ['abc "x"', 'SIP_BAD_UUI'],
    ['abc,', 'SIP_BAD_UUI'],
  ])('refuses %j with %s in both modes', (value, code) => {
    for (const options of [STRICT, {}]) {
      const r = parseUui(value, options);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
    }
  });

  it.each([
    ['abc;encoding=hex', { data: 'abc', encoding: 'hex' }],
    ['0g;encoding=hex', { data: '0g', encoding: 'hex' }],
    ['a b c;purpose=x', { data: 'a b c', purpose: 'x' }],
  ])('strict refuses %j, tolerant reads it', (value, fields) => {
    expect(parseUui(value, STRICT).ok).toBe(false);
    expect(first(value)).toMatchObject(fields);
    expect(first(value)).not.toHaveProperty('decoded');
  });
});

describe('serializeUui', () => {
  it.each(RFC7433_UUI_EXAMPLES.filter((e) => e.strictOk))('gives back $value', (ex) => {
    const r = parseUui(ex.value);
    expect(r.ok && serializeUui(r.value)).toEqual({ ok: true, value: ex.value });
  });

  it('quotes data that is not a token, and lets the fields win', () => {
    const v = first('a b c;x=1;purpose=old');
    expect(serializeUuiValue({ ...v, purpose: 'new', encoding: 'text', content: null })).toEqual({
      ok: true,
      value: '"a b c";x=1;purpose=new;encoding=text',
    });
    expect(serializeUui([v, first('"tok"')])).toEqual({
      ok: true,
      value: '"a b c";x=1;purpose=old, "tok"',
    });
  });

  it.each([
    [{ data: 'a\r\nInjected: 1' }],
    [{ params: [{ name: 'bad name', value: null, quoted: false }] }],
  ])('refuses unsafe %j', (change) => {
    const r = serializeUui([first('abc'), { ...first('abc'), ...change }]);
    expect(r.ok ? 'ok' : r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('refuses an empty list', () => {
    expect(serializeUui([])).toMatchObject({ ok: false, error: { code: 'SIP_EMPTY' } });
  });
});

describe('buildUui', () => {
  it('hex-encodes bytes', () => {
    const r = buildUui({
      data: new Uint8Array([0, 0x56, 0xff]),
      encoding: 'hex',
      purpose: 'isdn-uui',
      content: 'isdn-uui',
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        raw: '0056ff;encoding=hex;purpose=isdn-uui;content=isdn-uui',
        decoded: new Uint8Array([0, 0x56, 0xff]),
      },
    });
  });

  it('carries text as a token or a quoted string', () => {
    expect(buildUui({ data: 'abc', encoding: null })).toMatchObject({
      ok: true,
      value: { raw: 'abc' },
    });
    expect(buildUui({ data: 'a "b"', encoding: null })).toMatchObject({
      ok: true,
      value: { raw: '"a \\"b\\""', data: 'a "b"' },
    });
  });

  it.each([
    [{ data: new Uint8Array([1]), encoding: null }, 'SIP_UNSAFE_VALUE'],
    [{ data: 'abc', encoding: null, purpose: 'a b' }, 'SIP_UNSAFE_VALUE'],
    [{ data: 'abc', encoding: null, content: '' }, 'SIP_UNSAFE_VALUE'],
    [{ data: 'xyz', encoding: 'hex' }, 'SIP_BAD_UUI'],
    [{ data: 'a\nb', encoding: null }, 'SIP_UNSAFE_VALUE'],
  ] as const)('refuses %j', (input, code) => {
    const r = buildUui(input);
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  it('hex helpers', () => {
    expect(encodeHex(new Uint8Array([1, 171]))).toBe('01ab');
    expect([decodeHex('abc'), decodeHex('zz'), decodeHex('')]).toEqual([
      null,
      null,
      new Uint8Array(),
    ]);
  });
});

const arbToken = fc.string({
  unit: fc.constantFrom(...'abcXYZ019-.!%*_+`~'.split('')),
  minLength: 1,
  maxLength: 10,
});

describe('properties', () => {
  it('round trip: bytes built, serialized and parsed strictly come back', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.option(arbToken, { nil: null }),
        fc.option(arbToken, { nil: null }),
        (bytes, purpose, content) => {
          const built = buildUui({ data: bytes, encoding: 'hex', purpose, content });
          if (!built.ok) throw new Error(built.error.message);
          const text = serializeUui([built.value]);
          if (!text.ok) throw new Error(text.error.message);
          expect(first(text.value, STRICT)).toMatchObject({ decoded: bytes, purpose, content });
        },
      ),
    );
  });

  it('round trip: any text without controls comes back', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }).filter((s) => findUnsafeControl(s) === -1),
        (data) => {
          const built = buildUui({ data, encoding: null });
          if (!built.ok) throw new Error(built.error.message);
          expect(built.value.data).toBe(data);
        },
      ),
    );
  });

  it('totality: never throws; whatever parses serializes without CR/LF and parses back the same', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, strict) => {
        const r = parseUui(s, { strict });
        if (!r.ok) return;
        const out = serializeUui(r.value);
        if (!out.ok) return;
        expect(out.value).not.toMatch(/[\r\n\0]/);
        const again = parseUui(out.value);
        expect(
          again.ok && again.value.map((v) => [v.data, v.encoding, v.purpose, v.content]),
        ).toEqual(r.value.map((v) => [v.data, v.encoding, v.purpose, v.content]));
      }),
    );
  });
});
