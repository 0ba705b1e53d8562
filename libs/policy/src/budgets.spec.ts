import { headerLineBytes, parseNameAddr } from '@sipctx/sip-codec';
import { describe, expect, it } from 'vitest';
import { verifyContextRef } from './sealing.ts';
import { appended, decide, policyOf } from './testing/fixtures.ts';

const policy = (budgets: string, rules: string, extra = '') => `
version: 1
name: t
trunks: [{ name: carrier, cidrs: [203.0.113.0/24], trusted: true }]
budgets:
${budgets}
${extra}
rules:
${rules}
`;

const addRule = (name: string, value: string, more = '') =>
  `  - { name: r, then: { headers: [{ op: add, name: ${name}, value: '${value}'${more} }] } }`;

describe('header line budget', () => {
  it('free text is cut at a code point, the rest kept in dropped', () => {
    const value = 'é'.repeat(600);
    const d = decide(
      policyOf(policy('  header_line: { max_bytes: 128 }', addRule('X-Note', '{{ var.note }}'))),
      {},
      undefined,
      {
        variables: { note: value },
      },
    );
    const [[name, sent] = ['', '']] = appended(d);
    expect(name).toBe('X-Note');
    expect(headerLineBytes(name, sent)).toBeLessThanOrEqual(128);
    expect(value.startsWith(sent)).toBe(true);
    expect(d.edits.at(-1)).toMatchObject({ op: 'truncate', header: 'X-Note', rule: 'r' });
    expect(d.dropped[0]).toMatchObject({ header: 'X-Note', value, sent, budget: 'header_line' });
    expect(d.context.dropped[0]?.value).toBe(value);
  });

  it('an escaped value is never cut inside an escape', () => {
    const value = 'caf%C3%A9'.repeat(40);
    const d = decide(
      policyOf(policy('  header_line: { max_bytes: 100 }', addRule('X-Uri', value))),
    );
    const sent = appended(d)[0]?.[1] ?? '';
    expect(sent).toMatch(/^(caf%C3%A9)+(c|ca|caf)?$/);
  });

  it('a name-addr loses whole extension parameters, never reason or counter', () => {
    const params = Array.from({ length: 30 }, (_, i) => `p${i}=value${i}`).join(';');
    const d = decide(
      policyOf(
        policy(
          '  header_line: { max_bytes: 200 }',
          addRule('X-Diversion', `<sip:+1555@acme>;reason=unconditional;counter=1;${params}`),
        ),
      ),
    );
    const sent = appended(d)[0]?.[1] ?? '';
    expect(headerLineBytes('X-Diversion', sent)).toBeLessThanOrEqual(200);
    const na = parseNameAddr(sent);
    expect(na.ok).toBe(true);
    const names = na.ok ? na.value.params.map((p) => p.name) : [];
    expect(names.slice(0, 3)).toEqual(['reason', 'counter', 'p0']);
    expect(names).not.toContain('p29');
  });

  it.each([
    ['a never-truncate name is dropped whole', 'X-Auth-Token', ''],
    ['a quoted value is dropped whole', 'X-Quoted', ''],
    ['on_exceed: drop', 'X-Plain', ', on_exceed: drop'],
  ])('%s', (_, name, more) => {
    const value = name === 'X-Quoted' ? `"${'q'.repeat(300)}"` : 't'.repeat(300);
    const d = decide(
      policyOf(policy('  header_line: { max_bytes: 128 }', addRule(name, value, more))),
    );
    expect(d.wire.append).toBe('');
    expect(d.edits.at(-1)).toMatchObject({ op: 'drop', header: name });
    expect(d.dropped[0]).toMatchObject({ header: name, value, sent: null });
  });

  it.each([
    ['keep', 0],
    ['drop', 1],
    ['truncate', 1],
  ])('received oversized headers: %s', (incoming, changed) => {
    const d = decide(
      policyOf(policy(`  header_line: { max_bytes: 128, incoming: ${incoming} }`, '  []')),
      {
        extra: [`X-Big: ${'b'.repeat(400)}`],
      },
    );
    expect(d.wire.remove).toHaveLength(changed);
    if (incoming === 'truncate')
      expect(headerLineBytes('X-Big', appended(d)[0]?.[1] ?? '')).toBeLessThanOrEqual(128);
  });
});

describe('context budget (ASAPP order)', () => {
  const rules = `  - name: r
    then:
      export_variables:
        - { match: 'tv-*', strip: 'tv-', header_prefix: X-GA-tv-, group: transfer }
        - { match: 'rv-*', strip: 'rv-', header_prefix: X-GA-rv-, group: reference }`;
  const vars = {
    'rv-account_balance': '1250.00',
    'tv-next_action': 'schedule_callback',
    'rv-last_payment_date': '2025-01-10',
    'tv-priority': 'high',
  };
  it('transfer variables first, then reference variables, whole variables dropped once full', () => {
    const budget =
      headerLineBytes('X-GA-tv-next_action', 'schedule_callback') +
      headerLineBytes('X-GA-tv-priority', 'high') +
      headerLineBytes('X-GA-rv-account_balance', '1250.00');
    const d = decide(
      policyOf(
        policy(`  context: { max_bytes: ${budget + 5}, order: [transfer, reference] }`, rules),
      ),
      {},
      undefined,
      { variables: vars },
    );
    expect(appended(d).map(([n]) => n)).toEqual([
      'X-GA-tv-next_action',
      'X-GA-tv-priority',
      'X-GA-rv-account_balance',
    ]);
    expect(d.dropped.map((x) => [x.header, x.value, x.budget])).toEqual([
      ['X-GA-rv-last_payment_date', '2025-01-10', 'context'],
    ]);
  });
  it('stop: nothing after the first that does not fit; skip: later smaller ones still go', () => {
    const big = { 'tv-a': 'x'.repeat(60), 'tv-b': 'y'.repeat(200), 'rv-c': 'z' };
    const stop = decide(
      policyOf(policy('  context: { max_bytes: 120, order: [transfer, reference] }', rules)),
      {},
      undefined,
      { variables: big },
    );
    expect(appended(stop).map(([n]) => n)).toEqual(['X-GA-tv-a']);
    const skip = decide(
      policyOf(
        policy('  context: { max_bytes: 120, order: [transfer, reference], on_full: skip }', rules),
      ),
      {},
      undefined,
      { variables: big },
    );
    expect(appended(skip).map(([n]) => n)).toEqual(['X-GA-tv-a', 'X-GA-rv-c']);
  });
});

describe('message budget (RFC 3261 §18.1.1)', () => {
  const rules = Array.from(
    { length: 6 },
    (_, i) => `{ op: add, name: X-Filler-${i}, value: '${'f'.repeat(200)}', priority: ${i} }`,
  ).join(', ');
  const rule = `  - { name: fill, then: { headers: [${rules}] } }`;
  it('tcp: switch transport', () => {
    const d = decide(policyOf(policy('  message: { on_exceed: tcp }', rule)));
    expect(d.wire.transport).toBe('tcp');
    expect(appended(d)).toHaveLength(6);
    expect(d.notes.join()).toMatch(/sent over TCP/);
  });
  it('drop: lowest priority first until the message fits', () => {
    const d = decide(policyOf(policy('  message: { on_exceed: drop }', rule)));
    expect(d.wire.transport).toBeUndefined();
    const kept = appended(d).map(([n]) => n);
    expect(kept.length).toBeLessThan(6);
    expect(kept).toContain('X-Filler-5');
    expect(d.dropped.map((x) => x.header)[0]).toBe('X-Filler-0');
  });
  it('reject: 513', () => {
    const d = decide(policyOf(policy('  message: { on_exceed: reject }', rule)));
    expect(d.reject).toEqual({ code: 513, reason: 'Message Too Large' });
  });
  it('nothing happens over TCP already', () => {
    const d = decide(policyOf(policy('  message: { on_exceed: reject }', rule)), {
      ruri: 'sip:+15557654321@agents.example.com;transport=tcp',
    });
    expect(d.action).toBe('relay');
  });
});

describe('signed context reference', () => {
  const key = 'c'.repeat(64);
  it('is added when a budget dropped something, and verifies', () => {
    const withRef = policyOf(
      policy(
        '  header_line: { max_bytes: 100 }',
        addRule('X-Auth-Token', 't'.repeat(200)),
        `keys: { active: k, keys: { k: '${key}' } }\ncontext_ref: { header: X-Sipctx-Context, ttl_seconds: 600 }`,
      ),
    );
    const d = decide(withRef);
    const [[name, token] = ['', '']] = appended(d);
    expect(name).toBe('X-Sipctx-Context');
    const v =
      withRef.keyring === null
        ? null
        : verifyContextRef(token, withRef.keyring, Date.parse('2026-11-25T15:00:00Z') / 1000);
    expect(v?.ok && v.value.callId).toBe('a84b4c76e66710@carrier.example.net');
    const none = decide(
      policyOf(
        policy(
          '  header_line: { max_bytes: 1024 }',
          addRule('X-A', 'b'),
          `keys: { active: k, keys: { k: '${key}' } }\ncontext_ref: { header: X-Sipctx-Context }`,
        ),
      ),
    );
    expect(appended(none).map(([n]) => n)).toEqual(['X-A']);
  });
});
