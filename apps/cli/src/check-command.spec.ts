import { describe, expect, it } from 'vitest';
import { runCli, stderrJson } from './testing/fake-io.ts';

const VALID = `version: 1
name: check-test
trunks:
  - name: carrier
    cidrs: [203.0.113.0/24]
    trusted: true
rules:
  - name: vip
    when: { caller: { equals: '+15551234567' } }
    then:
      headers:
        - { op: add, name: X-Flow, value: vip }
  - name: default
    then: { flow: general }
`;

// Three problems of shape, one per line: zod reports them all in one pass.
const THREE_PROBLEMS = `version: 2
name: broken
match: sometimes
rules:
  - name: r
    then:
      reject: { code: 200 }
`;

const KEYED = `version: 1
name: keyed
keys:
  active: k1
  keys: { k1: 'env:SIPCTX_TEST_KEY' }
`;

async function check(files: Record<string, string>, env?: Record<string, string>) {
  return runCli(['check', 'p.yaml'], undefined, files, env);
}

describe('sipctx check: a valid policy', () => {
  it('prints one JSON line with the name and the counts', async () => {
    const r = await check({ 'p.yaml': VALID });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('{"ok":true,"name":"check-test","rules":2,"trunks":1}\n');
  });

  it.each([
    ['set', { SIPCTX_TEST_KEY: 'ab'.repeat(32) }, 0],
    ['not set', {}, 2],
  ])('reads env:NAME keys from the injected environment (%s)', async (_what, env, exitCode) => {
    const r = await check({ 'p.yaml': KEYED }, env);
    expect(r.exitCode).toBe(exitCode);
    if (exitCode === 2) {
      expect(stderrJson(r)).toMatchObject({
        code: 'POLICY_INVALID',
        issues: [
          {
            path: 'keys.keys.k1',
            message: 'environment variable SIPCTX_TEST_KEY is not set',
            code: 'POLICY_INVALID',
          },
        ],
      });
    }
  });
});

describe('sipctx check: an invalid policy', () => {
  it('lists every problem with its path, line and column, as one JSON line', async () => {
    const r = await check({ 'p.yaml': THREE_PROBLEMS });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const error = stderrJson(r);
    expect(error['code']).toBe('POLICY_SCHEMA');
    expect(Object.keys(error)).toEqual(['code', 'message', 'issues']);
    const issues = error['issues'] as Record<string, unknown>[];
    expect(issues.map((i) => [i['path'], i['line']])).toEqual([
      ['version', 1],
      ['match', 3],
      ['rules[0].then.reject.code', 7],
    ]);
    for (const issue of issues) {
      expect(Object.keys(issue)).toEqual(['path', 'message', 'line', 'column', 'code']);
      expect(issue['code']).toBe('POLICY_SCHEMA');
      expect(issue['column']).toEqual(expect.any(Number));
    }
  });

  it.each([
    ['an unclosed flow sequence', 'version: 1\nname: x\nrules: [\n'],
    ['a key written twice', 'version: 1\nname: x\nname: y\n'],
  ])('reports YAML syntax (%s) as POLICY_YAML with a line', async (_what, text) => {
    const r = await check({ 'p.yaml': text });
    expect(r.exitCode).toBe(2);
    const error = stderrJson(r);
    expect(error['code']).toBe('POLICY_YAML');
    const issues = error['issues'] as Record<string, unknown>[];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ path: '', code: 'POLICY_YAML', line: expect.any(Number) });
  });

  it('reports problems of meaning as POLICY_INVALID', async () => {
    const text = VALID.replace('cidrs: [203.0.113.0/24]', 'cidrs: [203.0.113.0/33]');
    const r = await check({ 'p.yaml': text });
    expect(r.exitCode).toBe(2);
    const error = stderrJson(r);
    expect(error['code']).toBe('POLICY_INVALID');
    expect(error['issues']).toEqual([
      expect.objectContaining({ path: 'trunks[0].cidrs[0]', line: 5, code: 'POLICY_INVALID' }),
    ]);
  });
});

describe('sipctx check --schema', () => {
  it('prints the JSON Schema of policy files, indented', async () => {
    const r = await runCli(['check', '--schema']);
    expect(r.exitCode).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schema['$schema']).toEqual(expect.stringContaining('json-schema.org'));
    expect(r.stdout).toContain('\n  "');
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });
});

describe('sipctx check: errors of the command line', () => {
  it('reports an unreadable file as exit 66 CLI_NO_INPUT', async () => {
    const r = await runCli(['check', 'missing.yaml']);
    expect(r.exitCode).toBe(66);
    expect(stderrJson(r)).toEqual({
      code: 'CLI_NO_INPUT',
      message: "cannot read missing.yaml: ENOENT: no such file or directory, open 'missing.yaml'",
    });
  });

  it.each([
    [['check'], 'expected exactly one <policy> file'],
    [['check', 'a.yaml', 'b.yaml'], 'expected exactly one <policy> file'],
    [['check', '--schema', 'a.yaml'], '--schema takes no file'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(stderrJson(r)).toEqual({ code: 'CLI_USAGE', message, hint: 'sipctx check --help' });
  });
});
