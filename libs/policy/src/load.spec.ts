import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPolicy, MAX_POLICY_BYTES } from './load.ts';
import { policyJsonSchema } from './schema.ts';
import { EXAMPLES } from './testing/fixtures.ts';

function issues(yaml: string, env: Record<string, string> = {}) {
  const r = loadPolicy(yaml, { env });
  if (r.ok) throw new Error('expected a failure');
  return { code: r.error.code, message: r.error.message, issues: r.error.issues ?? [] };
}

describe('loadPolicy', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')))(
    'the example %s loads',
    (file) => {
      const r = loadPolicy(readFileSync(new URL(file, EXAMPLES), 'utf8'));
      expect(r.ok ? r.value.doc.name : r.error).toBe(file.replace(/\.yaml$/, ''));
    },
  );

  it('a minimal policy gets the documented defaults', () => {
    const r = loadPolicy('version: 1\nname: minimal\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.doc.match).toBe('first');
    expect(r.value.doc.budgets.header_line).toEqual({ max_bytes: 1024, incoming: 'keep' });
    expect(r.value.doc.budgets.message).toEqual({
      max_bytes: 1300,
      reserve_bytes: 160,
      on_exceed: 'tcp',
    });
    expect(r.value.doc.diversion.mode).toBe('propagate');
    expect(r.value.doc.variables.profile).toBe('strip-x');
  });

  it('YAML syntax errors, with line and column', () => {
    const r = issues('version: 1\nname: [unclosed\n');
    expect(r.code).toBe('POLICY_YAML');
    expect(r.issues[0]).toMatchObject({ code: 'POLICY_YAML' });
    expect(r.issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('a key written twice is refused', () => {
    expect(issues('version: 1\nname: a\nname: b\n').code).toBe('POLICY_YAML');
  });

  it('every shape problem at once, each with its path and line', () => {
    const r = issues(`version: 2
name: bad
match: some
rules:
  - name: r1
    when: { caller: { equls: '+1' } }
    then: { reject: { code: 200 } }
`);
    expect(r.code).toBe('POLICY_SCHEMA');
    expect(r.issues.map((i) => i.path).sort()).toEqual([
      'match',
      'rules[0].then.reject.code',
      'rules[0].when.caller',
      'version',
    ]);
    expect(r.issues.find((i) => i.path === 'rules[0].when.caller')).toMatchObject({ line: 6 });
    expect(r.message).toMatch(/and 3 more/);
  });

  it('every problem of meaning at once', () => {
    const r = issues(`version: 1
name: bad
trunks:
  - { name: t, cidrs: [10.0.0.0/33] }
  - { name: t, cidrs: ['::1'] }
sets: { vip: { members: [] } }
rules:
  - name: r
    when:
      caller: { in_set: vipp, regex: '(' }
      trunk: nowhere
      time: { from: '25:00', timezone: Mars/Olympus }
    then:
      headers:
        - { op: add, name: 'Bad Name', value: x }
        - { op: remove, name: Via }
        - { op: add, name: X-T, value: '{{ nope }}' }
      diversion: { uri: 'sip:a@b', params: { 'bad-name': x }, screen: maybe }
  - { name: r, then: { flow: f, trunk: gone } }
`);
    expect(r.code).toBe('POLICY_INVALID');
    const paths = r.issues.map((i) => i.path);
    for (const p of [
      'trunks[0].cidrs[0]',
      'trunks[1].name',
      'rules[0].when.caller.in_set',
      'rules[0].when.caller.regex',
      'rules[0].when.trunk',
      'rules[0].when.time',
      'rules[0].then.headers[0].name',
      'rules[0].then.headers[1].name',
      'rules[0].then.headers[2].value',
      'rules[0].then.diversion.params.bad-name',
      'rules[0].then.diversion.screen',
      'rules[1].name',
      'rules[1].then.trunk',
    ]) {
      expect(paths).toContain(p);
    }
    expect(r.issues.find((i) => i.path === 'rules[0].then.headers[1].name')?.message).toMatch(
      /managed by the proxy/,
    );
    expect(r.issues.every((i) => i.line !== undefined)).toBe(true);
  });

  it('keys: env references, bad material, a missing active key', () => {
    const yaml = `version: 1
name: k
keys: { active: k3, keys: { k1: 'env:SIPCTX_K1', k2: 'short' } }
`;
    const r = issues(yaml);
    expect(r.issues.map((i) => i.path)).toEqual(['keys.keys.k1', 'keys.keys.k2', 'keys.active']);
    expect(r.issues[0]?.message).toMatch(/SIPCTX_K1 is not set/);
    const ok = loadPolicy(yaml.replace("k2: 'short'", `k3: '${'0'.repeat(64)}'`), {
      env: { SIPCTX_K1: 'a'.repeat(64) },
    });
    expect(ok.ok).toBe(true);
  });

  it('encryption and context references need keys', () => {
    const r = issues(`version: 1
name: k
context_ref: {}
trust: { sealed_headers: [X-Account-Id] }
`);
    expect(r.issues.map((i) => i.path).sort()).toEqual(['context_ref', 'trust.sealed_headers']);
  });

  it('refuses what is not a policy', () => {
    expect(issues('').code).toBe('POLICY_SCHEMA');
    expect(issues('- a list').code).toBe('POLICY_SCHEMA');
    expect(issues('x'.repeat(MAX_POLICY_BYTES + 1)).code).toBe('POLICY_YAML');
    // A billion-laughs document stops at the alias limit instead of expanding.
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      laughs.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    expect(issues(laughs.join('\n')).code).toBe('POLICY_YAML');
  });

  it('the JSON Schema in the repository is the one the code exports', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../policy.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(policyJsonSchema());
  });
});
