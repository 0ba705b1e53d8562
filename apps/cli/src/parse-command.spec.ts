import { describe, expect, it } from 'vitest';
import { run } from './run.ts';
import { fakeIo, runCli, stderrJson } from './testing/fake-io.ts';
import { INVITE, INVITE_LINES, message, REFER, RESPONSE, SDP } from './testing/sip-messages.ts';

interface HeaderJson {
  name: string;
  canonical: string;
  value: string;
  values: string[];
  structured?: Record<string, unknown>;
}

async function parseOk(argv: string[], files: Record<string, string | Uint8Array>) {
  const r = await runCli(['parse', ...argv], undefined, files);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as {
    startLine: Record<string, unknown>;
    headers: HeaderJson[];
    body: Record<string, unknown>;
    discardedBytes: number;
  };
}

function header(out: { headers: HeaderJson[] }, canonical: string): HeaderJson {
  const h = out.headers.find((x) => x.canonical === canonical);
  if (h === undefined) throw new Error(`no ${canonical}`);
  return h;
}

describe('sipctx parse: the message', () => {
  it('prints the start line, headers in order with compact forms expanded, and the body', async () => {
    const out = await parseOk(['invite.sip'], { 'invite.sip': INVITE });
    expect(out.startLine).toEqual({
      kind: 'request',
      method: 'INVITE',
      requestUri: 'sip:+12065551234@voice.example.com',
      version: 'SIP/2.0',
    });
    expect(out.headers.map((h) => h.canonical)).toEqual([
      'Via',
      'Max-Forwards',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Diversion',
      'X-GA-taskName',
      'Contact',
      'Content-Type',
      'Content-Length',
    ]);
    expect(header(out, 'To').name).toBe('t');
    expect(header(out, 'Diversion').values).toHaveLength(2);
    expect(out.body).toEqual({ length: Buffer.byteLength(SDP), encoding: 'utf-8', text: SDP });
    expect(out.discardedBytes).toBe(0);
  });

  it('reads standard input with "-"', async () => {
    const r = await runCli(['parse', '-'], RESPONSE);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).startLine).toEqual({
      kind: 'response',
      version: 'SIP/2.0',
      status: 486,
      reason: 'Busy Here',
    });
  });

  it('prints a body that is not UTF-8 as base64', async () => {
    const bytes = Buffer.concat([
      Buffer.from(
        message(INVITE_LINES.slice(0, 7), '').replace('Content-Length: 0', 'Content-Length: 3'),
      ),
      Buffer.from([0xff, 0x00, 0x80]),
    ]);
    const out = await parseOk(['bin.sip'], { 'bin.sip': bytes });
    expect(out.body).toEqual({ length: 3, encoding: 'base64', base64: '/wCA' });
  });

  it.each([
    ['udp', 9],
    ['stream', 0],
  ])('--transport %s: %i bytes after Content-Length discarded', async (transport, discarded) => {
    const out = await parseOk(['--transport', transport, 'x.sip'], {
      'x.sip': message(INVITE_LINES.slice(0, 7)) + 'leftovers',
    });
    expect(out.discardedBytes).toBe(discarded);
  });

  it('--transport stream needs Content-Length', async () => {
    const text = message(INVITE_LINES.slice(0, 7)).replace('Content-Length: 0\r\n', '');
    expect((await runCli(['parse', 'x.sip'], undefined, { 'x.sip': text })).exitCode).toBe(0);
    const r = await runCli(['parse', '--transport', 'stream', 'x.sip'], undefined, {
      'x.sip': text,
    });
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)['code']).toBe('SIP_BAD_CONTENT_LENGTH');
  });
});

describe('sipctx parse: structured views', () => {
  it('views name-addr, int, CSeq, Diversion and Contact headers; leaves unknown ones alone', async () => {
    const out = await parseOk(['invite.sip'], { 'invite.sip': INVITE });
    expect(header(out, 'From').structured).toEqual({
      displayName: 'Caller, Jane',
      uri: {
        scheme: 'sip',
        user: '+14155550199',
        password: null,
        host: 'caller.net',
        hostType: 'domain',
        port: null,
        params: [],
        headers: [],
        raw: 'sip:+14155550199@caller.net',
      },
      params: [{ name: 'tag', value: '9fxced76sl' }],
    });
    expect(header(out, 'Max-Forwards').structured).toEqual({ value: 69 });
    expect(header(out, 'CSeq').structured).toEqual({ seq: 1, method: 'INVITE' });
    const contact = header(out, 'Contact').structured as { entries: { uri: object }[] };
    expect(contact.entries[0]?.uri).toMatchObject({
      port: 5060,
      params: [{ name: 'transport', value: 'udp' }],
    });
    const diversion = header(out, 'Diversion').structured as { entries: object[] };
    expect(diversion.entries).toHaveLength(2);
    expect(diversion.entries[0]).toMatchObject({
      reason: 'unconditional',
      counter: 1,
      privacy: 'off',
    });
    expect(header(out, 'X-GA-taskName').structured).toBeUndefined();
    expect(header(out, 'Call-ID')).not.toHaveProperty('structured');
  });

  it('views Refer-To with its embedded Replaces, Referred-By, Reason and User-to-User', async () => {
    const out = await parseOk(['refer.sip'], { 'refer.sip': REFER });
    expect(header(out, 'Refer-To').structured).toMatchObject({
      displayName: null,
      uri: { scheme: 'sip', user: 'dave', host: 'denver.example.org' },
      method: null,
      embeddedHeaders: [
        { name: 'Replaces', value: '12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994' },
      ],
      replaces: {
        callId: '12345@192.168.118.3',
        toTag: '12345',
        fromTag: '5FFE-3994',
        earlyOnly: false,
      },
    });
    expect(header(out, 'Referred-By').structured).toMatchObject({
      cid: '20398823.2UWQFN309shb3@voice.example.com',
    });
    expect(header(out, 'Reason').structured).toEqual({
      entries: [
        {
          protocol: 'Q.850',
          cause: 16,
          text: 'Normal call clearing',
          params: [
            { name: 'cause', value: '16' },
            { name: 'text', value: 'Normal call clearing' },
          ],
        },
      ],
    });
    expect(header(out, 'User-to-User').structured).toMatchObject({
      entries: [
        { data: '56a390f3d2b7310023a2', encoding: 'hex', purpose: 'isdn-uui', decodedBytes: 10 },
      ],
    });
    expect(header(out, 'CSeq').structured).toEqual({ seq: 314159, method: 'REFER' });
  });

  it('views tel: and other URIs', async () => {
    const text = message([
      'INVITE tel:+12065551234 SIP/2.0',
      'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-1',
      'From: <tel:+1-415-555-0199;phone-context=example.com>;tag=1',
      'To: <urn:service:sos>',
      'Call-ID: 1@x',
      'CSeq: 1 INVITE',
      'Contact: *',
    ]);
    const out = await parseOk(['t.sip'], { 't.sip': text });
    expect((header(out, 'From').structured as { uri: object }).uri).toEqual({
      scheme: 'tel',
      number: '+1-415-555-0199',
      global: true,
      params: [{ name: 'phone-context', value: 'example.com' }],
      raw: 'tel:+1-415-555-0199;phone-context=example.com',
    });
    expect((header(out, 'To').structured as { uri: object }).uri).toEqual({
      scheme: 'urn',
      body: 'service:sos',
      raw: 'urn:service:sos',
    });
    expect(header(out, 'Contact').structured).toEqual({ entries: [{ wildcard: true }] });
  });
});

const BAD_VIEWS = message([
  'INVITE sip:b@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-1',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'Call-ID: 1@x',
  'CSeq: 1 INVITE',
  'Replaces: 98732@sip.example.com',
  'Diversion: <sip:c@example.com;reason=unconditional',
]);

describe('sipctx parse: tolerance', () => {
  it('puts a failed structured view in the header instead of failing the command', async () => {
    const out = await parseOk(['bad.sip'], { 'bad.sip': BAD_VIEWS });
    expect(header(out, 'Replaces').structured).toMatchObject({
      callId: '98732@sip.example.com',
      toTag: null,
    });
    const diversion = header(out, 'Diversion').structured as { error: Record<string, unknown> };
    expect(diversion.error).toEqual({
      code: expect.stringMatching(/^SIP_/),
      message: expect.any(String),
      offset: expect.any(Number),
    });
  });

  it('--strict fails on the first header whose view fails and names its index', async () => {
    const r = await runCli(['parse', '--strict', 'bad.sip'], undefined, { 'bad.sip': BAD_VIEWS });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(stderrJson(r)).toEqual({
      code: 'SIP_BAD_REPLACES',
      message: expect.any(String),
      offset: expect.any(Number),
      row: 5,
    });
  });

  it('--strict rejects a CSeq whose method differs from the request', async () => {
    const bad = INVITE.replace('CSeq: 1 INVITE', 'CSeq: 1 ACK');
    const r = await runCli(['parse', '--strict', 'bad.sip'], undefined, { 'bad.sip': bad });
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)['code']).toBe('SIP_METHOD_MISMATCH');
  });
});

describe('sipctx parse: errors', () => {
  it.each([
    ['garbage', 'this is not SIP\r\n\r\n'],
    ['an empty input', ''],
    ['a bad request line', 'INVITE\r\n\r\n'],
  ])('rejects %s with exit 2 and one coded JSON error', async (_what, text) => {
    const r = await runCli(['parse', '-'], text);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const error = stderrJson(r);
    expect(String(error['code'])).toMatch(/^SIP_/);
    expect(typeof error['offset']).toBe('number');
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'offset']);
  });

  it('reports an unreadable file as exit 66 CLI_NO_INPUT', async () => {
    const r = await runCli(['parse', 'missing.sip']);
    expect(r.exitCode).toBe(66);
    expect(stderrJson(r)).toEqual({
      code: 'CLI_NO_INPUT',
      message: "cannot read missing.sip: ENOENT: no such file or directory, open 'missing.sip'",
    });
  });

  it('reports unreadable standard input as exit 66', async () => {
    const io = fakeIo();
    const exitCode = await run(['parse', '-'], {
      ...io,
      readStdin: () => Promise.reject('closed'),
    });
    expect(exitCode).toBe(66);
    expect(io.err).toEqual([
      '{"code":"CLI_NO_INPUT","message":"cannot read standard input: closed"}\n',
    ]);
  });

  it.each([
    [['parse'], 'expected exactly one <file> or "-" for standard input'],
    [['parse', 'a', 'b'], 'expected exactly one <file> or "-" for standard input'],
    [['parse', '--transport', 'sctp', 'a'], '--transport must be udp or stream'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(stderrJson(r)).toEqual({ code: 'CLI_USAGE', message, hint: 'sipctx parse --help' });
  });
});
