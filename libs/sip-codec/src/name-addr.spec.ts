import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeControl } from './chars.ts';
import { nameAddr, parseNameAddr, parseNameAddrList, serializeNameAddr } from './name-addr.ts';
import { parseUri } from './uri.ts';

describe('parseNameAddr', () => {
  it.each([
    [
      '"Bob \\"B\\" Smith" <sip:bob@biloxi.com>;tag=a48s',
      'Bob "B" Smith',
      true,
      'sip:bob@biloxi.com',
      [['tag', 'a48s']],
    ],
    ['Alice <sip:alice@atlanta.com>', 'Alice', false, 'sip:alice@atlanta.com', []],
    [
      'Anonymous Caller <sip:anonymous@anonymous.invalid>',
      'Anonymous Caller',
      false,
      'sip:anonymous@anonymous.invalid',
      [],
    ],
    [
      '<sip:carol@chicago.com;transport=tcp>;expires=60',
      null,
      false,
      'sip:carol@chicago.com;transport=tcp',
      [['expires', '60']],
    ],
    ['sip:carol@chicago.com;tag=887s', null, false, 'sip:carol@chicago.com', [['tag', '887s']]],
    ['  <tel:+12065551234>  ', null, false, 'tel:+12065551234', []],
    ['"" <sip:a@b.com>', '', true, 'sip:a@b.com', []],
    ['<urn:service:sos>', null, false, 'urn:service:sos', []],
  ])('%s', (input, displayName, quoted, uri, params) => {
    const r = parseNameAddr(input, { strict: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.displayName).toBe(displayName);
    expect(r.value.displayNameQuoted).toBe(quoted);
    expect(r.value.uri.raw).toBe(uri);
    expect(r.value.params.map((p) => [p.name, p.value])).toEqual(params);
    expect(r.value.raw).toBe(input.trim());
  });

  it.each([
    ['', 'SIP_BAD_NAME_ADDR', 0, true],
    ['"unterminated <sip:a@b>', 'SIP_BAD_DISPLAY_NAME', 23, true],
    ['Bob <sip:bob@biloxi.com', 'SIP_BAD_NAME_ADDR', 4, true],
    ['Bob sip:bob@biloxi.com', 'SIP_BAD_SCHEME', 0, true],
    ['<sip:bob@biloxi.com> junk', 'SIP_BAD_NAME_ADDR', 21, true],
    ['<sip:bob@>', 'SIP_BAD_HOST', 9, true],
    ['José <sip:j@example.com>', 'SIP_BAD_DISPLAY_NAME', 3, false],
    ['< sip:a@b.com >', 'SIP_BAD_SCHEME', 1, false],
    ['<sip:a@b.com>, <sip:c@d.com>', 'SIP_TRAILING_DATA', 13, true],
    ['Bad\u0001Name <sip:a@b.com>', 'SIP_BAD_DISPLAY_NAME', 3, true],
    ['"Bob" sip:a@b.com', 'SIP_BAD_NAME_ADDR', 6, true],
    ['<sip:a@b.com>;=x', 'SIP_BAD_PARAM', 14, true],
  ])('%j → %s at %i', (input, code, offset, alsoTolerant) => {
    const r = parseNameAddr(input, { strict: true });
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
    expect(parseNameAddr(input).ok).toBe(!alsoTolerant);
  });
});

describe('parseNameAddrList', () => {
  it('splits on commas outside quotes and brackets, in order', () => {
    const r = parseNameAddrList('"Smith, J." <sip:j@a.com;x=1>, <sip:k@b.com>;q=0.5 ,sip:l@c.com');
    expect(r.ok && r.value.map((n) => [n.displayName, n.uri.raw])).toEqual([
      ['Smith, J.', 'sip:j@a.com;x=1'],
      [null, 'sip:k@b.com'],
      [null, 'sip:l@c.com'],
    ]);
  });

  it('refuses a trailing comma', () => {
    const r = parseNameAddrList('<sip:a@b.com>, ');
    expect(!r.ok && r.error.code).toBe('SIP_BAD_NAME_ADDR');
  });

  it('refuses a broken later entry with its offset', () => {
    const r = parseNameAddrList('<sip:a@b.com>,<sip:c@>');
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_BAD_HOST', 21]);
  });
});

describe('serializeNameAddr', () => {
  const uri = (s: string) => {
    const r = parseUri(s);
    if (!r.ok) throw new Error(s);
    return r.value;
  };

  it.each([
    [nameAddr(uri('sip:a@b.com'), 'Bob "B"'), '"Bob \\"B\\"" <sip:a@b.com>'],
    [
      { ...nameAddr(uri('sip:a@b.com'), 'Alice Smith'), displayNameQuoted: false },
      'Alice Smith <sip:a@b.com>',
    ],
    [
      { ...nameAddr(uri('sip:a@b.com'), 'Smith, J.'), displayNameQuoted: false },
      '"Smith, J." <sip:a@b.com>',
    ],
    [{ ...nameAddr(uri('sip:a@b.com')), angleBrackets: false }, 'sip:a@b.com'],
    [{ ...nameAddr(uri('sip:a@b.com;lr')), angleBrackets: false }, '<sip:a@b.com;lr>'],
    [
      nameAddr(uri('sip:a@b.com'), null, [{ name: 'tag', value: 'x y', quoted: false }]),
      '<sip:a@b.com>;tag="x y"',
    ],
  ])('%#', (na, expected) => {
    expect(serializeNameAddr(na)).toEqual({ ok: true, value: expected });
  });

  it.each([
    nameAddr(uri('sip:a@b.com'), 'Evil\r\nVia: x'),
    nameAddr(uri('sip:a@b.com'), null, [{ name: 'tag', value: 'a\nb', quoted: true }]),
    nameAddr({ ...uri('sip:a@b.com'), host: 'b.com>' } as never),
  ])('refuses what would smuggle or break (%#)', (na) => {
    const r = serializeNameAddr(na);
    expect(!r.ok && r.error.code).toBe('SIP_UNSAFE_VALUE');
  });

  it('round-trips any display name and never emits CR or LF', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.boolean(), (name, quoted) => {
        const s = serializeNameAddr({
          ...nameAddr(uri('sip:a@b.com'), name),
          displayNameQuoted: quoted,
        });
        if (!s.ok) return findUnsafeControl(name) !== -1;
        if (/[\r\n]/.test(s.value)) return false;
        const back = parseNameAddr(s.value, { strict: true });
        const expected = name === '' ? null : s.value.startsWith('"') ? name : name.trim() || null;
        return back.ok && back.value.displayName === expected;
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseNameAddrList(s);
        parseNameAddrList(s, { strict: true });
        return true;
      }),
    );
  });
});
