import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVia, parseViaParm } from './via.ts';

describe('parseVia', () => {
  it('reads the RFC 3261 §20.42 examples', () => {
    const r = parseVia('SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7', {
      strict: true,
    });
    expect(r.ok && r.value[0]).toMatchObject({
      protocol: 'SIP',
      version: '2.0',
      transport: 'UDP',
      host: 'erlang.bell-telephone.com',
      hostType: 'domain',
      port: 5060,
      branch: 'z9hG4bK87asdks7',
      received: null,
      rport: null,
    });
    const two = parseVia(
      'SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207 ;branch=z9hG4bK77asjd, SIP / 2.0 / TCP [2001:db8::9]',
      { strict: true },
    );
    expect(
      two.ok && two.value.map((v) => [v.transport, v.host, v.hostType, v.port, v.received]),
    ).toEqual([
      ['UDP', '192.0.2.1', 'ipv4', 5060, '192.0.2.207'],
      ['TCP', '[2001:db8::9]', 'ipv6', null, null],
    ]);
  });

  it.each([
    ['SIP/2.0/UDP host;rport', true],
    ['SIP/2.0/UDP host;rport=5070', 5070],
    ['SIP/2.0/UDP host;rport=', true],
  ])('reads rport in %j (RFC 3581)', (value, rport) => {
    const r = parseViaParm(value);
    expect(r.ok && r.value.rport).toBe(rport);
  });

  it.each([
    ['', 'SIP_BAD_VIA', 0],
    ['SIP/2.0', 'SIP_BAD_VIA', 7],
    ['SIP 2.0/UDP host', 'SIP_BAD_VIA', 4],
    ['SIP/2.0/UDP', 'SIP_BAD_VIA', 11],
    ['SIP/2.0/UDPhost', 'SIP_BAD_VIA', 15],
    ['SIP/2.0/UDP bad_host', 'SIP_BAD_VIA', 12],
    ['SIP/2.0/UDP host:99999', 'SIP_BAD_VIA', 17],
    ['SIP/2.0/UDP host:', 'SIP_BAD_VIA', 17],
    ['SIP/2.0/UDP host junk', 'SIP_BAD_VIA', 17],
    ['SIP/2.0/UDP host;rport=x', 'SIP_BAD_VIA', 16],
    ['SIP/2.0/UDP host;=x', 'SIP_BAD_PARAM', 17],
    ['SIP/2.0/UDP [::1', 'SIP_BAD_VIA', 12],
    ['SIP/2.0/UDP a, ,SIP/2.0/UDP b', 'SIP_BAD_VIA', 15],
  ])('strict mode refuses %j (%s at %i)', (value, code, offset) => {
    const r = parseVia(value, { strict: true });
    expect(!r.ok && [r.error.code, r.error.offset, r.error.input]).toEqual([code, offset, value]);
  });

  it('tolerant mode accepts "_" in host names and skips empty elements', () => {
    const r = parseVia('SIP/2.0/UDP bad_host, ,SIP/2.0/TLS b.example.com:5061');
    expect(r.ok && r.value.map((v) => v.host)).toEqual(['bad_host', 'b.example.com']);
    expect(parseVia(' , ').ok).toBe(false);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (s, strict) => (parseVia(s, { strict }), true)),
    );
  });
});
