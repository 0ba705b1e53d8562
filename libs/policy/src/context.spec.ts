import { describe, expect, it } from 'vitest';
import { CARRIER, decide, policyOf, STRANGER } from './testing/fixtures.ts';

const base = `
version: 1
name: t
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
numbers:
  default_country_code: '1'
  international_prefix: '011'
  trunk_prefix: '1'
`;
const policy = policyOf(base);

describe('sip_headers', () => {
  it('expands compact names and keeps repeated headers in order', () => {
    const d = decide(policy, { extra: ['s: first subject', 'X-Tag: a', 'x-tag: b', 'X-Tag: c'] });
    const names = d.context.sip_headers.map((h) => h.name);
    expect(names).toContain('Subject');
    expect(
      d.context.sip_headers.filter((h) => h.name.toLowerCase() === 'x-tag').map((h) => h.value),
    ).toEqual(['a', 'b', 'c']);
    expect(d.context.sip_headers.find((h) => h.name === 'From')?.value).toBe(
      '<sip:+15551234567@carrier.example.net>;tag=9fxced76sl',
    );
  });
});

describe('caller_number and callee_number', () => {
  it.each([
    ['From, sip user', {}, CARRIER, '+15551234567', false],
    [
      'P-Asserted-Identity wins over From on a trusted trunk',
      { extra: ['P-Asserted-Identity: <sip:+14155550199@carrier.example.net>'] },
      CARRIER,
      '+14155550199',
      false,
    ],
    [
      'P-Asserted-Identity ignored from an untrusted source (RFC 3325)',
      { extra: ['P-Asserted-Identity: <sip:+14155550199@carrier.example.net>'] },
      STRANGER,
      '+15551234567',
      false,
    ],
    [
      'tel URI in P-Asserted-Identity, second value of the row',
      { extra: ['P-Asserted-Identity: "Bob" <sip:bob@x.example>, <tel:+1-415-555-0100>'] },
      CARRIER,
      '+14155550100',
      false,
    ],
    [
      'user=phone with visual separators, national form',
      { from: '<sip:(206)555-1234@carrier.example.net;user=phone>;tag=1' },
      CARRIER,
      '+12065551234',
      false,
    ],
    [
      'anonymous From gives no number',
      { from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=1' },
      CARRIER,
      null,
      true,
    ],
    [
      'anonymous From with a trusted identity keeps the number, marked anonymous',
      {
        from: '<sip:anonymous@anonymous.invalid>;tag=1',
        extra: ['P-Asserted-Identity: <tel:+14155550199>', 'Privacy: id'],
      },
      CARRIER,
      '+14155550199',
      true,
    ],
    [
      'Remote-Party-ID privacy=full',
      { extra: ['Remote-Party-ID: <sip:+14155550111@c.example>;party=calling;privacy=full'] },
      CARRIER,
      '+14155550111',
      true,
    ],
  ] as const)('%s', (_, o, source, caller, anonymous) => {
    const d = decide(policy, o, source);
    expect(d.context.caller_number).toBe(caller);
    expect(d.context.caller_anonymous).toBe(anonymous);
  });

  it('callee from To, then the Request-URI', () => {
    expect(decide(policy).context.callee_number).toBe('+15557654321');
    const d = decide(policy, {
      to: '<sip:support@agents.example.com>',
      ruri: 'sip:01112065551234@agents.example.com',
    });
    expect(d.context.callee_number).toBe('+12065551234');
  });

  it('keeps a number that is not E.164 as written', () => {
    const plain = policyOf('version: 1\nname: plain\n');
    expect(decide(plain, { to: '<sip:2222222@pbx.example>' }).context.callee_number).toBe(
      '2222222',
    );
  });

  it('the precedence is configurable', () => {
    const p = policyOf(`${base}  caller: [from]\n`);
    const d = decide(p, { extra: ['P-Asserted-Identity: <tel:+14155550199>'] });
    expect(d.context.caller_number).toBe('+15551234567');
  });
});

describe('redirection', () => {
  it('original called number and reason from Diversion (RFC 5806 order)', () => {
    const d = decide(policy, {
      extra: [
        'Diversion: <sip:+12065550002@a.example>;reason=no-answer;counter=1',
        'Diversion: <sip:+12065550001@a.example>;reason=user-busy',
      ],
    });
    expect(d.context.original_called_number).toBe('+12065550001');
    expect(d.context.redirect_reason).toBe('no-answer');
  });

  it('from X-Diversion when there is no Diversion', () => {
    const d = decide(policy, {
      extra: [
        'X-Diversion: <sip:+15559876543@acmebank>;reason=unconditional;privacy=off;brand=AcmeBank',
      ],
    });
    expect(d.context.original_called_number).toBe('+15559876543');
    expect(d.context.redirect_reason).toBe('unconditional');
  });

  it('from History-Info (RFC 7544 mapping)', () => {
    const d = decide(policy, {
      extra: [
        'History-Info: <sip:+12065550001@a.example>;index=1',
        'History-Info: <sip:+15557654321@b.example;cause=486>;index=1.1',
      ],
    });
    expect(d.context.original_called_number).toBe('+12065550001');
    expect(d.context.redirect_reason).toBe('user-busy');
  });

  it('none without a redirection', () => {
    const d = decide(policy);
    expect([d.context.original_called_number, d.context.redirect_reason]).toEqual([null, null]);
  });
});
