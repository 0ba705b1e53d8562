import { describe, expect, it } from 'vitest';
import { runCli, stderrJson } from './testing/fake-io.ts';

async function headerOk(argv: string[]): Promise<Record<string, unknown>> {
  const r = await runCli(['header', ...argv]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('sipctx header: Diversion and History-Info entries', () => {
  it('gives Diversion entries with the RFC parameter names, numbers as numbers', async () => {
    const out = await headerOk([
      'Diversion',
      '<sip:+15559876543@acmebank.example>;reason=unconditional;counter=2;privacy=off;brand="Acme Bank"',
      '<sip:+12065550100@pbx.example>;reason=no-answer, <tel:+12065550101>;reason=user-busy;screen=yes;limit=5',
    ]);
    expect(out).toMatchObject({ name: 'Diversion', canonical: 'Diversion', rfc: 'RFC 5806 §3' });
    const entries = out['entries'] as Record<string, unknown>[];
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      uri: 'sip:+15559876543@acmebank.example',
      reason: 'unconditional',
      counter: 2,
      privacy: 'off',
      params: [{ name: 'brand', value: 'Acme Bank' }],
    });
    expect(entries[1]).toMatchObject({ uri: 'sip:+12065550100@pbx.example', reason: 'no-answer' });
    expect(entries[2]).toMatchObject({ reason: 'user-busy', screen: 'yes', limit: 5 });
  });

  it('gives History-Info entries with index, rc/mp/np and the Reason from the URI', async () => {
    const out = await headerOk([
      'History-Info',
      '<sip:+12065551234@voice.example.com>;index=1',
      '<sip:+15559876543@acmebank.example?Reason=SIP%3Bcause%3D302>;index=1.1;mp=1',
    ]);
    const entries = out['entries'] as Record<string, unknown>[];
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ index: '1' });
    expect(entries[1]).toMatchObject({ index: '1.1', mp: '1' });
  });
});

describe('sipctx header: other known headers', () => {
  it.each([
    [
      'From',
      '"Jane" <sip:jane@example.com>;tag=1',
      { displayName: 'Jane', params: [{ name: 'tag', value: '1' }] },
    ],
    ['f', '<sip:jane@example.com>', { displayName: null }],
    ['Max-Forwards', '70', { value: 70 }],
    ['CSeq', '4711 INVITE', { seq: 4711, method: 'INVITE' }],
    [
      'Replaces',
      '425928@bobster.example.org;to-tag=7743;from-tag=6472',
      { callId: '425928@bobster.example.org', toTag: '7743', fromTag: '6472', earlyOnly: false },
    ],
    [
      'Referred-By',
      '<sip:referrer@atlanta.example.com>;cid="20398823.2UWQFN309shb3@atlanta.example.com"',
      { cid: '20398823.2UWQFN309shb3@atlanta.example.com' },
    ],
    [
      'Refer-To',
      '<sip:bob@biloxi.example.net?Accept-Contact=sip:bobsdesk.biloxi.example.net&Call-ID=55432%40alicepc.atlanta.example.com>',
      {
        embeddedHeaders: [
          { name: 'Accept-Contact', value: 'sip:bobsdesk.biloxi.example.net' },
          { name: 'Call-ID', value: '55432@alicepc.atlanta.example.com' },
        ],
        replaces: null,
      },
    ],
  ])('%s: one view per row', async (name, row, expected) => {
    const out = await headerOk([name, row]);
    expect(out['rows']).toEqual([row]);
    expect((out['views'] as unknown[])[0]).toMatchObject(expected);
  });

  it('gives entries across rows for list headers (Reason, Contact, Route)', async () => {
    const reason = await headerOk([
      'Reason',
      'SIP;cause=200;text="Call completed elsewhere"',
      'Q.850;cause=16',
    ]);
    expect(reason['entries']).toEqual([
      { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere', params: expect.any(Array) },
      { protocol: 'Q.850', cause: 16, text: null, params: [{ name: 'cause', value: '16' }] },
    ]);
    const route = await headerOk(['Route', '<sip:p1.example.com;lr>,<sip:p2.example.com;lr>']);
    expect(route['entries']).toHaveLength(2);
  });

  it('gives Via hops in order, across rows and compact forms', async () => {
    const via = await headerOk([
      'v',
      'SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.207;branch=z9hG4bK77asjd;rport=5061',
      'SIP/2.0/TLS proxy.example.com;branch=z9hG4bK-2',
    ]);
    expect(via['entries']).toEqual([
      {
        protocol: 'SIP',
        version: '2.0',
        transport: 'UDP',
        host: '192.0.2.1',
        port: 5060,
        branch: 'z9hG4bK77asjd',
        received: '192.0.2.207',
        rport: 5061,
        params: expect.any(Array),
      },
      {
        protocol: 'SIP',
        version: '2.0',
        transport: 'TLS',
        host: 'proxy.example.com',
        port: null,
        branch: 'z9hG4bK-2',
        received: null,
        rport: null,
        params: [{ name: 'branch', value: 'z9hG4bK-2' }],
      },
    ]);
  });

  it.each([
    ['Max-Forwards', '7O', 'SIP_BAD_HEADER_VALUE', 0],
    ['Content-Length', '1234567890123456', 'SIP_BAD_HEADER_VALUE', 15],
    ['CSeq', 'INVITE', 'SIP_BAD_CSEQ', 0],
    ['Via', 'SIP/2.0/UDP host:99999', 'SIP_BAD_VIA', 17],
    ['CSeq', '1234567890123456 INVITE', 'SIP_BAD_CSEQ', 0],
    ['CSeq', '1 IN"VITE', 'SIP_BAD_CSEQ', 4],
  ])('%s %j is refused with %s at %i', async (name, row, code, offset) => {
    const r = await runCli(['header', name, row]);
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)).toEqual({ code, message: expect.any(String), offset, row: 0 });
  });

  it('views User-to-User data that is not hex without decoded bytes', async () => {
    const out = await headerOk(['User-to-User', 'abc;encoding=text']);
    expect(out['entries']).toEqual([
      {
        data: 'abc',
        encoding: 'text',
        purpose: null,
        content: null,
        params: [{ name: 'encoding', value: 'text' }],
      },
    ]);
  });

  it('splits list headers without a structured codec into values', async () => {
    expect(await headerOk(['Allow', 'INVITE, ACK', 'BYE'])).toEqual({
      name: 'Allow',
      canonical: 'Allow',
      rfc: 'RFC 3261 §20.5',
      rows: ['INVITE, ACK', 'BYE'],
      values: ['INVITE', 'ACK', 'BYE'],
    });
    expect(await headerOk(['Subject', 'hello, world'])).toMatchObject({ values: ['hello, world'] });
  });

  it('keeps unknown headers as { name, rows, values }', async () => {
    expect(await headerOk(['X-GA-taskName', 'billing, refunds'])).toEqual({
      name: 'X-GA-taskName',
      rows: ['billing, refunds'],
      values: ['billing, refunds'],
    });
  });
});

describe('sipctx header: errors', () => {
  it('rejects a broken row with exit 2 and names the row', async () => {
    const r = await runCli(['header', 'From', '<sip:a@example.com>', '<sip:b@example.com']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(stderrJson(r)).toEqual({
      code: 'SIP_BAD_NAME_ADDR',
      message: 'missing ">"',
      offset: 0,
      row: 1,
    });
  });

  it('names the row for list headers too', async () => {
    const r = await runCli(['header', 'Reason', 'SIP;cause=200', ';cause=1']);
    expect(stderrJson(r)).toMatchObject({ code: 'SIP_BAD_REASON', row: 1 });
  });

  it.each([
    [['Replaces', '98732@sip.example.com'], 0],
    [['--strict', 'Replaces', '98732@sip.example.com'], 2],
    [['Reason', 'SIP;cause=abc'], 0],
    [['--strict', 'Reason', 'SIP;cause=abc'], 2],
  ])('%j: tolerant by default, --strict refuses (exit %i)', async (argv, exitCode) => {
    expect((await runCli(['header', ...argv])).exitCode).toBe(exitCode);
  });

  it.each([
    [['header'], 'expected a header name and at least one row'],
    [['header', 'From'], 'expected a header name and at least one row'],
    [['header', 'Bad Name', 'x'], '"Bad Name" is not a header name (a token)'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(stderrJson(r)).toEqual({ code: 'CLI_USAGE', message, hint: 'sipctx header --help' });
  });
});
