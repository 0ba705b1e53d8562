import { describe, expect, it } from 'vitest';
import { sipHeader, sipHeaderValues } from './sip-headers.ts';
import { decide, policyOf } from './testing/fixtures.ts';

describe('sip_headers access', () => {
  const trusted =
    'version: 1\nname: t\ntrunks: [{ name: c, cidrs: [203.0.113.0/24], trusted: true }]\n';
  const d = decide(policyOf(trusted), {
    extra: ['X-Tag: a', 'x-tag: b', 's: hello'],
  });
  const headers = d.context.sip_headers;
  it.each([
    ['From', '<sip:+15551234567@carrier.example.net>;tag=9fxced76sl'],
    ['from', '<sip:+15551234567@carrier.example.net>;tag=9fxced76sl'],
    ['f', '<sip:+15551234567@carrier.example.net>;tag=9fxced76sl'],
    ['SUBJECT', 'hello'],
    ['X-TAG', 'a'],
  ])('sipHeader(%s)', (name, value) => {
    expect(sipHeader(headers, name)).toBe(value);
  });
  it('a fallback when absent, as conv.sip_headers.get("X", "Unknown")', () => {
    expect(sipHeader(headers, 'X-Missing', 'Unknown')).toBe('Unknown');
    expect(sipHeader(headers, 'X-Missing')).toBe(null);
  });
  it('every row of a repeated header, in order', () => {
    expect(sipHeaderValues(headers, 'x-tag')).toEqual(['a', 'b']);
  });
});
