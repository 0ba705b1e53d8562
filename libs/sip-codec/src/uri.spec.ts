import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeControl } from './chars.ts';
import { isIpv6 } from './host.ts';
import type { SipUri, TelUri } from './uri-model.ts';
import { parseUri, serializeUri } from './uri.ts';

const STRICT = { strict: true };

// RFC 3261 §19.1.3 examples, and the RFC 4475 URIs that must be accepted.
const valid: [string, Partial<SipUri>][] = [
  ['sip:alice@atlanta.com', { user: 'alice', host: 'atlanta.com', hostType: 'domain' }],
  [
    'sip:alice:secretword@atlanta.com;transport=tcp',
    { password: 'secretword', params: [{ name: 'transport', value: 'tcp' }] },
  ],
  [
    'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
    {
      scheme: 'sips',
      headers: [
        { name: 'subject', value: 'project%20x' },
        { name: 'priority', value: 'urgent' },
      ],
    },
  ],
  [
    'sip:+1-212-555-1212:1234@gateway.com;user=phone',
    { user: '+1-212-555-1212', password: '1234' },
  ],
  ['sips:1212@gateway.com', { user: '1212' }],
  ['sip:alice@192.0.2.4', { hostType: 'ipv4', host: '192.0.2.4' }],
  [
    'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
    { user: null, params: [{ name: 'method', value: 'REGISTER' }] },
  ],
  ['sip:alice;day=tuesday@atlanta.com', { user: 'alice;day=tuesday' }],
  ['sip:[2001:db8::10]:5070', { hostType: 'ipv6', host: '[2001:db8::10]', port: 5070 }],
  ['sip:user@[::ffff:192.0.2.1];lr', { hostType: 'ipv6', params: [{ name: 'lr', value: null }] }],
  ['SIP:Bob@Biloxi.COM', { scheme: 'sip', schemeRaw: 'SIP', host: 'Biloxi.COM' }],
  ['sip:%61lice@atlanta.com', { user: '%61lice' }],
  [
    "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    {
      user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
      password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
    },
  ],
  ['sip:host.example.com.:0', { host: 'host.example.com.', port: 0 }],
  // RFC 4475 §3.1.1.1 wsinv, §3.1.1.3 esc01, §3.1.1.4 escnull, §3.1.1.9 semiuri, §3.1.1.11 multi
  [
    'sip:vivekg@chair-dnrc.example.com;unknownparam',
    { params: [{ name: 'unknownparam', value: null }] },
  ],
  [
    'sip:services.example.com;lr;unknownwith=value;unknown-no-value',
    {
      user: null,
      params: [
        { name: 'lr', value: null },
        { name: 'unknownwith', value: 'value' },
        { name: 'unknown-no-value', value: null },
      ],
    },
  ],
  ['sip:sips%3Auser%40example.com@example.net', { user: 'sips%3Auser%40example.com' }],
  ['sip:%75se%72@example.com', { user: '%75se%72' }],
  ['sip:I%20have%20spaces@example.net', { user: 'I%20have%20spaces' }],
  [
    'sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31',
    {
      params: [
        { name: '%6C%72', value: null },
        { name: 'n%61me', value: 'v%61lue%25%34%31' },
      ],
    },
  ],
  ['sip:null-%00-null@example.com', { user: 'null-%00-null' }],
  ['sip:%00%00@host5.example.com', { user: '%00%00' }],
  ['sip:user;par=u%40example.net@example.com', { user: 'user;par=u%40example.net' }],
  ['sip:127.0.0.1:5080', { user: null, host: '127.0.0.1', hostType: 'ipv4', port: 5080 }],
  [
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E',
    { headers: [{ name: 'Route', value: '%3Csip:sip.example.com%3E' }] },
  ],
  // RFC 4475 §4.1 ipv6-good, §4.3 port-ambiguous, §4.4 port-unambiguous, §4.6 ipv4-mapped
  ['sip:[2001:db8::10]', { host: '[2001:db8::10]', port: null }],
  ['sip:[2001:db8::10:5070]', { host: '[2001:db8::10:5070]', port: null }],
  ['sip:user@[2001:db8::10]:5070', { host: '[2001:db8::10]', port: 5070 }],
  ['sip:[::ffff:192.0.2.10]', { hostType: 'ipv6' }],
  ['sip:user@chair-dnrc.example.com:65535', { port: 65535 }],
  // "@" only ends a userinfo, so ";x=a" belongs to the user part here (user-unreserved).
  ['sip:host;x=a@b', { user: 'host;x=a', host: 'b', params: [] }],
];

describe('parseUri: valid sip and sips URIs', () => {
  it.each(valid)('%s', (input, expected) => {
    const r = parseUri(input, STRICT);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ ...expected, raw: input });
    expect(serializeUri(r.value)).toEqual({ ok: true, value: input });
  });
});

const invalid: [string, boolean, string, number][] = [
  // input, also invalid in tolerant mode, code, offset
  ['', true, 'SIP_BAD_URI', 0],
  ['alice@atlanta.com', true, 'SIP_BAD_SCHEME', 0],
  ['1sip:a', true, 'SIP_BAD_SCHEME', 0],
  ['sip:alice@', true, 'SIP_BAD_HOST', 10],
  ['sip:alice@[::1', true, 'SIP_BAD_HOST', 10],
  ['sip:alice@[1:2:3:4:5:6:7:8:9]', true, 'SIP_BAD_HOST', 10],
  ['sip:alice@host:99999', true, 'SIP_BAD_PORT', 15],
  ['sip:alice@host:', true, 'SIP_BAD_PORT', 15],
  ['sip:alice@host:5060x', true, 'SIP_BAD_URI', 19],
  ['sip:alice@1.2.3.256', true, 'SIP_BAD_HOST', 10],
  ['sip:al ice@host', true, 'SIP_BAD_USER', 6],
  ['sip:alice@bad_host.example.com', false, 'SIP_BAD_HOST', 10],
  ['sip:%zzalice@host', false, 'SIP_BAD_USER', 4],
  ['sip:al#ice@host', false, 'SIP_BAD_USER', 6],
  ['sip:@host', false, 'SIP_BAD_USER', 4],
  ['sip:alice@host;=x', true, 'SIP_BAD_PARAM', 15],
  ['sip:alice@host;a=', false, 'SIP_BAD_PARAM', 17],
  ['sip:alice@host;a=<x>', true, 'SIP_BAD_PARAM', 17],
  ['sip:alice@host?=x', true, 'SIP_BAD_URI', 15],
  ['sip:alice@host?subject', true, 'SIP_BAD_URI', 22],
  ['sip:alice@host?a=b c', true, 'SIP_BAD_URI', 18],
  ['sip:alice@-host.com', false, 'SIP_BAD_HOST', 10],
  ['sip:alice@host.123', false, 'SIP_BAD_HOST', 10],
  ['sip:alice:pa"ss@host', true, 'SIP_BAD_USER', 12],
  ['urn:', false, 'SIP_BAD_URI', 4],
  // RFC 4475 §4.2 ipv6-bad: an IPv6 address without brackets.
  ['sip:[2001:db8::10', true, 'SIP_BAD_HOST', 4],
  ['sip:2001:db8::10', true, 'SIP_BAD_HOST', 4],
  // RFC 4475 §3.1.2.8 ltgtruri: a Request-URI in angle brackets is no URI.
  ['<sip:user@example.com>', true, 'SIP_BAD_SCHEME', 0],
  ['sip:user@example.com:000005060', true, 'SIP_BAD_PORT', 21],
  ['sip:user@host;x=a@b', true, 'SIP_BAD_PARAM', 17],
  ['sip:a@host?x=a@b', true, 'SIP_BAD_URI', 14],
  ['sip:a@host?x=a%2G', false, 'SIP_BAD_URI', 14],
  ['sip:a@host;x=%', false, 'SIP_BAD_PARAM', 13],
  ['sip:a@host;x=é', false, 'SIP_BAD_PARAM', 13],
  ['sip:a:p%@host', false, 'SIP_BAD_USER', 7],
  ['sip:a@host\r\nVia: x', true, 'SIP_BAD_HOST', 6],
  ['mailto:a b@c', true, 'SIP_BAD_URI', 8],
];

describe('parseUri: invalid URIs', () => {
  it.each(invalid)(
    '%j (tolerant also rejects: %s) → %s at %i',
    (input, alsoTolerant, code, offset) => {
      const r = parseUri(input, STRICT);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect([r.error.code, r.error.offset, r.error.input]).toEqual([code, offset, input]);
      expect(parseUri(input).ok).toBe(!alsoTolerant);
    },
  );
});

describe('tolerated only outside strict mode', () => {
  it.each([
    ['sip:alice@bad_host.example.com', { host: 'bad_host.example.com' }],
    ['sip:alice@-host.com', { host: '-host.com' }],
    ['sip:alice@host.123', { host: 'host.123' }],
    ['sip:%zzalice@host', { user: '%zzalice' }],
    ['sip:*67#123@host', { user: '*67#123' }],
    ['sip:josé@host', { user: 'josé' }],
    ['sip:@host', { user: '' }],
    ['sip:alice@host;a=', { params: [{ name: 'a', value: '' }] }],
    ['sip:alice@host;a=b#c', { params: [{ name: 'a', value: 'b#c' }] }],
    ['sip:alice@host?a=%zz', { headers: [{ name: 'a', value: '%zz' }] }],
    ['tel:1234', { number: '1234' }],
    ['tel:+1234;a=', { params: [{ name: 'a', value: '' }] }],
    ['urn:', { body: '' }],
  ] as [string, object][])('%s', (input, expected) => {
    expect(parseUri(input, STRICT).ok).toBe(false);
    const r = parseUri(input);
    expect(r.ok && r.value).toMatchObject({ ...expected, raw: input });
    if (r.ok) expect(serializeUri(r.value)).toEqual({ ok: true, value: input });
  });

  it('writes a port without its leading zeros (the one documented normalisation)', () => {
    const r = parseUri('sip:a@host:05060', STRICT);
    expect(r.ok && r.value).toMatchObject({ port: 5060 });
    expect(r.ok && serializeUri(r.value)).toEqual({ ok: true, value: 'sip:a@host:5060' });
  });
});

// RFC 3261 §19.1.4: URIs that compare equal or not. This codec keeps them as written; each must
// parse strictly, come back byte for byte, and decode to the components the comparison uses.
describe('RFC 3261 §19.1.4 comparison examples', () => {
  it.each([
    'sip:%61lice@atlanta.com;transport=TCP',
    'sip:alice@AtLanTa.CoM;Transport=tcp',
    'sip:carol@chicago.com',
    'sip:carol@chicago.com;newparam=5',
    'sip:carol@chicago.com;security=on',
    'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
    'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
    'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    'SIP:ALICE@AtLanTa.CoM;Transport=udp',
    'sip:bob@biloxi.com:5060',
    'sip:bob@biloxi.com;transport=udp',
    'sip:bob@biloxi.com:6000;transport=tcp',
    'sip:carol@chicago.com?Subject=next%20meeting',
    'sip:bob@phone21.boxesbybob.com',
    'sip:bob@192.0.2.4',
    'sip:carol@chicago.com;security=off',
  ])('%s', (input) => {
    const r = parseUri(input, STRICT);
    expect(r.ok && serializeUri(r.value)).toEqual({ ok: true, value: input });
  });
});

describe('tel and other schemes', () => {
  it.each([
    ['tel:+1-201-555-0123', { number: '+1-201-555-0123', global: true }],
    [
      'tel:7042;phone-context=example.com',
      { number: '7042', global: false, params: [{ name: 'phone-context', value: 'example.com' }] },
    ],
    ['tel:863-1234;phone-context=+1-914-555', { global: false }],
    [
      'tel:+1-212-555-1212;isub=1234;ext=99',
      {
        params: [
          { name: 'isub', value: '1234' },
          { name: 'ext', value: '99' },
        ],
      },
    ],
    ['TEL:+4930123456', { schemeRaw: 'TEL' }],
  ] as [string, Partial<TelUri>][])('%s', (input, expected) => {
    const r = parseUri(input, STRICT);
    expect(r.ok && r.value).toMatchObject({ scheme: 'tel', ...expected });
    if (r.ok) expect(serializeUri(r.value)).toEqual({ ok: true, value: input });
  });

  it.each([
    ['tel:', 'SIP_BAD_TEL', 4, true],
    ['tel:+1-x', 'SIP_BAD_TEL', 7, true],
    ['tel:1234', 'SIP_BAD_TEL', 4, false],
    ['tel:+1234;=x', 'SIP_BAD_PARAM', 10, true],
    ['tel:+1234;a b=x', 'SIP_BAD_PARAM', 11, true],
    ['tel:+1234;a=', 'SIP_BAD_PARAM', 12, false],
    ['tel:+1234;a=<', 'SIP_BAD_PARAM', 12, true],
    ['tel:+1234;a=%zz', 'SIP_BAD_PARAM', 12, false],
  ])('%j → %s at %i', (input, code, offset, alsoTolerant) => {
    const r = parseUri(input, STRICT);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual([code, offset]);
    expect(parseUri(input).ok).toBe(!alsoTolerant);
  });

  it.each([
    'urn:service:sos',
    'mailto:alice@example.com',
    'http://example.com/a?b=c',
    'x-custom.v2+z:opaque',
  ])('keeps %s opaque', (input) => {
    const r = parseUri(input, STRICT);
    expect(r.ok && r.value).toMatchObject({
      body: input.slice(input.indexOf(':') + 1),
      raw: input,
    });
    if (r.ok) expect(serializeUri(r.value)).toEqual({ ok: true, value: input });
  });
});

describe('serializeUri refuses what would break the URI or the header', () => {
  const base = parseUri('sip:alice@atlanta.com');
  if (!base.ok) throw new Error('fixture');
  const sip = base.value as SipUri;
  it.each([
    [{ ...sip, user: 'al\r\nice' }, 'user'],
    [{ ...sip, user: 'a@b' }, 'user'],
    [{ ...sip, password: 'p@ss' }, 'password'],
    [{ ...sip, host: 'evil.com>' }, 'host'],
    [{ ...sip, port: 70000 }, 'port'],
    [{ ...sip, params: [{ name: 'a;b', value: null }] }, 'parameter'],
    [{ ...sip, params: [{ name: 'a', value: 'x y' }] }, 'parameter'],
    [{ ...sip, headers: [{ name: 'Subject', value: 'a&b' }] }, 'header'],
    [{ ...sip, schemeRaw: 'http' }, 'scheme'],
    [{ ...sip, user: null, password: 'secret' }, 'password without user'],
    [{ ...sip, user: null, params: [{ name: 'x', value: 'a@b' }] }, 'parameter'],
    [{ ...sip, user: null, headers: [{ name: 'x', value: 'a@b' }] }, 'header'],
    [{ ...sip, headers: [{ name: 'x=y', value: 'z' }] }, 'header'],
    [{ ...sip, host: '::1' }, 'host'],
    [{ ...sip, port: 1.5 }, 'port'],
    [{ ...sip, port: -1 }, 'port'],
    [{ scheme: 'urn', schemeRaw: 'urn', body: 'a b', raw: '' }, 'URI body'],
    [{ scheme: 'urn', schemeRaw: 'u rn', body: 'x', raw: '' }, 'scheme'],
    [
      { scheme: 'tel', schemeRaw: 'tel', number: '+1\r\n', global: true, params: [], raw: '' },
      'telephone',
    ],
    [{ scheme: 'tel', schemeRaw: 'sip', number: '+1', global: true, params: [], raw: '' }, 'tel'],
    [
      {
        scheme: 'tel',
        schemeRaw: 'tel',
        number: '+1',
        global: true,
        params: [{ name: 'a', value: '"' }],
        raw: '',
      },
      'tel URI parameter',
    ],
  ] as const)('%#: %s', (uri, what) => {
    const r = serializeUri(uri as never);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SIP_UNSAFE_VALUE');
      expect(r.error.message).toContain(what);
    }
  });

  it('renders edited parts, not the stale raw text', () => {
    expect(
      serializeUri({
        ...sip,
        user: 'bob',
        port: 5061,
        params: [{ name: 'transport', value: 'tls' }],
      }),
    ).toEqual({
      ok: true,
      value: 'sip:bob@atlanta.com:5061;transport=tls',
    });
  });
});

describe('IPv6 references', () => {
  it.each([
    ['::1', true],
    ['2001:db8::', true],
    ['1:2:3:4:5:6:7:8', true],
    ['::ffff:10.0.0.1', true],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['1:2:3:4:5:6:7', false],
    ['1::2::3', false],
    ['1:::2', false],
    ['12345::', false],
    ['::1.2.3', false],
    ['1.2.3.4', false],
  ])('%s → %s', (s, expected) => {
    expect(isIpv6(s)).toBe(expected);
  });
});

// Strings made of the characters that matter to URIs, so that properties reach deep branches.
const uriish = fc.string({
  unit: fc.constantFrom(...'aZ09:@;?=&%[]<>"., -+_#/é\r\n\t'.split('')),
  maxLength: 30,
});

describe('properties', () => {
  it('an edited SipUri either serializes to text that parses back to the same parts, or is refused', () => {
    // Mostly characters every component allows, sometimes anything: both outcomes get exercised.
    const part = fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z0-9._~%+-]{0,6}$/) },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: fc.constantFrom(...'aZ09:@;?=&%[]<>"., -+_#é\r\n'.split('')),
          maxLength: 8,
        }),
      },
    );
    const sip = fc.record({
      scheme: fc.constant('sip' as const),
      schemeRaw: fc.constantFrom('sip', 'SIP'),
      user: fc.option(part, { nil: null }),
      password: fc.option(part, { nil: null }),
      host: fc.constantFrom('example.com', '192.0.2.1', '[::1]', 'a_b.example'),
      hostType: fc.constant('domain' as const),
      port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
      params: fc.array(fc.record({ name: part, value: fc.option(part, { nil: null }) }), {
        maxLength: 3,
      }),
      headers: fc.array(fc.record({ name: part, value: part }), { maxLength: 3 }),
      raw: fc.constant(''),
    });
    fc.assert(
      fc.property(sip, (u) => {
        const s = serializeUri(u);
        if (!s.ok) return s.error.code === 'SIP_UNSAFE_VALUE';
        if (/[\s<>"]/.test(s.value) || findUnsafeControl(s.value) !== -1) return false;
        const back = parseUri(s.value);
        if (!back.ok) return false;
        const { raw: _a, hostType: _b, ...mine } = u;
        const { raw: _c, hostType: _d, ...theirs } = back.value as SipUri;
        return JSON.stringify(mine) === JSON.stringify(theirs);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws and round-trips whatever it accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => 'sip:' + s),
          fc.string().map((s) => 'tel:' + s),
          uriish.map((s) => 'sip:' + s),
          uriish.map((s) => 'tel:+' + s),
          uriish,
        ),
        (s) => {
          for (const strict of [true, false]) {
            const r = parseUri(s, { strict });
            if (!r.ok) continue;
            const back = serializeUri(r.value);
            if (!back.ok) return false;
            // The one normalisation: leading zeros of a port.
            if (back.value !== s && back.value !== s.replace(/:0+(?=[0-9])/, ':')) return false;
          }
          return true;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('generated sip URIs parse strictly and come back byte for byte', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
    const uri = fc
      .record({
        user: fc.option(fc.stringMatching(/^[A-Za-z0-9+._~-]{1,10}$/), { nil: null }),
        host: fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')),
        port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
        params: fc.array(
          fc.tuple(
            fc.stringMatching(/^[a-z]{1,6}$/),
            fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: null }),
          ),
          { maxLength: 3 },
        ),
      })
      .map(
        (u) =>
          `sip:${u.user === null ? '' : u.user + '@'}${u.host}${u.port === null ? '' : ':' + u.port}` +
          u.params.map(([n, v]) => `;${n}${v === null ? '' : '=' + v}`).join(''),
      );
    fc.assert(
      fc.property(uri, (s) => {
        const r = parseUri(s, STRICT);
        return (
          r.ok &&
          serializeUri(r.value).ok &&
          (serializeUri(r.value) as { value: string }).value === s
        );
      }),
    );
  });
});
