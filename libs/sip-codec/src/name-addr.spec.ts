import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeControl } from './chars.ts';
import {
  nameAddr,
  parseNameAddr,
  parseNameAddrList,
  scanNameAddr,
  serializeNameAddr,
  type NameAddr,
} from './name-addr.ts';
import type { Param } from './params.ts';
import { parseUri } from './uri.ts';
import type { Uri } from './uri-model.ts';

const STRICT = { strict: true };

function uri(s: string): Uri {
  const r = parseUri(s);
  if (!r.ok) throw new Error(s);
  return r.value;
}

const pairs = (ps: readonly Param[]) => ps.map((p) => [p.name, p.value]);

// input, display name, quoted, angle brackets, URI, params. RFC 3261 §20 and RFC 4475 §3.1.1 rows.
const valid: [string, string | null, boolean, boolean, string, (string | null)[][]][] = [
  [
    '"Bob \\"B\\" Smith" <sip:bob@biloxi.com>;tag=a48s',
    'Bob "B" Smith',
    true,
    true,
    'sip:bob@biloxi.com',
    [['tag', 'a48s']],
  ],
  [
    '"A. G. Bell" <sip:agb@bell-telephone.com> ;tag=a48s',
    'A. G. Bell',
    true,
    true,
    'sip:agb@bell-telephone.com',
    [['tag', 'a48s']],
  ],
  ['Alice <sip:alice@atlanta.com>', 'Alice', false, true, 'sip:alice@atlanta.com', []],
  [
    'The Operator <sip:operator@cs.columbia.edu>;tag=287447',
    'The Operator',
    false,
    true,
    'sip:operator@cs.columbia.edu',
    [['tag', '287447']],
  ],
  [
    'sip:+12125551212@server.phone2net.com;tag=887s',
    null,
    false,
    false,
    'sip:+12125551212@server.phone2net.com',
    [['tag', '887s']],
  ],
  [
    '<sip:carol@chicago.com;transport=tcp>;expires=60',
    null,
    false,
    true,
    'sip:carol@chicago.com;transport=tcp',
    [['expires', '60']],
  ],
  [
    '"Mr. Watson" <sip:watson@worcester.bell-telephone.com> ;q=0.7; expires=3600',
    'Mr. Watson',
    true,
    true,
    'sip:watson@worcester.bell-telephone.com',
    [
      ['q', '0.7'],
      ['expires', '3600'],
    ],
  ],
  ['  <tel:+12065551234>  ', null, false, true, 'tel:+12065551234', []],
  ['"" <sip:a@b.com>', '', true, true, 'sip:a@b.com', []],
  ['<urn:service:sos>', null, false, true, 'urn:service:sos', []],
  // RFC 4475 3.1.1.6 lwsdisp: no whitespace between display name and "<".
  [
    'caller<sip:caller@example.com>;tag=323',
    'caller',
    false,
    true,
    'sip:caller@example.com',
    [['tag', '323']],
  ],
  // RFC 4475 3.1.1.1 wsinv: quoted-pairs, long whitespace, a folded parameter list.
  [
    '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8',
    'J Rosenberg \\"',
    true,
    true,
    'sip:jdrosen@example.com',
    [['tag', '98asjd8']],
  ],
  // RFC 4475 3.1.1.2 intmeth: every token character in display name and parameters.
  [
    "token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"working\";tag=_token~1'+`*%!-.",
    "token1~` token2'+_ token3*%!.-",
    false,
    true,
    'sip:mundane@example.com',
    [
      ["fromParam''~+*_!.-%", 'working'],
      ['tag', "_token~1'+`*%!-."],
    ],
  ],
  // RFC 4475 3.1.1.2 intmeth: control characters as quoted-pairs are valid in a display name.
  [
    '"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:a@example.com>',
    'BEL:\x07 NUL:\x00 DEL:\x7f',
    true,
    true,
    'sip:a@example.com',
    [],
  ],
  // RFC 4475 3.3.x regescrt: an escaped header inside angle brackets is fine.
  [
    '<sip:user@example.com?Route=%3Csip:sip.example.com%3E>',
    null,
    false,
    true,
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E',
    [],
  ],
  ['Alice\r\n Smith <sip:a@b.com>', 'Alice Smith', false, true, 'sip:a@b.com', []],
];

describe('parseNameAddr: valid (strict)', () => {
  it.each(valid)('%j', (input, displayName, quoted, angle, uriText, params) => {
    const r = parseNameAddr(input, STRICT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      displayName,
      displayNameQuoted: quoted,
      angleBrackets: angle,
      raw: input.trim(),
    });
    expect(r.value.uri.raw).toBe(uriText);
    expect(pairs(r.value.params)).toEqual(params);
    expect(parseNameAddr(input).ok).toBe(true);
  });
});

describe('parseNameAddr: tolerated only outside strict mode', () => {
  it.each([
    ['José Núñez <sip:j@example.com>', 'José Núñez', 'sip:j@example.com'],
    ['Line: 1 <sip:a@b.com>', 'Line: 1', 'sip:a@b.com'],
    ['< sip:a@b.com >', null, 'sip:a@b.com'],
    ['  <sip:a@b.com>;tag=1;', null, 'sip:a@b.com'],
  ])('%j', (input, displayName, uriText) => {
    expect(parseNameAddr(input, STRICT).ok).toBe(false);
    const r = parseNameAddr(input);
    expect(r.ok && [r.value.displayName, r.value.uri.raw]).toEqual([displayName, uriText]);
  });
});

describe('parseNameAddr: errors', () => {
  // input, code, offset (strict), also refused in tolerant mode
  it.each([
    ['', 'SIP_BAD_NAME_ADDR', 0, true],
    ['   ', 'SIP_BAD_NAME_ADDR', 3, true],
    ['"unterminated <sip:a@b>', 'SIP_BAD_DISPLAY_NAME', 23, true],
    ['"bad \\\r\n" <sip:a@b>', 'SIP_BAD_DISPLAY_NAME', 5, true],
    ['Bob <sip:bob@biloxi.com', 'SIP_BAD_NAME_ADDR', 4, true],
    ['Bob sip:bob@biloxi.com', 'SIP_BAD_SCHEME', 0, true],
    ['<sip:bob@biloxi.com> junk', 'SIP_BAD_NAME_ADDR', 21, true],
    ['<sip:bob@>', 'SIP_BAD_HOST', 9, true],
    ['Alice <sip:a@b.com;p=x y>', 'SIP_BAD_PARAM', 22, true],
    ['José <sip:j@example.com>', 'SIP_BAD_DISPLAY_NAME', 3, false],
    ['< sip:a@b.com >', 'SIP_BAD_SCHEME', 1, false],
    ['<sip:a@b.com>, <sip:c@d.com>', 'SIP_TRAILING_DATA', 13, true],
    ['Bad\u0001Name <sip:a@b.com>', 'SIP_BAD_DISPLAY_NAME', 3, true],
    ['Bad;Name <sip:a@b.com>', 'SIP_BAD_DISPLAY_NAME', 3, true],
    ['"Bob" sip:a@b.com', 'SIP_BAD_NAME_ADDR', 6, true],
    ['<sip:a@b.com>;=x', 'SIP_BAD_PARAM', 14, true],
    // RFC 4475 3.1.2.15 badaspec: spaces inside the brackets.
    ['"Watson, Thomas" < sip:t.watson@example.org >', 'SIP_BAD_SCHEME', 18, false],
    // RFC 4475 3.1.2.16 baddn: an unquoted "," in a display name.
    ['Bell, Alexander <sip:a.g.bell@example.com>;tag=43', 'SIP_BAD_SCHEME', 0, true],
    // RFC 4475 3.1.2.14 regbadct: a URI with headers must be in angle brackets.
    ['sip:user@example.com?Route=%3Csip:sip.example.com%3E', 'SIP_BAD_NAME_ADDR', 20, true],
    // RFC 4475 3.1.2.1 badinv01: empty parameters.
    ['"Joe" <sip:joe@example.org>;;;;', 'SIP_BAD_PARAM', 28, true],
  ])('%j → %s at %i', (input, code, offset, alsoTolerant) => {
    const r = parseNameAddr(input, STRICT);
    expect(!r.ok && [r.error.code, r.error.offset, r.error.input]).toEqual([code, offset, input]);
    expect(parseNameAddr(input).ok).toBe(!alsoTolerant);
  });
});

describe('parseNameAddrList', () => {
  it.each([
    [
      '"Smith, J." <sip:j@a.com;x=1>, <sip:k@b.com>;q=0.5 ,sip:l@c.com',
      [
        ['Smith, J.', 'sip:j@a.com;x=1'],
        [null, 'sip:k@b.com'],
        [null, 'sip:l@c.com'],
      ],
    ],
    [
      'sip:a@b.com, Bob <sip:c@d.com>',
      [
        [null, 'sip:a@b.com'],
        ['Bob', 'sip:c@d.com'],
      ],
    ],
    [
      'sip:a@b.com;tag=x, <sip:c@d.com>',
      [
        [null, 'sip:a@b.com'],
        [null, 'sip:c@d.com'],
      ],
    ],
    [
      'sip:a@b.com;p="<x>, y", <sip:c@d.com>',
      [
        [null, 'sip:a@b.com'],
        [null, 'sip:c@d.com'],
      ],
    ],
    // RFC 3261 §20.10 Contact example.
    [
      '"Mr. Watson" <sip:watson@worcester.bell-telephone.com> ;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1',
      [
        ['Mr. Watson', 'sip:watson@worcester.bell-telephone.com'],
        ['Mr. Watson', 'mailto:watson@bell-telephone.com'],
      ],
    ],
  ])('%j', (input, expected) => {
    const r = parseNameAddrList(input, STRICT);
    expect(r.ok && r.value.map((n) => [n.displayName, n.uri.raw])).toEqual(expected);
  });

  it.each([
    ['<sip:a@b.com>, ', 'SIP_BAD_NAME_ADDR', 15],
    ['<sip:a@b.com>,,<sip:c@d.com>', 'SIP_BAD_URI', 14],
    ['<sip:a@b.com>,<sip:c@>', 'SIP_BAD_HOST', 21],
  ])('refuses %j with %s at %i', (input, code, offset) => {
    const r = parseNameAddrList(input);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
  });

  it('scans one entry from a position and stops at the comma', () => {
    const r = scanNameAddr('x, Bob <sip:b@c.com> , sip:d@e.com', 2);
    expect(r.ok && [r.value.value.raw, r.value.end]).toEqual(['Bob <sip:b@c.com>', 21]);
  });

  it('stays linear on a long list of bare addr-specs', () => {
    const input = Array.from({ length: 20000 }, (_, i) => `sip:u${i}@example.com`).join(',');
    const r = parseNameAddrList(input);
    expect(r.ok && r.value.length).toBe(20000);
  });
});

describe('serializeNameAddr', () => {
  it.each([
    [nameAddr(uri('sip:a@b.com'), 'Bob "B"'), '"Bob \\"B\\"" <sip:a@b.com>'],
    [nameAddr(uri('sip:a@b.com'), 'back\\slash'), '"back\\\\slash" <sip:a@b.com>'],
    [nameAddr(uri('sip:a@b.com'), 'tab\there'), '"tab\there" <sip:a@b.com>'],
    [nameAddr(uri('sip:a@b.com'), ''), '"" <sip:a@b.com>'],
    [nameAddr(uri('sip:a@b.com')), '<sip:a@b.com>'],
    [
      { ...nameAddr(uri('sip:a@b.com'), 'Alice Smith'), displayNameQuoted: false },
      'Alice Smith <sip:a@b.com>',
    ],
    [{ ...nameAddr(uri('sip:a@b.com'), ''), displayNameQuoted: false }, '<sip:a@b.com>'],
    [
      { ...nameAddr(uri('sip:a@b.com'), 'Smith, J.'), displayNameQuoted: false },
      '"Smith, J." <sip:a@b.com>',
    ],
    [{ ...nameAddr(uri('sip:a@b.com'), 'José'), displayNameQuoted: false }, '"José" <sip:a@b.com>'],
    [{ ...nameAddr(uri('sip:a@b.com')), angleBrackets: false }, 'sip:a@b.com'],
    [{ ...nameAddr(uri('sip:a@b.com;lr')), angleBrackets: false }, '<sip:a@b.com;lr>'],
    [{ ...nameAddr(uri('sip:a@b.com?x=y')), angleBrackets: false }, '<sip:a@b.com?x=y>'],
    [
      nameAddr(uri('sip:a@b.com'), null, [{ name: 'tag', value: 'x y', quoted: false }]),
      '<sip:a@b.com>;tag="x y"',
    ],
  ])('%#: %s', (na, expected) => {
    expect(serializeNameAddr(na)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [nameAddr(uri('sip:a@b.com'), 'Evil\r\nVia: x'), 4],
    [nameAddr(uri('sip:a@b.com'), 'nul\u0000'), 3],
    [nameAddr(uri('sip:a@b.com'), null, [{ name: 'tag', value: 'a\nb', quoted: true }]), 1],
    [nameAddr(uri('sip:a@b.com'), null, [{ name: 'ta g', value: null, quoted: false }]), 0],
    [nameAddr({ ...uri('sip:a@b.com'), host: 'b.com>' } as never), 0],
  ])('refuses what would smuggle or break (%#)', (na, offset) => {
    const r = serializeNameAddr(na);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_UNSAFE_VALUE', offset]);
  });

  it.each(valid.filter(([input]) => !input.includes('\x00')))(
    'serialize(parse(%j)) parses back to the same address',
    (input) => {
      const first = parseNameAddr(input, STRICT) as { ok: true; value: NameAddr };
      const text = serializeNameAddr(first.value);
      expect(text.ok).toBe(true);
      if (!text.ok) return;
      const again = parseNameAddr(text.value, STRICT) as { ok: true; value: NameAddr };
      expect({ ...again.value, raw: '', uri: again.value.uri.raw }).toEqual({
        ...first.value,
        raw: '',
        uri: first.value.uri.raw,
      });
    },
  );

  it.each([
    '"Bob \\"B\\" Smith" <sip:bob@biloxi.com>;tag=a48s',
    'Alice <sip:alice@atlanta.com>',
    'sip:+12125551212@server.phone2net.com;tag=887s',
    '<sip:carol@chicago.com;transport=tcp>;expires=60',
    '"" <sip:a@b.com>',
  ])('canonical text comes back byte for byte: %j', (input) => {
    const r = parseNameAddr(input, STRICT);
    expect(r.ok && serializeNameAddr(r.value)).toEqual({ ok: true, value: input });
  });
});

describe('properties', () => {
  const printable = fc.string({ unit: 'grapheme', maxLength: 20 });
  const token = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,8}$/);

  it('any display name round-trips, and CR or LF never comes out', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.boolean(), (name, quoted) => {
        const s = serializeNameAddr({
          ...nameAddr(uri('sip:a@b.com'), name),
          displayNameQuoted: quoted,
        });
        if (!s.ok) return findUnsafeControl(name) !== -1;
        if (/[\r\n\0]/.test(s.value)) return false;
        const back = parseNameAddr(s.value, STRICT);
        const expected = s.value.startsWith('"') ? name : name.trim() || null;
        return back.ok && back.value.displayName === expected;
      }),
    );
  });

  it('generated addresses round-trip through text with nothing lost', () => {
    const param = fc.record({
      name: token,
      value: fc.option(printable, { nil: null }),
      quoted: fc.boolean(),
    });
    const address = fc.record({
      displayName: fc.option(printable, { nil: null }),
      quoted: fc.boolean(),
      angle: fc.boolean(),
      uri: fc.constantFrom('sip:a@b.com', 'sips:x@[::1]:5061;lr', 'tel:+1-206-555-1234', 'urn:x'),
      params: fc.array(param, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(address, (a) => {
        const na: NameAddr = {
          ...nameAddr(uri(a.uri), a.displayName, a.params),
          displayNameQuoted: a.quoted,
          angleBrackets: a.angle,
        };
        const s = serializeNameAddr(na);
        if (!s.ok) return s.error.code === 'SIP_UNSAFE_VALUE';
        if (/[\r\n\0]/.test(s.value)) return false;
        const back = parseNameAddr(s.value, STRICT);
        return (
          back.ok &&
          back.value.uri.raw === a.uri &&
          JSON.stringify(back.value.params.map((p) => [p.name, p.value])) ===
            JSON.stringify(
              a.params.map((p) => [p.name, p.value === '' && !p.quoted ? '' : p.value]),
            )
        );
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseNameAddrList(s);
        parseNameAddrList(s, STRICT);
        parseNameAddr(s);
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
