/**
 * The `sipctx` CLI driven from the outside exactly as the README says: `npx sipctx …` from the
 * repository root after the workspace is built. Checks exit codes, that output is JSON, and that
 * errors are one JSON object on stderr with a coded error and never a stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sipctx(args: string[], stdin?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      'npx',
      ['--no-install', 'sipctx', ...args],
      { cwd: root, timeout: 20_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

const CRLF = '\r\n';
const sdp = [
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 4000 RTP/AVP 0',
  '',
].join(CRLF);
const invite = [
  'INVITE sip:+12065551234@voice.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK-876543',
  'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-a1',
  'Max-Forwards: 69',
  'From: "Caller, Jane" <sip:+14155550199@caller.net>;tag=9fxced76sl',
  't: <sip:+12065551234@voice.example.com>',
  'Call-ID: 3848276298220188511@caller.net',
  'CSeq: 1 INVITE',
  'Diversion: <sip:+15559876543@acmebank.example>;reason=unconditional;counter=1;privacy=off,',
  ' <sip:+12065550100@pbx.example>;reason=no-answer',
  'X-Diversion: <sip:+15559876543@acmebank>;reason=unconditional;brand=AcmeBank;journey_stage=loan-apps',
  'X-GA-taskName: billing',
  'Contact: <sip:+14155550199@203.0.113.5>',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(sdp)}`,
  '',
  sdp,
].join(CRLF);

const policy = `version: 1
name: e2e
match: first
trunks:
  - name: carrier
    cidrs: [203.0.113.0/24]
    trusted: true
rules:
  - name: polyai-caller
    when: { caller: { equals: '+447700900123' } }
    then:
      headers:
        - { op: add, name: X-Flow, value: polyai }
`;
const carrierInvite = 'libs/sip-codec/test-data/carrier/invite-polyai.sip';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sipctx-e2e-'));
  tempDirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

function expectOneJsonError(
  run: Run,
  exitCode: number,
  codePrefix: string,
): Record<string, unknown> {
  expect(run.code).toBe(exitCode);
  // npx may print its own `npm warn` lines (e.g. about this machine's npmrc): not the CLI's output.
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('npm warn'));
  expect(lines).toHaveLength(1);
  const error = JSON.parse(lines[0] as string) as Record<string, unknown>;
  expect(String(error['code'])).toMatch(new RegExp(`^${codePrefix}`));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
  return error;
}

describe('npx sipctx from the repository root', () => {
  it('--help lists the commands', async () => {
    const run = await sipctx(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['parse', 'header', 'convert', 'check', 'eval']) {
      expect(run.stdout).toContain(command);
    }
  });

  it('parse prints the headers in order, compact forms expanded, and the body intact', async () => {
    const run = await sipctx(['parse', tempFile('invite.sip', invite)]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const canonical = (out.headers as { canonical: string }[]).map((h) => h.canonical);
    expect(canonical).toEqual([
      'Via',
      'Via',
      'Max-Forwards',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Diversion',
      'X-Diversion',
      'X-GA-taskName',
      'Contact',
      'Content-Type',
      'Content-Length',
    ]);
    const diversion = out.headers[7];
    expect(diversion.values).toHaveLength(2);
    expect(JSON.stringify(out)).toContain('journey_stage');
    expect(JSON.stringify(out)).toContain('m=audio 4000 RTP/AVP 0');
  });

  it('parse refuses a CSeq whose method differs from the request, in both modes', async () => {
    const bad = invite.replace('CSeq: 1 INVITE', 'CSeq: 1 ACK');
    for (const mode of [[], ['--strict']]) {
      const error = expectOneJsonError(
        await sipctx(['parse', ...mode, tempFile('bad.sip', bad)]),
        2,
        'SIP_',
      );
      expect(error['code']).toBe('SIP_METHOD_MISMATCH');
    }
  });

  it('parse reads standard input and rejects garbage with exit 2 and one coded JSON error', async () => {
    const run = await sipctx(['parse', '-'], 'this is not SIP\r\n\r\n');
    const error = expectOneJsonError(run, 2, 'SIP_');
    expect(typeof error['offset']).toBe('number');
  });

  it('parse --strict rejects what tolerant mode accepts (a header name that is not a token)', async () => {
    const bad = invite.replace('X-GA-taskName: billing', 'X-GA-task[1]: billing');
    expect((await sipctx(['parse', tempFile('bad.sip', bad)])).code).toBe(0);
    expectOneJsonError(await sipctx(['parse', '--strict', tempFile('bad.sip', bad)]), 2, 'SIP_');
  });

  it('header Diversion gives entries with the RFC parameter names, numbers as numbers', async () => {
    const run = await sipctx([
      'header',
      'Diversion',
      '<sip:+15559876543@acmebank.example>;reason=unconditional;counter=2;privacy=off;brand="Acme Bank"',
      '<sip:+12065550100@pbx.example>;reason=no-answer',
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.entries).toHaveLength(2);
    expect(out.entries[0]).toMatchObject({ reason: 'unconditional', counter: 2, privacy: 'off' });
    expect(out.entries[0].uri).toBe('sip:+15559876543@acmebank.example');
    expect(out.entries[0].params).toEqual([{ name: 'brand', value: 'Acme Bank' }]);
    expect(out.entries[1]).toMatchObject({ reason: 'no-answer' });
  });

  it('header rejects a broken row with exit 2 and names the row', async () => {
    const run = await sipctx([
      'header',
      'Diversion',
      '<sip:a@example.com>;reason=x',
      '<sip:b@example.com;counter=1',
    ]);
    const error = expectOneJsonError(run, 2, 'SIP_');
    expect(error['row']).toBe(1);
  });

  it('convert maps Diversion to History-Info and back (RFC 7544)', async () => {
    const hi = await sipctx([
      'convert',
      '--to',
      'history-info',
      '--request-uri',
      'sip:+12065551234@voice.example.com',
      '<sip:+15559876543@acmebank.example>;reason=unconditional',
    ]);
    expect(hi.code).toBe(0);
    const rows = hi.stdout.trim().split('\n');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.join('\n')).toMatch(/index=1\b/);
    expect(rows.join('\n')).toMatch(/cause(=|%3D)302/);

    const back = await sipctx(['convert', '--to', 'diversion', ...rows]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('<sip:+15559876543@acmebank.example>');
    expect(back.stdout).toContain('reason=unconditional');
  });

  it('check validates a policy file, and lists every problem of a broken one', async () => {
    const ok = await sipctx(['check', tempFile('policy.yaml', policy)]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, name: 'e2e', rules: 1, trunks: 1 });

    const broken = policy.replace('version: 1', 'version: 2').replace('match: first', 'match: x');
    const error = expectOneJsonError(
      await sipctx(['check', tempFile('broken.yaml', broken)]),
      2,
      'POLICY_SCHEMA',
    );
    const issues = error['issues'] as { path: string; line: number }[];
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['version', 1],
      ['match', 3],
    ]);
  });

  it('eval dry-runs a policy on a carrier INVITE: the decision, then the relayed message', async () => {
    const file = tempFile('policy.yaml', policy);
    const common = ['eval', '--policy', file, '--source', '203.0.113.200:5060'];
    const decision = await sipctx([...common, carrierInvite]);
    expect(decision.code).toBe(0);
    const out = JSON.parse(decision.stdout);
    expect(out.rules).toEqual(['polyai-caller']);
    expect(out.wire.append).toContain('X-Flow: polyai\r\n');

    const relayed = await sipctx([...common, '--output', 'message', carrierInvite]);
    expect(relayed.code).toBe(0);
    expect(relayed.stdout).toContain('\r\nX-Flow: polyai\r\n');
    const original = readFileSync(resolve(root, carrierInvite), 'utf8');
    const head = original.slice(0, original.indexOf('\r\n\r\n'));
    for (const line of head.split('\r\n')) expect(relayed.stdout).toContain(line + '\r\n');
  });

  it('an unknown command is a usage error, not a crash', async () => {
    expectOneJsonError(await sipctx(['frobnicate']), 64, 'CLI_USAGE');
  });
});
