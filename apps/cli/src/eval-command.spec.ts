import { describe, expect, it } from 'vitest';
import { runCli, stderrJson } from './testing/fake-io.ts';
import { message, RESPONSE, SDP } from './testing/sip-messages.ts';

// match: all, so one request can show several rules; a reject still ends the rules.
const POLICY = `version: 1
name: eval-test
match: all
trunks:
  - name: local
    cidrs: [127.0.0.0/8]
    trusted: true
variables:
  profile: strip-x
rules:
  - name: blocked
    when: { caller: { equals: '+15550000000' } }
    then: { reject: { code: 403, reason: Forbidden } }
  - name: flow-header
    when: { caller: { equals: '+15551234567' } }
    then:
      headers:
        - { op: add, name: X-Flow, value: vip }
  - name: in-dialog
    when: { in_dialog: true }
    then:
      headers:
        - { op: add, name: X-In-Dialog, value: 'yes' }
  - name: night
    when: { time: { from: '22:00', to: '06:00', timezone: UTC } }
    then:
      headers:
        - { op: add, name: X-Night, value: 'yes' }
`;

function invite(caller: string, extra: readonly string[] = []): string {
  return message(
    [
      'INVITE sip:+12065551234@voice.example.com SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-776asdhds',
      'Max-Forwards: 70',
      `From: "Caller" <sip:${caller}@carrier.example>;tag=1928301774`,
      'To: <sip:+12065551234@voice.example.com>',
      'Call-ID: a84b4c76e66710@carrier.example',
      'CSeq: 314159 INVITE',
      'Contact: <sip:caller@127.0.0.1:5060>',
      'X-Tier: gold',
      ...extra,
      'Content-Type: application/sdp',
    ],
    SDP,
  );
}

const VIP = invite('+15551234567');
const BLOCKED = invite('+15550000000');
const NOON = '2025-03-04T12:00:00Z';

interface DecisionJson {
  action: string;
  rules: string[];
  edits: { op: string; header: string; after: string | null; rule: string }[];
  variables: Record<string, string>;
  context: { trunk: string | null; trusted: boolean };
  wire: { remove: string[]; append: string };
}

async function evalRun(argv: readonly string[], files: Record<string, string>, stdin?: string) {
  return runCli(['eval', '--policy', 'p.yaml', ...argv], stdin, { 'p.yaml': POLICY, ...files });
}

async function decision(argv: readonly string[], files: Record<string, string>) {
  const r = await evalRun(['--now', NOON, ...argv], files);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as DecisionJson;
}

describe('sipctx eval: the decision', () => {
  it('prints the Decision as JSON, with the edit and the header in wire.append', async () => {
    const d = await decision(['m.sip'], { 'm.sip': VIP });
    expect(d.action).toBe('relay');
    expect(d.rules).toEqual(['flow-header']);
    expect(d.edits).toContainEqual(
      expect.objectContaining({ op: 'add', header: 'X-Flow', after: 'vip', rule: 'flow-header' }),
    );
    expect(d.wire.append).toContain('X-Flow: vip\r\n');
  });

  it('reads the message from standard input with "-"', async () => {
    const r = await evalRun(['--now', NOON, '-'], {}, VIP);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as DecisionJson).rules).toEqual(['flow-header']);
  });

  it.each([
    [[], ['flow-header']],
    [['--in-dialog'], ['flow-header', 'in-dialog']],
  ])('%j: in-dialog rules apply only when asked', async (argv, rules) => {
    expect((await decision([...argv, 'm.sip'], { 'm.sip': VIP })).rules).toEqual(rules);
  });

  it.each([
    ['2025-03-04T12:00:00Z', ['flow-header']],
    ['2025-03-04T23:30:00Z', ['flow-header', 'night']],
  ])('--now %s is the clock of time windows', async (now, rules) => {
    const d = await decision(['--now', now, 'm.sip'], { 'm.sip': VIP });
    expect(d.rules).toEqual(rules);
  });

  it.each([
    [[], 'local', true, 'gold'],
    [['--source', '127.0.0.9:5080', '--transport', 'tcp'], 'local', true, 'gold'],
    [['--source', '198.51.100.7'], null, false, undefined],
  ])('%j: the source decides the trunk and trust', async (argv, trunk, trusted, tier) => {
    const d = await decision([...argv, 'm.sip'], { 'm.sip': VIP });
    expect(d.context).toMatchObject({ trunk, trusted });
    expect(d.variables['Tier']).toBe(tier);
  });

  it('--context variables win over header variables', async () => {
    const d = await decision(['--context', 'c.json', 'm.sip'], {
      'm.sip': VIP,
      'c.json': '{"variables":{"Tier":"platinum"},"state":{"visits":2},"flow":null}',
    });
    expect(d.variables['Tier']).toBe('platinum');
  });
});

describe('sipctx eval --output message', () => {
  it('prints the request as relayed: the new header, and every other line byte for byte', async () => {
    const r = await evalRun(['--now', NOON, '--output', 'message', 'm.sip'], { 'm.sip': VIP });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('\r\nX-Flow: vip\r\n');
    const [head, body] = VIP.split('\r\n\r\n') as [string, string];
    for (const line of head.split('\r\n')) expect(r.stdout).toContain(line + '\r\n');
    expect(r.stdout.startsWith('INVITE sip:+12065551234@voice.example.com SIP/2.0\r\n')).toBe(true);
    expect(r.stdout.endsWith('\r\n\r\n' + body)).toBe(true);
  });

  it('prints the reply line when the policy rejects the request', async () => {
    const r = await evalRun(['--output', 'message', 'm.sip'], { 'm.sip': BLOCKED });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('SIP/2.0 403 Forbidden\r\n');
  });

  it('--output both prints the decision and the message in one JSON object', async () => {
    const r = await evalRun(['--now', NOON, '--output', 'both', 'm.sip'], { 'm.sip': VIP });
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { decision: DecisionJson; message: string };
    expect(out.decision.rules).toEqual(['flow-header']);
    expect(out.message).toContain('\r\nX-Flow: vip\r\n');
  });
});

describe('sipctx eval: errors', () => {
  it.each([
    ['the message', ['missing.sip'], {}, 'missing.sip'],
    ['the policy', ['--policy', 'none.yaml', 'm.sip'], { 'm.sip': VIP }, 'none.yaml'],
    ['the context', ['--context', 'c.json', 'm.sip'], { 'm.sip': VIP }, 'c.json'],
  ])('an unreadable file (%s) is exit 66 CLI_NO_INPUT', async (_what, argv, files, name) => {
    const r = await evalRun(argv, files);
    expect(r.exitCode).toBe(66);
    expect(stderrJson(r)).toEqual({
      code: 'CLI_NO_INPUT',
      message: `cannot read ${name}: ENOENT: no such file or directory, open '${name}'`,
    });
  });

  it('a policy that does not load is exit 2 with its issues, as sipctx check', async () => {
    const r = await runCli(['eval', '--policy', 'p.yaml', 'm.sip'], undefined, {
      'p.yaml': 'version: 2\nname: x\n',
      'm.sip': VIP,
    });
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)).toMatchObject({
      code: 'POLICY_SCHEMA',
      issues: [{ path: 'version', line: 1, code: 'POLICY_SCHEMA' }],
    });
  });

  it('a message that does not parse is exit 2 POLICY_BAD_MESSAGE with the codec error as cause', async () => {
    const r = await evalRun(['-'], {}, 'this is not SIP\r\n\r\n');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const error = stderrJson(r);
    expect(error).toEqual({
      code: 'POLICY_BAD_MESSAGE',
      message: expect.any(String),
      offset: expect.any(Number),
      cause: {
        code: expect.stringMatching(/^SIP_/),
        message: expect.any(String),
        offset: expect.any(Number),
      },
    });
  });

  it('a response is exit 2 POLICY_BAD_MESSAGE without a cause', async () => {
    const r = await evalRun(['-'], {}, RESPONSE);
    expect(r.exitCode).toBe(2);
    expect(stderrJson(r)).toEqual({
      code: 'POLICY_BAD_MESSAGE',
      message: 'policies evaluate requests, not responses',
      offset: 0,
    });
  });

  it.each([
    [['eval', 'm.sip'], '--policy <file> is required'],
    [
      ['eval', '--policy', 'p.yaml'],
      'expected exactly one <message> file or "-" for standard input',
    ],
    [
      ['eval', '--policy', 'p.yaml', 'a', 'b'],
      'expected exactly one <message> file or "-" for standard input',
    ],
    [
      ['eval', '--policy', 'p.yaml', '--source', 'proxy.example', 'm'],
      '--source must be an IP address with an optional :port, not "proxy.example"',
    ],
    [
      ['eval', '--policy', 'p.yaml', '--transport', 'sctp', 'm'],
      '--transport must be udp, tcp or tls',
    ],
    [
      ['eval', '--policy', 'p.yaml', '--output', 'xml', 'm'],
      '--output must be decision, message or both',
    ],
    [
      ['eval', '--policy', 'p.yaml', '--now', 'teatime', 'm'],
      '--now must be an ISO 8601 time, not "teatime"',
    ],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(stderrJson(r)).toEqual({ code: 'CLI_USAGE', message, hint: 'sipctx eval --help' });
  });

  it.each([
    ['{"variables":', /^--context c\.json is not JSON: /],
    ['[1]', /^--context c\.json must hold a JSON object$/],
    ['{"variables":{"Tier":1}}', /^--context: "variables" must be an object of strings$/],
  ])('a bad context file (%s) is a usage error', async (text, message) => {
    const r = await evalRun(['--context', 'c.json', 'm.sip'], { 'm.sip': VIP, 'c.json': text });
    expect(r.exitCode).toBe(64);
    const error = stderrJson(r);
    expect(error['code']).toBe('CLI_USAGE');
    expect(String(error['message'])).toMatch(message);
  });
});
