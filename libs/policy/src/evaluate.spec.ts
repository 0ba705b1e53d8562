import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { evaluateMessage } from './evaluate-message.ts';
import {
  appended,
  CARRIER,
  decide,
  parseRequest,
  policyOf,
  requestText,
} from './testing/fixtures.ts';

const policy = policyOf(`
version: 1
name: t
trunks: [{ name: carrier, cidrs: [203.0.113.0/24], trusted: true }]
budgets: { header_line: { max_bytes: 64 } }
rules:
  - name: r
    then:
      headers:
        - { op: add, name: X-Params, value: 'token;alpha=1;beta=2;gamma=3;delta=4;epsilon=5' }
`);

describe('evaluate: input it refuses, with a code', () => {
  const message = parseRequest(requestText());
  it.each([
    ['no message', { source: CARRIER }, 'message is not a parsed SIP request'],
    [
      'a response',
      { message: { ...message, kind: 'response' }, source: CARRIER },
      'parsed SIP request',
    ],
    ['a bad address', { message, source: { ...CARRIER, address: '999.1.1.1' } }, 'source.address'],
    ['a bad port', { message, source: { ...CARRIER, port: 70000 } }, 'source.port'],
    [
      'a bad transport',
      { message, source: { ...CARRIER, transport: 'carrier-pigeon' } },
      'source.transport',
    ],
    [
      'no Call-ID',
      {
        message: { ...message, headers: message.headers.filter((h) => h.canonical !== 'Call-ID') },
        source: CARRIER,
      },
      'Call-ID',
    ],
  ])('%s', (_, request, message) => {
    const r = evaluate(request as never, null, policy);
    expect(r.ok ? 'ok' : r.error.code).toBe('POLICY_BAD_REQUEST');
    expect(r.ok ? '' : r.error.message).toContain(message);
  });

  it('evaluateMessage: text that is not SIP, and responses', () => {
    const bad = evaluateMessage({ message: 'hello', source: CARRIER }, null, policy);
    expect(bad.ok ? 'ok' : [bad.error.code, bad.error.cause?.code.startsWith('SIP_')]).toEqual([
      'POLICY_BAD_MESSAGE',
      true,
    ]);
    const response = evaluateMessage(
      { message: 'SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n', source: CARRIER },
      null,
      policy,
    );
    expect(response.ok ? 'ok' : response.error.code).toBe('POLICY_BAD_MESSAGE');
  });

  it('evaluateMessage: bytes, and the in-dialog flag as given', () => {
    const r = evaluateMessage(
      { message: Buffer.from(requestText()), source: CARRIER, inDialog: true },
      null,
      policy,
    );
    expect(r.ok && r.value.rules).toEqual(['r']);
  });
});

describe('header line budget on token parameters', () => {
  it('drops whole trailing parameters', () => {
    const [[, value] = ['', '']] = appended(decide(policy));
    expect(value).toMatch(/^token(;[a-z]+=\d)*$/);
    expect(value.length).toBeLessThanOrEqual(64 - 'X-Params: '.length - 2);
    expect('token;alpha=1;beta=2;gamma=3;delta=4;epsilon=5'.startsWith(value)).toBe(true);
  });
});
