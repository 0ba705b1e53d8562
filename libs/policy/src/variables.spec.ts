import { describe, expect, it } from 'vitest';
import { CARRIER, decide, policyOf, STRANGER } from './testing/fixtures.ts';

const policy = (variables: string) => `
version: 1
name: t
trunks: [{ name: carrier, cidrs: [203.0.113.0/24], trusted: true }]
variables:
${variables}
`;

// The UponAI page's example: X-test-header and X-another-header become test-header and another-header.
const UPON = ['X-test-header: something', 'x-another-header: something else'];

describe('naming profiles', () => {
  it.each([
    [
      'strip-x (UponAI)',
      '  profile: strip-x',
      { 'test-header': 'something', 'another-header': 'something else' },
    ],
    [
      'keep',
      '  profile: keep',
      { 'X-test-header': 'something', 'x-another-header': 'something else' },
    ],
    [
      'lower',
      '  profile: lower',
      { 'x-test-header': 'something', 'x-another-header': 'something else' },
    ],
    [
      'prefix',
      "  profile: prefix\n  prefix: 'sip_'",
      { 'sip_test-header': 'something', 'sip_another-header': 'something else' },
    ],
  ])('%s', (_, yaml, expected) => {
    expect(decide(policyOf(policy(yaml)), { extra: UPON }).variables).toEqual(expected);
  });

  it('standard headers are not variables; the first row of a repeated header is', () => {
    const d = decide(policyOf(policy('  profile: strip-x')), {
      extra: ['X-A: 1', 'X-A: 2', 'Subject: hi'],
    });
    expect(d.variables).toEqual({ A: '1' });
  });

  it('ASAPP X-GA- headers by the longest from_headers prefix', () => {
    const yaml =
      "  profile: strip-x\n  from_headers:\n    - { prefix: X-GA-, as: '' }\n    - { prefix: X-GA-iv-, as: 'input.' }";
    const d = decide(policyOf(policy(yaml)), {
      extra: [
        'X-GA-taskName: call_routing',
        'X-GA-extConversationId: conv-12345',
        'X-GA-customerId: cust-67890',
        'X-GA-iv-accountNumber: 3434',
        'X-GA-iv-name: John Doe',
        'X-GA-iv-priority: high',
      ],
    });
    expect(d.variables).toEqual({
      taskName: 'call_routing',
      extConversationId: 'conv-12345',
      customerId: 'cust-67890',
      'input.accountNumber': '3434',
      'input.name': 'John Doe',
      'input.priority': 'high',
    });
  });

  it('Diversion / X-Diversion extension parameters (the Diversion guide)', () => {
    const yaml =
      "  profile: keep\n  from_diversion: { header: X-Diversion, entry: last, params: ['*'] }";
    const d = decide(policyOf(policy(yaml)), {
      extra: [
        'X-Diversion: <sip:+15550000000@other>;reason=unconditional;brand=Other',
        'X-Diversion: <sip:+15559876543@acmebank>;reason=unconditional;privacy=off;brand=AcmeBank;journey_stage=loan-apps',
      ],
    });
    expect(d.variables).toMatchObject({ brand: 'AcmeBank', journey_stage: 'loan-apps' });
  });

  it('only the named Diversion params', () => {
    const yaml =
      '  profile: keep\n  from_diversion: { header: both, entry: first, params: [brand] }';
    const d = decide(policyOf(policy(yaml)), {
      extra: [
        'Diversion: <sip:+15559876543@acmebank>;reason=unconditional;brand=AcmeBank;journey_stage=x',
      ],
    });
    expect(d.variables).toEqual({ brand: 'AcmeBank' });
  });

  it('a variable already set for the call wins over the header value', () => {
    const d = decide(policyOf(policy('  profile: strip-x')), { extra: UPON }, CARRIER, {
      variables: { 'test-header': 'set earlier' },
    });
    expect(d.variables['test-header']).toBe('set earlier');
    expect(d.variables['another-header']).toBe('something else');
  });

  it('an untrusted source gives no variables', () => {
    expect(
      decide(policyOf(policy('  profile: strip-x')), { extra: UPON }, STRANGER).variables,
    ).toEqual({});
  });
});

describe('hostile names', () => {
  it('a header named X-__proto__ is an ordinary variable, not a prototype', () => {
    const d = decide(policyOf(policy('  profile: strip-x')), {
      extra: ['X-__proto__: polluted', 'X-constructor: c'],
    });
    expect(Object.getPrototypeOf(d.variables)).toBe(Object.prototype);
    expect(Object.keys(d.variables).sort()).toEqual(['__proto__', 'constructor']);
    expect(d.variables['__proto__' as string]).toBe('polluted');
    expect(JSON.parse(JSON.stringify(d.context.variables))).toEqual(
      JSON.parse('{"__proto__":"polluted","constructor":"c"}'),
    );
  });
});
