import { describe, expect, it } from 'vitest';
import { openValue } from './sealing.ts';
import { appended, CARRIER, decide, LOCAL, policyOf, STRANGER } from './testing/fixtures.ts';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

const policy = (trust: string, extra = '') => `
version: 1
name: t
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
  - { name: agents, cidrs: [127.0.0.0/8], trusted: true }
  - { name: partner, cidrs: [198.51.100.0/24], trusted: false }
trust:
${trust}
${extra}`;

describe('untrusted sources', () => {
  it('custom headers are stripped, standard ones kept, every strip recorded', () => {
    const d = decide(
      policyOf(policy('  untrusted_custom_headers: strip')),
      {
        extra: ['X-Customer-ID: 42', 'x-vip: yes', 'Subject: hello'],
      },
      STRANGER,
    );
    expect([...d.wire.remove].sort()).toEqual(['X-Customer-ID', 'x-vip']);
    expect(d.wire.append).toBe('');
    expect(d.edits.map((e) => [e.op, e.header, e.rule])).toEqual([
      ['strip', 'X-Customer-ID', 'trust'],
      ['strip', 'x-vip', 'trust'],
    ]);
    expect(d.context.sip_headers.some((h) => h.name.toLowerCase().startsWith('x-'))).toBe(false);
  });

  it('or renamed so that nothing reads them as trusted', () => {
    const d = decide(
      policyOf(policy('  untrusted_custom_headers: rename\n  rename_prefix: X-Untrusted-')),
      {
        extra: ['X-Customer-ID: 42'],
      },
      STRANGER,
    );
    expect(appended(d)).toEqual([['X-Untrusted-Customer-ID', '42']]);
    expect(d.variables).toEqual({});
  });

  it('internal headers are stripped from untrusted sources even in rename mode', () => {
    const d = decide(
      policyOf(
        policy('  untrusted_custom_headers: rename\n  internal_header_prefixes: [X-Sipctx-]'),
      ),
      {
        extra: ['X-Sipctx-Context: forged'],
      },
      STRANGER,
    );
    expect(appended(d)).toEqual([]);
    expect(d.edits[0]).toMatchObject({ op: 'strip', header: 'X-Sipctx-Context' });
  });

  it('a trusted source keeps its custom headers untouched', () => {
    const d = decide(
      policyOf(policy('  untrusted_custom_headers: strip')),
      { extra: ['X-Customer-ID: 42'] },
      CARRIER,
    );
    expect(d.wire).toEqual({ remove: [], append: '' });
  });
});

describe('egress', () => {
  it('internal headers are stripped on the way to a hop that is not trusted', () => {
    const p = policyOf(
      policy(
        '  internal_header_prefixes: [X-Internal-]',
        `rules:
  - { name: out, when: { header: { name: X-Out, present: true } }, then: { trunk: partner } }
`,
      ),
    );
    const toPartner = decide(p, { extra: ['X-Internal-Route: a', 'X-Out: 1'] }, CARRIER);
    expect(toPartner.edits).toContainEqual(
      expect.objectContaining({ op: 'strip', header: 'X-Internal-Route', rule: 'egress' }),
    );
    // To the agents (trusted, found from the Request-URI host) they stay.
    const toAgents = decide(
      p,
      { ruri: 'sip:+15557654321@127.0.0.1', extra: ['X-Internal-Route: a'] },
      CARRIER,
    );
    expect(toAgents.wire.remove).toEqual([]);
  });
});

describe('sealed values (AES-256-GCM)', () => {
  const keys = (active: string) =>
    `keys:\n  active: ${active}\n  keys: { k1: '${KEY_A}', k2: 'env:SIPCTX_K2' }\n`;
  const sealer = (active: string) =>
    policyOf(
      policy(
        '  sealed_headers: [X-Account-Id]',
        `${keys(active)}rules:
  - { name: seal, when: { trunk: carrier }, then: { headers: [{ op: replace, name: X-Account-Id, value: '{{ var.account }}', encrypt: true }] } }
`,
      ),
      { SIPCTX_K2: KEY_B },
    );

  it('a rule seals a value into a header, a trusted peer opens it into a variable', () => {
    const p = sealer('k1');
    const out = decide(p, {}, CARRIER, { variables: { account: 'ACC-0042' } });
    const [[name, sealed] = ['', '']] = appended(out);
    expect(name).toBe('X-Account-Id');
    expect(sealed).toMatch(/^s1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('ACC-0042');
    const back = decide(p, { extra: [`X-Account-Id: ${sealed}`] }, LOCAL);
    expect(back.variables['Account-Id']).toBe('ACC-0042');
    // Key rotation: k2 active, a k1 value still opens.
    const rotated = sealer('k2');
    expect(
      decide(rotated, { extra: [`X-Account-Id: ${sealed}`] }, LOCAL).variables['Account-Id'],
    ).toBe('ACC-0042');
    const fresh =
      appended(decide(rotated, {}, CARRIER, { variables: { account: 'x' } }))[0]?.[1] ?? '';
    expect(fresh.startsWith('s1.k2.')).toBe(true);
    expect(
      rotated.keyring === null ? null : openValue(fresh, rotated.keyring, 'x-account-id').ok,
    ).toBe(true);
  });

  it('an untrusted peer never gets it opened: the header is stripped', () => {
    const p = sealer('k1');
    const sealed =
      appended(decide(p, {}, CARRIER, { variables: { account: 'ACC-0042' } }))[0]?.[1] ?? '';
    const d = decide(
      p,
      { extra: [`X-Account-Id: ${sealed}`] },
      { ...STRANGER, address: '198.51.100.7' },
    );
    expect(d.variables).toEqual({});
    expect(d.wire.remove).toEqual(['X-Account-Id']);
  });

  it('a tampered value is stripped with its error code', () => {
    const p = sealer('k1');
    const d = decide(
      p,
      { extra: ['X-Account-Id: s1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAA'] },
      LOCAL,
    );
    expect(d.edits[0]).toMatchObject({ op: 'strip', header: 'X-Account-Id' });
    expect(d.edits[0]?.reason).toMatch(/^POLICY_SEAL_/);
  });
});
