import { describe, expect, it } from 'vitest';
import { checkHeaderCounts } from './message-checks.ts';
import { parseMessage } from './message.ts';
import type { SipMessage } from './message-model.ts';

const HEAD = [
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
];
const INVITE = 'INVITE sip:bob@biloxi.com SIP/2.0';

function msg(start: string, rows: readonly string[]): string {
  return [start, ...rows, 'Content-Length: 0', '', ''].join('\r\n');
}

/** The base request with its rows of the same names replaced by `rows` (or added). */
function request(...rows: string[]): string {
  const names = new Set(rows.map((r) => r.slice(0, r.indexOf(':'))));
  return msg(INVITE, [...HEAD.filter((r) => !names.has(r.slice(0, r.indexOf(':')))), ...rows]);
}

function offsetOf(input: string, row: string): number {
  return input.indexOf(`\r\n${row}`) + 2;
}

describe('checks in both modes', () => {
  it.each([
    ['CSeq: 2147483648 INVITE', 'SIP_BAD_CSEQ'],
    ['CSeq: 36893488147419103232 INVITE', 'SIP_BAD_CSEQ'],
    ['CSeq: INVITE', 'SIP_BAD_CSEQ'],
    ['CSeq: 1INVITE', 'SIP_BAD_CSEQ'],
    ['CSeq: 1', 'SIP_BAD_CSEQ'],
    ['CSeq: 1 INVITE x', 'SIP_BAD_CSEQ'],
    ['CSeq: 1 OPTIONS', 'SIP_METHOD_MISMATCH'],
    ['CSeq: 1 invite', 'SIP_METHOD_MISMATCH'],
    ['CSeq: 1 INVITEX', 'SIP_METHOD_MISMATCH'],
    ['Via: SIP/2.0/UDP 192.0.2.15;;,;,,', 'SIP_BAD_VIA'],
    ['Via:', 'SIP_BAD_VIA'],
    ['To: "Mr. J. User <sip:j.user@example.com>', 'SIP_BAD_NAME_ADDR'],
    ['To: Bob <sip:bob@biloxi.com', 'SIP_BAD_NAME_ADDR'],
    ['From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43', 'SIP_BAD_NAME_ADDR'],
    ['Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E', 'SIP_BAD_NAME_ADDR'],
    ['Route: <sip:a;lr>, "x <sip:b;lr>', 'SIP_BAD_NAME_ADDR'],
  ])('refuses %j (%s)', (row, code) => {
    const input = request(row);
    for (const strict of [false, true]) {
      expect(parseMessage(input, { strict })).toMatchObject({
        ok: false,
        error: { code, offset: offsetOf(input, row), input },
      });
    }
  });

  it.each([
    ['CSeq: 2147483647 INVITE'],
    ['CSeq: 0009\r\n  INVITE'],
    ['From: "Bell, Alexander" <sip:a.g.bell@example.com>;tag=43'],
    ['Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>'],
    ['Contact: *'],
    ['Contact: "a" <sip:a@b>, <sip:c@d>'],
  ])('accepts %j', (row) => {
    for (const strict of [false, true]) {
      expect(parseMessage(request(row), { strict })).toMatchObject({ ok: true });
    }
  });

  it('does not compare the CSeq method of a response', () => {
    const input = msg(
      'SIP/2.0 200 OK',
      HEAD.map((r) => (r.startsWith('CSeq') ? 'CSeq: 1 BYE' : r)),
    );
    expect(parseMessage(input, { strict: true })).toMatchObject({ ok: true });
  });
});

describe('strict-only checks', () => {
  it.each([
    ['To: "Watson, Thomas" < sip:t.watson@example.org >', 'SIP_BAD_SCHEME'],
    ['To: Bob <sip:bob@biloxi.com> x', 'SIP_BAD_NAME_ADDR'],
    ['Route: <sip:a;lr>;;', 'SIP_BAD_PARAM'],
    ['Contact: "Joe" <sip:joe@example.org>;;;;', 'SIP_BAD_PARAM'],
    ['Call-ID: a b', 'SIP_BAD_HEADER_VALUE'],
    ['Call-ID: a@', 'SIP_BAD_HEADER_VALUE'],
    ['Call-ID: @b', 'SIP_BAD_HEADER_VALUE'],
    ['Call-ID: a@b@c', 'SIP_BAD_HEADER_VALUE'],
    ['Max-Forwards: 256', 'SIP_BAD_HEADER_VALUE'],
    ['Max-Forwards: ten', 'SIP_BAD_HEADER_VALUE'],
    ['Max-Forwards: ', 'SIP_BAD_HEADER_VALUE'],
    ['RSeq: 4294967296', 'SIP_BAD_HEADER_VALUE'],
    ['Expires: 3600s', 'SIP_BAD_HEADER_VALUE'],
    ['Date: Fri, 01 Jan 2010 16:00:00 EST', 'SIP_BAD_HEADER_VALUE'],
    ['Warning: 1812 overture "In Progress"', 'SIP_BAD_HEADER_VALUE'],
    ['Warning: 301 isi.edu "x", 30 isi.edu "y"', 'SIP_BAD_HEADER_VALUE'],
    ['Retry-After: 949302838503028349304023988', 'SIP_BAD_HEADER_VALUE'],
    ['Retry-After: soon', 'SIP_BAD_HEADER_VALUE'],
    ['Allow: INVITE,,ACK', 'SIP_BAD_HEADER_VALUE'],
    ['Subject: a\u0000b', 'SIP_BAD_HEADER_VALUE'],
    ['X-Custom: "a\\\u0007" \u0001', 'SIP_BAD_HEADER_VALUE'],
    ['Via: SIP/2.0/UDP', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0', 'SIP_BAD_VIA'],
    ['Via: /2.0/UDP a.b', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDPa.b', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP a..b', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP [::1', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP 192.0.2.253:80000', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP a.b:', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP a.b;branch=', 'SIP_BAD_PARAM'],
    ['Via: SIP/2.0/UDP a.b x', 'SIP_BAD_VIA'],
    ['Via: SIP/2.0/UDP a.b, SIP/2.0/UDP', 'SIP_BAD_VIA'],
  ])('refuses %j (%s) in strict mode only', (row, code) => {
    const input = request(row);
    expect(parseMessage(input, { strict: false })).toMatchObject({ ok: true });
    expect(parseMessage(input, { strict: true })).toMatchObject({
      ok: false,
      error: { code, offset: offsetOf(input, row) },
    });
  });

  it.each([
    ['Via: SIP / 2.0 / UDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1'],
    ['Via: SIP/2.0/TCP [2001:db8::9:1]:5061;branch=z9hG4bK1;received=[2001:db8::9:255]'],
    ['Via: SIP/2.0/UDP a.b, SIP/2.0/SCTP c.d;branch=z9hG4bK2'],
    ['X-Custom: "a\\\u0000\\\u0007" b'],
    ['Subject:'],
    ['Supported:'],
    ['Date: Sat, 13 Nov 2010 23:29:00 GMT'],
    ['Max-Forwards: 0068'],
    ['Expires: 10000000000000000000000000000000000000000000000'],
    ['RSeq: 4294967295'],
    ['Retry-After: 120 (I am in a meeting);duration=60'],
    ['Warning: 370 devnull "Choose a bigger pipe"'],
    ['Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\}{][?/"'],
    ['P-Asserted-Identity: "x" <sip:x@y>, <tel:+15550001>'],
  ])('accepts %j in strict mode', (row) => {
    expect(parseMessage(request(row), { strict: true })).toMatchObject({ ok: true });
  });

  it.each([
    ['INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0', 'SIP_BAD_URI'],
    ['INVITE sip:user@exa_mple.com SIP/2.0', 'SIP_BAD_HOST'],
    ['INVITE sip:user@[::1 SIP/2.0', 'SIP_BAD_HOST'],
  ])('refuses the Request-URI of %j (%s) in strict mode', (line, code) => {
    const input = msg(line, HEAD);
    expect(parseMessage(input, { strict: true })).toMatchObject({
      ok: false,
      error: { code, offset: 0 },
    });
  });

  it.each([
    ['SIP/2.0 200 <OK>', false],
    ['SIP/2.0 200 100%', false],
    ['SIP/2.0 200 100%zz', false],
    ['SIP/2.0 200 a\u0001b', false],
    ['SIP/2.0 200 100%25 OK', true],
    ['SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое', true],
    ["SIP/2.0 200 (it's; fine: @&=+$,/?)", true],
  ])('Reason-Phrase of %j is valid: %s', (line, valid) => {
    const input = msg(line, HEAD);
    expect(parseMessage(input, { strict: false })).toMatchObject({ ok: true });
    expect(parseMessage(input, { strict: true })).toMatchObject(
      valid ? { ok: true } : { ok: false, error: { code: 'SIP_BAD_STATUS' } },
    );
  });
});

describe('checkHeaderCounts', () => {
  const parsed = (input: string): SipMessage => {
    const r = parseMessage(input, { strict: true });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('accepts a message with every mandatory header once', () => {
    const m = parsed(
      request('Authorization: Digest a=1', 'Authorization: Digest b=2', 'X-A: 1', 'X-A: 2'),
    );
    expect(checkHeaderCounts(m)).toEqual({ ok: true, value: m });
  });

  it.each([
    ['From', 'SIP_MISSING_HEADER'],
    ['Via', 'SIP_MISSING_HEADER'],
    ['Call-ID', 'SIP_MISSING_HEADER'],
  ])('refuses a message without %s', (name, code) => {
    const m = parsed(
      msg(
        INVITE,
        HEAD.filter((r) => !r.startsWith(name)),
      ),
    );
    expect(checkHeaderCounts(m)).toMatchObject({
      ok: false,
      error: { code, message: `${name} is missing` },
    });
  });

  it('does not require Max-Forwards (RFC 4475 §3.4.1)', () => {
    const m = parsed(
      msg(
        INVITE,
        HEAD.filter((r) => !r.startsWith('Max-Forwards')),
      ),
    );
    expect(checkHeaderCounts(m).ok).toBe(true);
  });

  it.each([['To: sip:other@example.net'], ['i: second@host'], ['Max-Forwards: 5']])(
    'refuses a second %j',
    (row) => {
      const m = parsed(msg(INVITE, [...HEAD, row]));
      expect(checkHeaderCounts(m)).toMatchObject({
        ok: false,
        error: {
          code: 'SIP_DUPLICATE_HEADER',
          input: row.replace(': ', ': ').replace(/^([^:]+):/, '$1:'),
        },
      });
    },
  );
});
