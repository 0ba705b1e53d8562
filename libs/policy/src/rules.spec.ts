import { describe, expect, it } from 'vitest';
import { appended, CARRIER, decide, LOCAL, policyOf, STRANGER } from './testing/fixtures.ts';

const head = `
version: 1
name: t
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
  - { name: agents, cidrs: [127.0.0.0/8], trusted: true }
sets:
  vip: { members: ['+15551234567'], store: true }
  tiers: { members: [gold, platinum], numbers: false }
`;

function rule(when: string, then = '{ flow: hit }'): string {
  return `${head}rules:\n  - { name: r, when: ${when}, then: ${then} }\n`;
}

describe('conditions', () => {
  it.each([
    ['method', '{ method: INVITE }', {}, true],
    ['method list, case-insensitive', '{ method: [refer, bye] }', {}, false],
    ['caller equals (E.164-normalised)', "{ caller: { equals: '+1 555 123 4567' } }", {}, true],
    ['caller prefix', "{ caller: { prefix: '+1555' } }", {}, true],
    ['caller regex', "{ caller: { regex: '^\\+44' } }", {}, false],
    ['caller in an inline set', '{ caller: { in_set: vip } }', {}, true],
    ['callee equals', "{ callee: { equals: '+15557654321' } }", {}, true],
    ['caller anonymous', '{ caller: { anonymous: true } }', {}, false],
    ['trunk', '{ trunk: carrier }', {}, true],
    ['trunk (other)', '{ trunk: agents }', {}, false],
    ['trusted', '{ trusted: true }', {}, true],
    ['source CIDR', "{ source: ['203.0.113.0/28'] }", {}, true],
    ['in_dialog', '{ in_dialog: false }', {}, true],
    [
      'header present',
      '{ header: { name: X-Tier, present: true } }',
      { extra: ['X-Tier: gold'] },
      true,
    ],
    ['header absent', '{ header: { name: X-Tier, present: false } }', {}, true],
    [
      'header equals, case folded',
      '{ header: { name: x-tier, equals: GOLD } }',
      { extra: ['X-Tier: gold'] },
      true,
    ],
    [
      'header equals, case-sensitive',
      '{ header: { name: X-Tier, equals: GOLD, case_sensitive: true } }',
      { extra: ['X-Tier: gold'] },
      false,
    ],
    [
      'header regex on any row',
      "{ header: { name: X-Tier, regex: '^plat' } }",
      { extra: ['X-Tier: gold', 'X-Tier: platinum'] },
      true,
    ],
    [
      'header contains',
      '{ header: { name: Subject, contains: urgent } }',
      { extra: ['s: very URGENT call'] },
      true,
    ],
    [
      'variable equals',
      '{ variable: { name: Tier, equals: gold } }',
      { extra: ['X-Tier: gold'] },
      true,
    ],
    [
      'variable in a set',
      '{ variable: { name: Tier, in_set: tiers } }',
      { extra: ['X-Tier: platinum'] },
      true,
    ],
    ['variable absent', '{ variable: { name: Tier, present: false } }', {}, true],
    ['not', '{ not: { method: INVITE } }', {}, false],
    ['any', '{ any: [{ method: BYE }, { trunk: carrier }] }', {}, true],
    ['all', '{ all: [{ method: INVITE }, { trunk: agents }] }', {}, false],
    ['several fields are ANDed', '{ method: INVITE, trunk: agents }', {}, false],
  ] as const)('%s', (_, when, o, hit) => {
    expect(decide(policyOf(rule(when)), o).flow).toBe(hit ? 'hit' : null);
  });

  it('store-backed sets are asked through inStoreSet', () => {
    const p = policyOf(rule('{ caller: { in_set: vip } }'));
    const o = { from: '<sip:+14155550100@c.example>;tag=1' };
    expect(decide(p, o).flow).toBe(null);
    const asked: string[] = [];
    const d = decide(p, o, CARRIER, null, {
      inStoreSet: (set, v) => {
        asked.push(`${set}:${v}`);
        return v === '+14155550100';
      },
    });
    expect(d.flow).toBe('hit');
    expect(asked).toEqual(['vip:+14155550100']);
  });

  it.each([
    ['inside the window', '2026-11-25T15:00:00Z', true],
    ['outside the window (evening in New York)', '2026-11-25T23:30:00Z', false],
    ['weekend', '2026-11-28T15:00:00Z', false],
  ])('time window: %s', (_, at, hit) => {
    const p = policyOf(
      rule(
        "{ time: { days: [mon, tue, wed, thu, fri], from: '08:00', to: '18:00', timezone: America/New_York } }",
      ),
    );
    expect(decide(p, {}, CARRIER, null, { now: new Date(at) }).flow).toBe(hit ? 'hit' : null);
  });
});

describe('first match and all matches', () => {
  const rules = (match: string, cont = 'false') => `${head}match: ${match}
rules:
  - { name: a, when: { method: INVITE }, then: { variables: { a: '1' }, continue: ${cont} } }
  - { name: b, when: { method: INVITE }, then: { variables: { b: '2' } } }
  - { name: c, when: { method: BYE }, then: { variables: { c: '3' } } }
  - { name: d, when: { method: INVITE }, then: { variables: { d: '4' } } }
`;
  it('first: only the first matching rule', () => {
    const d = decide(policyOf(rules('first')));
    expect(d.rules).toEqual(['a']);
    expect(d.variables).toMatchObject({ a: '1' });
    expect(d.variables['b']).toBeUndefined();
  });
  it('first with continue: the next matching rule too, then stop', () => {
    expect(decide(policyOf(rules('first', 'true'))).rules).toEqual(['a', 'b']);
  });
  it('all: every matching rule, in order', () => {
    expect(decide(policyOf(rules('all'))).rules).toEqual(['a', 'b', 'd']);
  });
  it('a reject ends the rules', () => {
    const p = policyOf(`${head}match: all
rules:
  - { name: no, when: { caller: { prefix: '+1555' } }, then: { reject: { code: 403 } } }
  - { name: later, then: { flow: x } }
`);
    const d = decide(p);
    expect(d.action).toBe('reject');
    expect(d.reject).toEqual({ code: 403, reason: 'Forbidden' });
    expect(d.rules).toEqual(['no']);
    expect(d.wire).toEqual({ remove: [], append: '', reject: { code: 403, reason: 'Forbidden' } });
  });
});

describe('actions', () => {
  it('flow goes to a header and a Request-URI', () => {
    const p = policyOf(`${head}flows:
  header: X-Flow
  request_uri: 'sip:{{ flow }}@agents.example.com'
rules:
  - { name: r, then: { flow: vip_support_flow } }
`);
    const d = decide(p, { extra: ['X-Flow: spoofed'] });
    expect(appended(d)).toEqual([['X-Flow', 'vip_support_flow']]);
    expect(d.wire.remove).toEqual(['X-Flow']);
    expect(d.wire.ruri).toBe('sip:vip_support_flow@agents.example.com');
    expect(d.context.flow).toBe('vip_support_flow');
  });

  it('variables and state with templates; state persists, rules see earlier values', () => {
    const p = policyOf(`${head}match: all
rules:
  - name: branch
    when: { callee: { equals: '+15557654321' } }
    then: { state: { branch: North Branch, visits: 2, vip: true }, variables: { who: '{{ caller_number }}' } }
  - name: use
    when: { variable: { name: who, equals: '+15551234567' } }
    then: { headers: [{ op: add, name: X-Branch, value: '{{ state.branch }} for {{ var.who }}' }] }
`);
    const d = decide(p, {}, CARRIER, { state: { earlier: 'kept' } });
    expect(d.stateChanges).toEqual({ branch: 'North Branch', visits: 2, vip: true });
    expect(d.context.state).toEqual({
      earlier: 'kept',
      branch: 'North Branch',
      visits: 2,
      vip: true,
    });
    expect(appended(d)).toEqual([['X-Branch', 'North Branch for +15551234567']]);
  });

  it('add, replace, remove and rename headers, each edit attributed', () => {
    const p = policyOf(`${head}rules:
  - name: edit
    then:
      headers:
        - { op: add, name: X-New, value: '{{ header.Subject ?? "none" }}' }
        - { op: replace, name: X-Old, value: replaced }
        - { op: remove, name: X-Gone }
        - { op: rename, name: X-Legacy, to: X-Modern }
`);
    const d = decide(p, {
      extra: ['X-Old: one', 'X-Old: two', 'X-Gone: bye', 'X-Legacy: v', 'X-Keep: untouched'],
    });
    expect(d.edits.map((e) => [e.op, e.header, e.before, e.after, e.rule])).toEqual([
      ['add', 'X-New', null, 'none', 'edit'],
      ['replace', 'X-Old', 'one, two', 'replaced', 'edit'],
      ['remove', 'X-Gone', 'bye', null, 'edit'],
      ['rename', 'X-Legacy', 'v', 'X-Modern: v', 'edit'],
    ]);
    expect([...d.wire.remove].sort()).toEqual(['X-Gone', 'X-Legacy', 'X-Old']);
    expect(appended(d)).toEqual([
      ['X-Modern', 'v'],
      ['X-New', 'none'],
      ['X-Old', 'replaced'],
    ]);
  });

  it('destination, trunk and transport; an in-dialog request is never retargeted', () => {
    const p = policyOf(`${head}rules:
  - name: r
    then: { request_uri: 'sip:{{ callee_number }}@10.0.0.7', destination: 'sip:10.0.0.8:5080', trunk: agents, transport: tcp }
`);
    const d = decide(p);
    expect(d.wire).toMatchObject({
      ruri: 'sip:+15557654321@10.0.0.7',
      duri: 'sip:10.0.0.8:5080',
      transport: 'tcp',
    });
    expect(d.routing.trunk).toBe('agents');
    const inDialog = decide(p, { to: '<sip:+15557654321@agents.example.com>;tag=abc' });
    expect(inDialog.wire.ruri).toBeUndefined();
    expect(inDialog.wire.duri).toBeUndefined();
    expect(inDialog.notes.join()).toMatch(/in-dialog/);
  });

  it('a retarget to something that is not a URI is refused with a note', () => {
    const p = policyOf(
      `${head}rules:\n  - { name: r, then: { request_uri: 'sip:{{ var.x }} evil@x' } }\n`,
    );
    const d = decide(p);
    expect(d.wire.ruri).toBeUndefined();
    expect(d.notes.join()).toMatch(/not a URI/);
  });

  it('a templated value carrying CR/LF is refused and kept, never written', () => {
    const p = policyOf(
      `${head}rules:\n  - { name: r, then: { headers: [{ op: add, name: X-Echo, value: 'v={{ var.evil }}' }] } }\n`,
    );
    const d = decide(p, {}, LOCAL, { variables: { evil: 'a\r\nVia: SIP/2.0/UDP evil' } });
    expect(d.wire.append).toBe('');
    expect(d.edits[0]).toMatchObject({ op: 'refuse', header: 'X-Echo', rule: 'r' });
    expect(d.dropped[0]).toMatchObject({
      header: 'X-Echo',
      budget: 'unsafe',
      value: 'v=a\r\nVia: SIP/2.0/UDP evil',
    });
    expect(d.context.dropped).toHaveLength(1);
  });

  it('rules see the untrusted view: stripped headers do not match', () => {
    const p = policyOf(rule('{ header: { name: X-Tier, present: true } }'));
    expect(decide(p, { extra: ['X-Tier: gold'] }, STRANGER).flow).toBe(null);
  });
});
