import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains, matchesAny, parseCidr, parseIp, type Cidr } from './cidr.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function cidr(text: string): Cidr {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.value;
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, 8, '0a000000'],
    ['192.0.2.77/24', 4, 24, 'c0000200'],
    ['192.0.2.7', 4, 32, 'c0000207'],
    ['0.0.0.0/0', 4, 0, '00000000'],
    ['255.255.255.255/31', 4, 31, 'fffffffe'],
    ['2001:db8::/32', 6, 32, '20010db8000000000000000000000000'],
    ['2001:DB8:ffff::1/33', 6, 33, '20010db8800000000000000000000000'],
    ['::1', 6, 128, '00000000000000000000000000000001'],
    ['::/0', 6, 0, '00000000000000000000000000000000'],
    ['2001:db8:0:0:0:0:0:1/128', 6, 128, '20010db8000000000000000000000001'],
    ['64:ff9b::192.0.2.33/120', 6, 120, '0064ff9b0000000000000000c0000200'],
    ['::ffff:192.0.2.1', 4, 32, 'c0000201'],
    ['::ffff:10.0.0.0/104', 4, 8, '0a000000'],
    ['::ffff:0:0/96', 4, 0, '00000000'],
    ['::ffff:0:0/80', 6, 80, '00000000000000000000000000000000'],
  ] as const)('%s', (text, family, prefix, bits) => {
    const r = parseCidr(text);
    expect(r.ok && { text: r.value.text, family: r.value.family, prefix: r.value.prefix }).toEqual({
      text,
      family,
      prefix,
    });
    expect(r.ok && hex(r.value.bits)).toBe(bits);
  });

  it.each([
    ['', 'no address'],
    ['10.0.0/8', 'not an IPv4 or IPv6 address'],
    ['256.0.0.1', 'not an IPv4 or IPv6 address'],
    ['010.0.0.1', 'not an IPv4 or IPv6 address'],
    ['1.2.3.4.5', 'not an IPv4 or IPv6 address'],
    ['10.0.0.0/33', '0 to 32'],
    ['10.0.0.0/08', '0 to 32'],
    ['10.0.0.0/', '0 to 32'],
    ['10.0.0.0/8/8', '0 to 32'],
    ['10.0.0.0/-1', '0 to 32'],
    ['::1/129', '0 to 128'],
    ['::ffff:1.2.3.4/129', '0 to 128'],
    ['1::2::3', 'not an IPv4 or IPv6 address'],
    ['fe80::1%eth0', 'zone ids'],
    ['fe80::%eth0/64', 'zone ids'],
    ['[::1]/128', 'brackets'],
    ['[::1]', 'brackets'],
    [' 10.0.0.1', 'white space'],
    ['10.0.0.1 /8', 'white space'],
    ['1:2:3:4:5:6:7:8:9', 'not an IPv4 or IPv6 address'],
    ['1:2:3:4:5:6:7::8', 'not an IPv4 or IPv6 address'],
    ['a:b:c', 'not an IPv4 or IPv6 address'],
    ['12345::', 'not an IPv4 or IPv6 address'],
    [':1::', 'not an IPv4 or IPv6 address'],
    ['::1.2.3', 'not an IPv4 or IPv6 address'],
    ['1.2.3.4::', 'not an IPv4 or IPv6 address'],
    ['localhost', 'not an IPv4 or IPv6 address'],
  ])('refuses %j', (text, says) => {
    const r = parseCidr(text);
    expect(r.ok ? 'accepted' : r.error.code).toBe('POLICY_INVALID');
    if (!r.ok) expect(r.error.message).toContain(says);
  });
});

describe('parseIp', () => {
  it.each([
    ['192.0.2.1', 4, 'c0000201'],
    ['[::1]', 6, '00000000000000000000000000000001'],
    ['::ffff:192.0.2.1', 4, 'c0000201'],
    ['[::ffff:c000:201]', 4, 'c0000201'],
    ['::', 6, '00000000000000000000000000000000'],
    ['1:2:3:4:5:6:7::', 6, '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', 6, '00000002000300040005000600070008'],
    ['1::8', 6, '00010000000000000000000000000008'],
    ['::1.2.3.4', 6, '00000000000000000000000001020304'],
    ['1:2:3:4:5:6:1.2.3.4', 6, '00010002000300040005000601020304'],
  ] as const)('%s', (text, family, bytes) => {
    const ip = parseIp(text);
    expect(ip && { family: ip.family, bytes: hex(ip.bytes) }).toEqual({ family, bytes });
  });

  it.each([
    '',
    '[::1',
    '::1]',
    '[1.2.3.4]',
    '[]',
    ' ::1',
    'fe80::1%eth0',
    '::ffff:1.2.3.256',
    '1:2:3:4:5:6:7:1.2.3.4',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('matching', () => {
  const ranges = ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1'].map(cidr);
  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['2001:db8:1::5', true],
    ['[2001:db8::1]', true],
    ['2001:db9::1', false],
    ['::ffff:10.9.9.9', true],
    ['[::ffff:a09:909]', true],
    ['::10.9.9.9', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['not an address', false],
    ['', false],
  ])('%s', (address, hit) => {
    expect(matchesAny(ranges, address)).toBe(hit);
  });

  it.each([
    ['::/0', '192.0.2.1', true],
    ['::ffff:0:0/96', '192.0.2.1', true],
    ['2001:db8::/32', '192.0.2.1', false],
    ['10.0.0.0/8', '2001:db8::1', false],
  ])('across families: %s holds %s: %s', (range, address, hit) => {
    expect(matchesAny([cidr(range)], address)).toBe(hit);
  });

  it('holds a mapped address given as IPv6 bytes', () => {
    const bytes = new Uint8Array(16);
    bytes.set([0xff, 0xff, 10, 1, 2, 3], 10);
    expect(cidrContains(cidr('10.0.0.0/8'), { family: 6, bytes })).toBe(true);
    expect(matchesAny([], '10.0.0.1')).toBe(false);
  });
});

describe('properties', () => {
  type Addr = { family: 4 | 6; bytes: Uint8Array };
  const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
  const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
  const v6 = fc.oneof(
    fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => {
      const b = new Uint8Array(16);
      g.forEach((x, i) => b.set([x >> 8, x & 0xff], 2 * i));
      return b;
    }),
    v4.map((b) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b])),
  );
  const address: fc.Arbitrary<Addr> = fc.oneof(
    v4.map((bytes) => ({ family: 4 as const, bytes })),
    v6.map((bytes) => ({ family: 6 as const, bytes })),
  );
  const style = fc.constantFrom('full', 'compressed', 'upper', 'dotted');

  /** Text for an address: full, `::`-compressed (longest zero run), upper case, dotted tail. */
  function format(a: Addr, s: string): string {
    if (a.family === 4) return a.bytes.join('.');
    const g = Array.from(
      { length: 8 },
      (_, i) => ((a.bytes[2 * i] as number) << 8) | (a.bytes[2 * i + 1] as number),
    );
    const h = g.map((x) => x.toString(16));
    if (s === 'full') return h.join(':');
    if (s === 'upper') return h.join(':').toUpperCase();
    if (s === 'dotted') return `${h.slice(0, 6).join(':')}:${[...a.bytes.slice(12)].join('.')}`;
    let best = [0, 0];
    for (let i = 0; i < 8; i++) {
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > (best[1] as number) - (best[0] as number)) best = [i, j];
    }
    const [from = 0, to = 0] = best;
    return from === to ? h.join(':') : `${h.slice(0, from).join(':')}::${h.slice(to).join(':')}`;
  }

  const kind = (text: string): 'ipv4' | 'ipv6' => (text.includes(':') ? 'ipv6' : 'ipv4');

  it('an address parses back to its bytes and lies in each of its own prefixes', () => {
    fc.assert(
      fc.property(address, style, fc.nat(128), (a, s, p) => {
        const text = format(a, s);
        expect(isIP(text)).toBe(a.family);
        const ip = parseIp(text);
        expect(ip).not.toBeNull();
        if (ip === null) return;
        const mappedV4 = a.family === 6 && ip.family === 4;
        expect(hex(ip.bytes)).toBe(hex(mappedV4 ? a.bytes.slice(12) : a.bytes));
        const prefix = p % (a.family === 4 ? 33 : 129);
        const c = parseCidr(`${text}/${prefix}`);
        expect(c.ok && cidrContains(c.value, ip)).toBe(true);
        expect(matchesAny([cidr(`${text}/${prefix}`)], `[${text}]`)).toBe(a.family === 6);
        expect(matchesAny([cidr(`${text}/${prefix}`)], text)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with node:net BlockList', () => {
    fc.assert(
      fc.property(
        address,
        style,
        fc.nat(128),
        fc.oneof(fc.nat(127), address),
        style,
        (net, s, p, probe, ps) => {
          const netText = format(net, s);
          const prefix = p % (net.family === 4 ? 33 : 129);
          let other: Addr;
          if (typeof probe === 'number') {
            const bytes = net.bytes.slice();
            const bit = probe % (8 * bytes.length);
            bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (0x80 >> (bit & 7));
            other = { family: net.family, bytes };
          } else other = probe;
          const text = format(other, ps);
          const list = new BlockList();
          list.addSubnet(netText, prefix, kind(netText));
          const ip = parseIp(text);
          expect(ip).not.toBeNull();
          if (ip === null) return;
          expect(cidrContains(cidr(`${netText}/${prefix}`), ip)).toBe(list.check(text, kind(text)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly what node:net isIP accepts, zone ids aside', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('', ':', '.', '0', '1', 'f', 'g', '::', '%'));
    fc.assert(
      fc.property(address, style, fc.array(edit, { maxLength: 3 }), (a, s, edits) => {
        let text = format(a, s);
        for (const [at, ins] of edits) {
          const i = at % (text.length + 1);
          text =
            ins === ''
              ? text.slice(0, i) + text.slice(i + 1)
              : text.slice(0, i) + ins + text.slice(i);
        }
        const node = isIP(text) !== 0 && !text.includes('%');
        expect(parseIp(text) !== null).toBe(node);
        expect(parseCidr(text).ok).toBe(node);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(typeof parseCidr(s).ok).toBe('boolean');
        expect(typeof matchesAny([cidr('::/0'), cidr('0.0.0.0/0')], s)).toBe('boolean');
        const ip = parseIp(s);
        if (ip !== null) expect(isIP(s.replace(/^\[(.*)\]$/, '$1'))).toBe(s.includes(':') ? 6 : 4);
      }),
    );
  });
});
