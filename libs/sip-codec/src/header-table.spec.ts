import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getHeader } from './header-access.ts';
import { canonicalHeaderName, HEADER_TABLE, isListHeader, lookupHeader } from './header-table.ts';
import { parseMessage } from './message.ts';

interface Example {
  readonly section: string;
  readonly line: string;
  readonly canonical: string;
  readonly values: readonly string[];
}

const examples = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test-data/rfc3261/header-examples.json'), 'utf8'),
) as Example[];

describe('lookupHeader', () => {
  it.each([
    ['Via', 'Via'],
    ['via', 'Via'],
    ['VIA', 'Via'],
    ['v', 'Via'],
    ['V', 'Via'],
    ['vIa', 'Via'],
    ['call-id', 'Call-ID'],
    ['CALL-ID', 'Call-ID'],
    ['Call-Id', 'Call-ID'],
    ['i', 'Call-ID'],
    ['m', 'Contact'],
    ['e', 'Content-Encoding'],
    ['l', 'Content-Length'],
    ['c', 'Content-Type'],
    ['f', 'From'],
    ['s', 'Subject'],
    ['k', 'Supported'],
    ['t', 'To'],
    ['o', 'Event'],
    ['u', 'Allow-Events'],
    ['r', 'Refer-To'],
    ['b', 'Referred-By'],
    ['x', 'Session-Expires'],
    ['y', 'Identity'],
    ['a', 'Accept-Contact'],
    ['j', 'Reject-Contact'],
    ['d', 'Request-Disposition'],
    ['www-authenticate', 'WWW-Authenticate'],
    ['diversion', 'Diversion'],
    ['history-INFO', 'History-Info'],
    ['user-to-user', 'User-to-User'],
    ['p-asserted-identity', 'P-Asserted-Identity'],
    ['mime-version', 'MIME-Version'],
    ['rack', 'RAck'],
  ])('%s is %s', (name, canonical) => {
    expect(lookupHeader(name)?.name).toBe(canonical);
    expect(canonicalHeaderName(name)).toBe(canonical);
  });

  it.each(['', 'X-Custom', 'Vias', 'q', 'z', 'Content-Lengt', 'Content-Lengthh', 'Vía', 'Via '])(
    '%j is unknown and keeps its spelling',
    (name) => {
      expect(lookupHeader(name)).toBeUndefined();
      expect(canonicalHeaderName(name)).toBe(name);
    },
  );

  it('has one row per name and per compact form', () => {
    const names = HEADER_TABLE.map((s) => s.name.toLowerCase());
    const compacts = HEADER_TABLE.flatMap((s) => (s.compact ? [s.compact] : []));
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(compacts).size).toBe(compacts.length);
    for (const spec of HEADER_TABLE) expect(lookupHeader(spec.name)).toBe(spec);
  });

  it('covers every header of RFC 3261 §20', () => {
    const sections = HEADER_TABLE.filter((s) => s.rfc.startsWith('RFC 3261 §20.'));
    expect(sections.map((s) => Number(s.rfc.split('.')[1]))).toEqual(
      Array.from({ length: 44 }, (_, i) => i + 1),
    );
  });

  it.each([
    ['Contact', true],
    ['Via', true],
    ['Warning', true],
    ['Diversion', true],
    ['History-Info', true],
    ['WWW-Authenticate', false],
    ['Authorization', false],
    ['Date', false],
    ['Call-ID', false],
    ['Subject', false],
    ['X-Unknown', false],
  ])('isListHeader(%s) is %s', (name, list) => {
    expect(isListHeader(name)).toBe(list);
  });

  it('marks the authentication headers repeatable but not lists (RFC 3261 §7.3.1)', () => {
    for (const name of [
      'Authorization',
      'Proxy-Authorization',
      'WWW-Authenticate',
      'Proxy-Authenticate',
    ]) {
      expect(lookupHeader(name)).toMatchObject({ list: false, repeatable: true });
    }
    expect(lookupHeader('From')?.repeatable).toBeUndefined();
  });
});

const BASE = [
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
];

function messageWith(example: Example): string {
  const rows = BASE.filter(
    (row) => canonicalHeaderName(row.split(':')[0] as string) !== example.canonical,
  );
  const length = example.canonical === 'Content-Length' ? Number(example.values[0]) : 0;
  if (length === 0) rows.push('Content-Length: 0');
  rows.push(example.line);
  return `INVITE sip:bob@biloxi.com SIP/2.0\r\n${rows.join('\r\n')}\r\n\r\n${'x'.repeat(length)}`;
}

describe('RFC 3261 §20 examples through the table', () => {
  it.each(examples.map((e) => [e.section, e.line, e] as const))('%s %s', (_, line, example) => {
    for (const strict of [false, true]) {
      const r = parseMessage(messageWith(example), { strict });
      expect(r).toMatchObject({ ok: true });
      if (!r.ok) return;
      const header = r.value.headers.at(-1);
      expect(header?.canonical).toBe(example.canonical);
      expect(header?.name).toBe(line.slice(0, line.indexOf(':')));
      expect(header?.values).toEqual(example.values);
      expect(getHeader(r.value, example.canonical)).toBeDefined();
    }
  });
});
