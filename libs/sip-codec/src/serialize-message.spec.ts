import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupHeader } from './header-table.ts';
import { parseMessage } from './message.ts';
import type { SipHeader, SipMessage } from './message-model.ts';
import {
  appendHeaders,
  removeHeaders,
  serializeMessage,
  serializeMessageText,
} from './serialize-message.ts';

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

const utf8 = new TextEncoder();
const bytes = (s: string) => utf8.encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function parsed(input: string | Uint8Array): SipMessage {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.offset}: ${r.error.message}`);
  return r.value;
}

function written(m: SipMessage, recomputeContentLength = false): string {
  const r = serializeMessageText(m, { recomputeContentLength });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

// A realistic carrier INVITE: repeated and compact headers, a fold, a header name that is not a
// token (tolerated), a value with UTF-8, an empty value and an SDP body.
const SDP =
  'v=0\r\no=- 1 1 IN IP4 192.0.2.44\r\ns=-\r\nc=IN IP4 192.0.2.44\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
const INVITE = [
  'INVITE sip:+18005550142@ga.example.com;user=phone SIP/2.0',
  'Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bK-1;rport',
  'v: SIP/2.0/TCP 192.0.2.44:5060;branch=z9hG4bKsbc1,SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK2',
  'Max-Forwards: 67',
  'f: "ACME BANK" <sip:+14155550199@sbc.example.net;user=phone>;tag=as5f',
  'To:<sip:+18005550142@ga.example.com;user=phone>',
  'Call-ID: 6f4e1b0a2c9d@192.0.2.44',
  'CSeq: 102 INVITE',
  'Diversion: <sip:+18005550100@ivr.example.com>;reason=unconditional;counter=1,',
  '\t<sip:+18005550111@pbx.example.com>;reason=no-answer',
  'X-GA-taskName:   loan_servicing_inbound  ',
  'X-Brand: Caf\u00e9 \u{1F600}',
  'X-Foo[1]: tolerated name',
  'Subject:',
  'Content-Type: application/sdp',
  `l: ${SDP.length}`,
  '',
  SDP,
].join('\r\n');

describe('serializeMessage: byte for byte', () => {
  it('gives back a realistic INVITE exactly', () => {
    const input = bytes(INVITE);
    const r = serializeMessage(parsed(input));
    expect(r.ok && Buffer.from(r.value).equals(Buffer.from(input))).toBe(true);
  });

  // Every test message that parses in tolerant mode, and what serializing does with it.
  const normalised: Record<string, string> = {
    'dblreq.dat': 'the datagram bytes after Content-Length are discarded',
    'longreq.dat': 'whitespace between a header name and its colon is not kept',
    'wsinv.dat': 'whitespace between a header name and its colon is not kept',
    'lwsstart.dat': 'the start line is written with one SP between elements',
    'trws.dat': 'the start line is written with one SP between elements',
    'intmeth.dat': 'refused: a quoted-pair holds NUL, BEL and DEL, never written',
  };
  const files = ['carrier', 'rfc4475'].flatMap((dir) =>
    readdirSync(join(import.meta.dirname, '../test-data', dir))
      .filter((f) => /\.(sip|dat)$/.test(f))
      .map((f) => ({
        f,
        input: new Uint8Array(readFileSync(join(import.meta.dirname, '../test-data', dir, f))),
      }))
      .filter(({ input }) => parseMessage(input).ok),
  );

  it('covers the carrier messages and most RFC 4475 messages', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('$f', ({ f, input }) => {
    const r = serializeMessage(parsed(input));
    if (f === 'intmeth.dat') {
      expect(!r.ok && r.error.code).toBe('SIP_UNSAFE_VALUE');
      return;
    }
    expect(r.ok).toBe(true);
    const same = r.ok && Buffer.from(r.value).equals(Buffer.from(input));
    expect(same ? 'same' : normalised[f]).toBe(f in normalised ? normalised[f] : 'same');
    // Whatever was normalised reads back as the same message.
    if (r.ok && !same) {
      const again = parsed(r.value);
      expect(again.headers.map((h) => [h.name, h.value])).toEqual(
        parsed(input).headers.map((h) => [h.name, h.value]),
      );
    }
  });

  // Unknown names only: known ones have grammars (CSeq, Content-Length…) a random value breaks.
  const chars = (set: string, min: number, max: number) =>
    fc.array(fc.constantFrom(...set), { minLength: min, maxLength: max }).map((xs) => xs.join(''));
  const name = fc
    .tuple(chars('XYZxyz', 1, 1), chars("Ab09.!%*_+`'~-", 0, 10))
    .map(([a, b]) => a + b)
    .filter((n) => lookupHeader(n) === undefined);
  const valueText = fc
    .tuple(chars('!~<>"a\u00e9\u20ac\u{1F600}', 1, 1), chars(' \t!,;:=<>"aZ9\u00e9\u20ac', 0, 20))
    .map(([a, b]) => a + b);
  const row = fc
    .record({
      name,
      lead: fc.constantFrom('', ' ', '\t', '  '),
      trail: fc.constantFrom('', ' ', '\t'),
      segments: fc.array(valueText, { minLength: 0, maxLength: 3 }),
      fold: fc.constantFrom('\r\n ', '\r\n\t', '\r\n   '),
    })
    .map((r) => `${r.name}:${r.lead}${r.segments.join(r.fold)}${r.trail}`);
  const startLine = fc.constantFrom(
    'INVITE sip:bob@biloxi.com SIP/2.0',
    'OPTIONS sips:[2001:db8::1]:5061;transport=tls SIP/2.0',
    'REFER tel:+15551234567 sip/2.0',
    'SIP/2.0 200 OK',
    'SIP/2.0 180 ',
    'SIP/2.0 486 Occup\u00e9 ici',
  );

  it('parse then serialize gives the input bytes back (CRLF line ends)', () => {
    fc.assert(
      fc.property(startLine, fc.array(row, { maxLength: 10 }), anyText(30), (start, rows, body) => {
        const b = bytes(body);
        const input = bytes(
          `${[start, ...rows, `Content-Length: ${b.length}`].join('\r\n')}\r\n\r\n${body}`,
        );
        const r = serializeMessage(parsed(input));
        expect(r.ok && Buffer.from(r.value).equals(Buffer.from(input))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a binary body as bytes', () => {
    const body = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x80]);
    const head = bytes('SIP/2.0 200 OK\r\nContent-Length: 5\r\n\r\n');
    const input = new Uint8Array([...head, ...body]);
    const r = serializeMessage(parsed(input));
    expect(r.ok && [...r.value]).toEqual([...input]);
    const t = serializeMessageText(parsed(input));
    expect(!t.ok && [t.error.code, t.error.offset]).toEqual(['SIP_BAD_UTF8', head.length]);
  });

  it('writes bare LF line ends and a missing empty line with CRLF', () => {
    expect(written(parsed('OPTIONS sip:a@b SIP/2.0\nVia: x\n fold\nMax-Forwards: 1\n\n'))).toBe(
      'OPTIONS sip:a@b SIP/2.0\r\nVia: x fold\r\nMax-Forwards: 1\r\n\r\n',
    );
    expect(written(parsed('SIP/2.0 100 Trying\r\nX-A: 1'))).toBe(
      'SIP/2.0 100 Trying\r\nX-A: 1\r\n\r\n',
    );
  });
});

const base = parsed('MESSAGE sip:a@b SIP/2.0\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi');
const withRows = (headers: SipHeader[]): SipMessage => ({ ...base, headers });
const row = (name: string, value: string, raw = ''): SipHeader => ({
  name,
  canonical: name,
  raw,
  value,
  values: [value],
  offset: -1,
});
const head = (m: SipMessage) => {
  const r = serializeMessageText(m);
  return r.ok ? r.value.split('\r\n').slice(1, -2) : `${r.error.code}@${r.error.offset}`;
};

describe('serializeMessage: headers built or changed by code', () => {
  it.each([
    ['raw empty: rendered from value', row('X-B', 'two words'), ['X-B: two words']],
    ['raw says another value: the value wins', row('X-B', 'new', ' old'), ['X-B: new']],
    ['raw and value agree: raw kept', row('X-B', 'a b', '  a\r\n\tb '), ['X-B:  a', '\tb ']],
    ['empty value', row('X-B', ''), ['X-B:']],
    ['unsafe raw is never written', row('X-B', 'a', ' a\r\nX-Evil: 1'), ['X-B: a']],
    ['bare CR in raw', row('X-B', 'a', ' a\rb'), ['X-B: a']],
    ['lone surrogate in raw', row('X-B', '\ud800', ' \ud800'), 'SIP_UNSAFE_VALUE@0'],
    ['smuggling value', row('X-B', 'a\r\nX-Evil: 1'), 'SIP_UNSAFE_VALUE@1'],
    ['name with a colon', row('X-B:', 'a'), 'SIP_BAD_HEADER_NAME@3'],
    ['name with a space', row('X B', 'a'), 'SIP_BAD_HEADER_NAME@1'],
    ['empty name', row('', 'a'), 'SIP_BAD_HEADER_NAME@0'],
    ['name with LF', row('X\nB', 'a'), 'SIP_BAD_HEADER_NAME@1'],
  ])('%s', (_, h, expected) => {
    expect(head(withRows([h]))).toEqual(expected);
  });

  it('never writes a line that reads back as another header, whatever the rows hold', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('X-A', 'a\r\nX-Evil: 1', ' ok', '', 'a\r\n b'),
    );
    // Known names are left out: their grammars (From, CSeq, Content-Length…) refuse random values.
    const unknown = field.map((n) => (lookupHeader(n) === undefined ? n : `X-${n}`));
    const h = fc
      .record({ name: unknown, value: field, raw: field })
      .map((x) => row(x.name, x.value, x.raw));
    fc.assert(
      fc.property(fc.array(h, { maxLength: 5 }), (rows) => {
        const r = serializeMessage(withRows(rows));
        if (!r.ok) return;
        const back = parsed(r.value);
        expect(back.headers.map((x) => [x.name, x.value])).toEqual(
          rows.map((x) => [x.name, x.value]),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('serializeMessage: start line', () => {
  const request = base as SipMessage & { kind: 'request' };
  const response = parsed('SIP/2.0 200 OK\r\n\r\n') as SipMessage & { kind: 'response' };
  const startOf = (m: SipMessage) => {
    const r = serializeMessageText(m);
    return r.ok ? r.value.split('\r\n')[0] : `${r.error.code}@${r.error.offset}`;
  };

  it.each([
    ['request', request, 'MESSAGE sip:a@b SIP/2.0'],
    ['method not a token', { ...request, method: 'BAD METHOD' }, 'SIP_BAD_METHOD@0'],
    ['empty Request-URI', { ...request, requestUri: '' }, 'SIP_BAD_URI@0'],
    ['Request-URI with SP', { ...request, requestUri: 'sip:a@b SIP/2.0\r\nX: 1' }, 'SIP_BAD_URI@7'],
    ['version', { ...request, version: 'SIP/3.0' }, 'SIP_BAD_VERSION@0'],
    ['response', response, 'SIP/2.0 200 OK'],
    ['empty reason', { ...response, reason: '' }, 'SIP/2.0 200 '],
    ['status 99', { ...response, status: 99 }, 'SIP_BAD_STATUS@0'],
    ['status 700', { ...response, status: 700 }, 'SIP_BAD_STATUS@0'],
    ['status 200.5', { ...response, status: 200.5 }, 'SIP_BAD_STATUS@0'],
    ['reason with CRLF', { ...response, reason: 'OK\r\nX: 1' }, 'SIP_UNSAFE_VALUE@2'],
  ])('%s', (_, m, expected) => {
    expect(startOf(m as SipMessage)).toBe(expected);
  });
});

describe('serializeMessage: Content-Length', () => {
  const longer = { ...base, body: bytes('hello') };

  it('refuses a Content-Length that disagrees with the body', () => {
    const r = serializeMessage(longer);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual([
      'SIP_BAD_CONTENT_LENGTH',
      'Content-Length "2" does not match the 5-byte body',
    ]);
    expect(serializeMessage(withRows([row('Content-Length', 'x')])).ok).toBe(false);
  });

  it('rewrites every Content-Length row, compact form kept, when asked', () => {
    const m = parsed('MESSAGE sip:a@b SIP/2.0\r\nl: 2\r\nX-A: 1\r\nContent-Length:2\r\n\r\nhi');
    expect(written({ ...m, body: bytes('hello') }, true)).toBe(
      'MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello',
    );
  });

  it('adds Content-Length when asked and there is none; leaves it out otherwise', () => {
    const none = withRows([row('X-A', '1')]);
    expect(written(none, true)).toBe(
      'MESSAGE sip:a@b SIP/2.0\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi',
    );
    expect(written(none)).toBe('MESSAGE sip:a@b SIP/2.0\r\nX-A: 1\r\n\r\nhi');
  });
});

describe('appendHeaders', () => {
  it('adds rows after the others, as the parser would read them back', () => {
    const r = appendHeaders(base, [
      { name: 'X-GA-taskName', value: 'billing' },
      { name: 'Diversion', value: '<sip:a@b>;reason=unconditional, <sip:c@d>' },
      { name: 'X-Empty', value: '' },
    ]);
    if (!r.ok) throw new Error(r.error.message);
    const out = written(r.value);
    expect(out).toBe(
      'MESSAGE sip:a@b SIP/2.0\r\nX-A: 1\r\nContent-Length: 2\r\nX-GA-taskName: billing\r\n' +
        'Diversion: <sip:a@b>;reason=unconditional, <sip:c@d>\r\nX-Empty:\r\n\r\nhi',
    );
    const strip = (hs: readonly SipHeader[]) => hs.map(({ offset: _, ...h }) => h);
    expect(strip(r.value.headers)).toEqual(strip(parsed(out).headers));
    expect(base.headers).toHaveLength(2);
  });

  it('is all or nothing, and names the header it refused', () => {
    const r = appendHeaders(base, [
      { name: 'X-B', value: 'fine' },
      { name: 'X-C', value: 'x\r\nX-Smuggled: 1' },
    ]);
    expect(!r.ok && [r.error.code, r.error.message]).toEqual([
      'SIP_UNSAFE_VALUE',
      'header #1 ("X-C"): header value holds a control character',
    ]);
    expect(appendHeaders(base, [{ name: 'X-Foo[1]', value: 'a' }]).ok).toBe(false);
  });
});

describe('removeHeaders', () => {
  const m = parsed(INVITE);
  const names = (x: SipMessage) => x.headers.map((h) => h.name);

  it.each([
    [['Via'], ['Via', 'v']],
    [['v'], ['Via', 'v']],
    [
      ['FROM', 'x-brand'],
      ['f', 'X-Brand'],
    ],
    [['X-Foo[1]'], ['X-Foo[1]']],
    [['X-Absent'], []],
    [[], []],
  ])('%j removes %j', (remove, gone) => {
    const r = removeHeaders(m, remove);
    expect(r.ok && names(m).filter((n) => !names(r.value).includes(n))).toEqual(gone);
  });

  it('refuses a name no header could have, and changes nothing', () => {
    const r = removeHeaders(m, ['Via', 'X Bad']);
    expect(!r.ok && [r.error.code, r.error.offset]).toEqual(['SIP_BAD_HEADER_NAME', 1]);
    expect(
      text(
        serializeMessage(m).ok
          ? (serializeMessage(m) as { value: Uint8Array }).value
          : new Uint8Array(),
      ),
    ).toBe(INVITE);
  });
});
