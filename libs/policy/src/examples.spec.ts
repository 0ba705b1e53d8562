import { describe, expect, it } from 'vitest';
import { appended, CARRIER, decide, example, LOCAL } from './testing/fixtures.ts';

/** The example policies, driven by the seeds' own example messages. */

describe('generic.yaml', () => {
  const p = example('generic');
  it('a VIP caller goes to the VIP flow with a Diversion entry and the call type', () => {
    const d = decide(p);
    expect(d.rules).toEqual(['vip']);
    expect(appended(d)).toEqual([
      ['X-Call-Type', 'Support'],
      ['X-Sipctx-Flow', 'vip_support_flow'],
      ['Diversion', '<sip:+15557654321@sipctx.invalid>;reason=unconditional;counter=1'],
    ]);
    expect(d.context.state).toEqual({ tier: 'vip' });
  });
  it('other callers: business hours decide between the default and after-hours flows', () => {
    const o = { from: '<sip:+14155550100@carrier.example.net>;tag=1' };
    expect(decide(p, o, CARRIER, null, { now: new Date('2026-11-25T15:00:00Z') }).flow).toBe(
      'general_support_flow',
    );
    expect(decide(p, o, CARRIER, null, { now: new Date('2026-11-25T03:00:00Z') }).flow).toBe(
      'after_hours_flow',
    );
  });
  it('anonymous callers are rejected with 433', () => {
    const d = decide(p, { from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1' });
    expect(d.wire.reject).toEqual({ code: 433, reason: 'Anonymity Disallowed' });
  });
});

describe('polyai-routing.yaml (conv.goto_flow, conv.state.branch)', () => {
  const p = example('polyai-routing');
  it.each([
    ['+15551234567', '+15557654321', 'vip_support_flow', 'North Branch'],
    ['+14155550100', '+15557654321', 'general_support_flow', 'North Branch'],
    ['+14155550100', '+15550000000', 'general_support_flow', 'South Branch'],
  ])('caller %s dialling %s', (caller, callee, flow, branch) => {
    const d = decide(
      p,
      { from: `<sip:${caller}@sbc.example>;tag=1`, to: `<sip:${callee}@polyai.example>` },
      { ...LOCAL, address: '10.1.2.3' },
    );
    expect(d.flow).toBe(flow);
    expect(d.context.state).toMatchObject({
      branch,
      dialed_number: callee,
      caller_id: `<sip:${caller}@sbc.example>;tag=1`,
    });
    expect(appended(d)).toContainEqual(['X-PolyAI-Flow', flow]);
    expect(appended(d)).toContainEqual(['X-Branch', branch]);
  });
});

describe('uponai-variables.yaml', () => {
  const p = example('uponai-variables');
  it('X-/x- headers become variables without the prefix (the page example)', () => {
    const d = decide(p, {
      extra: ['X-test-header: something', 'X-another-header: something else'],
    });
    expect(d.variables).toEqual({ 'test-header': 'something', 'another-header': 'something else' });
  });
  it('untrusted sources: renamed, not variables', () => {
    const d = decide(
      p,
      { extra: ['X-test-header: forged'] },
      { address: '192.0.2.1', port: 5060, transport: 'udp' },
    );
    expect(d.variables).toEqual({});
    expect(appended(d)).toContainEqual(['X-Untrusted-test-header', 'forged']);
  });
});

describe('asapp-transfer.yaml', () => {
  const p = example('asapp-transfer');
  it('the call to ASAPP carries X-GA- context within 1024 bytes, transfer variables first', () => {
    const vars: Record<string, string> = {
      'iv-accountNumber': '3434',
      'iv-name': 'John Doe',
      'iv-priority': 'high',
    };
    for (let i = 0; i < 40; i++) vars[`rv-ref${i}`] = 'r'.repeat(20);
    vars['tv-next_action'] = 'schedule_callback';
    const d = decide(p, { ruri: 'sip:asapp-endpoint.com' }, LOCAL, { variables: vars });
    const names = appended(d).map(([n]) => n);
    expect(names.slice(0, 2)).toEqual(['X-GA-taskName', 'X-GA-extConversationId']);
    expect(names).toContain('X-GA-tv-next_action');
    expect(names).not.toContain('X-GA-iv-name');
    expect(d.dropped.filter((x) => x.budget === 'context').length).toBeGreaterThan(3);
    expect(d.routing.trunk).toBe('asapp');
  });
  it('X-GA- headers of the seed example become variables', () => {
    const d = decide(
      p,
      { extra: ['X-GA-taskName: call_routing', 'X-GA-iv-name: John Doe'] },
      LOCAL,
    );
    expect(d.variables).toMatchObject({ taskName: 'call_routing', 'iv-name': 'John Doe' });
    expect(appended(d)).toContainEqual(['X-GA-iv-name', 'John Doe']);
  });
});

describe('diversion-precall.yaml (the Diversion guide)', () => {
  const p = example('diversion-precall');
  const guide = {
    ruri: 'sip:+12065551234@voice.example.com',
    from: '<sip:+14155550199@caller.net>;tag=9fxced76sl',
    to: '<sip:+12065551234@voice.example.com>',
  };
  it('adds our X-Diversion last with brand and journey_stage', () => {
    const d = decide(p, guide);
    expect(appended(d)).toEqual([
      [
        'X-Diversion',
        '<sip:+15559876543@acmebank>;reason=unconditional;privacy=off;brand=AcmeBank;journey_stage=loan-apps',
      ],
    ]);
    expect(d.variables).toMatchObject({ brand: 'AcmeBank', journey_stage: 'loan-apps' });
  });
  it("another platform's entry stays first; ours is appended last; variables read from the last", () => {
    const d = decide(p, {
      ...guide,
      extra: ['X-Diversion: <sip:+15550001111@other>;reason=unconditional;journey_stage=billing'],
    });
    expect(d.wire.remove).toEqual([]);
    expect(appended(d)[0]?.[1]).toContain('journey_stage=billing');
  });
});
