import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, matchesAny, parseCidr, parseIp } from './cidr.ts';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, 8],
    ['192.0.2.7', 4, 32],
    ['2001:db8::/32', 6, 32],
    ['::1', 6, 128],
    ['::/0', 6, 0],
    ['0.0.0.0/0', 4, 0],
    ['::ffff:192.0.2.1', 4, 32],
    ['2001:db8:0:0:0:0:0:1/128', 6, 128],
  ] as const)('%s', (text, family, prefix) => {
    const r = parseCidr(text);
    expect(r.ok && [r.value.family, r.value.prefix]).toEqual([family, prefix]);
  });

  it.each([
    '',
    '10.0.0/8',
    '256.0.0.1',
    '010.0.0.1',
    '10.0.0.0/33',
    '::1/129',
    '1::2::3',
    'fe80::1%eth0',
    '[::1]/128',
    '10.0.0.0/',
    ' 10.0.0.1',
    '1:2:3:4:5:6:7:8:9',
    'a:b:c',
  ])('refuses %j', (text) => {
    const r = parseCidr(text);
    expect(r.ok ? 'accepted' : r.error.code).toBe('POLICY_INVALID');
  });

  it('zeroes host bits', () => {
    const r = parseCidr('192.0.2.77/24');
    expect(r.ok && [...r.value.bits]).toEqual([192, 0, 2, 0]);
  });
});

describe('matching', () => {
  const ranges = ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'].map((c) => {
    const r = parseCidr(c);
    if (!r.ok) throw new Error(c);
    return r.value;
  });
  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['2001:db8:1::5', true],
    ['[2001:db8::1]', true],
    ['2001:db9::1', false],
    ['::ffff:10.9.9.9', true],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['not an address', false],
  ])('%s', (address, hit) => {
    expect(matchesAny(ranges, address)).toBe(hit);
  });

  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const ipv6 = fc
    .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
    .map((g) => g.map((x) => x.toString(16)).join(':'));

  it('agrees with node:net BlockList', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(ipv4, fc.nat(32), ipv4), fc.tuple(ipv6, fc.nat(128), ipv6)),
        ([net, prefix, addr]) => {
          const family = net.includes(':') ? 'ipv6' : 'ipv4';
          const cidr = parseCidr(`${net}/${prefix}`);
          expect(cidr.ok).toBe(true);
          if (!cidr.ok) return;
          const list = new BlockList();
          list.addSubnet(net, prefix, family);
          const ip = parseIp(addr);
          expect(ip === null ? false : cidrContains(cidr.value, ip)).toBe(list.check(addr, family));
          const self = parseIp(net);
          expect(self !== null && cidrContains(cidr.value, self)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(typeof parseCidr(s).ok).toBe('boolean');
        parseIp(s);
      }),
    );
  });
});
