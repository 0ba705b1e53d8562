import { policyFail, policyOk, type PolicyResult } from './errors.ts';

/**
 * Address ranges for trunks and `source` conditions (RFC 4632 CIDR notation, RFC 4291 §2.2 text
 * forms of IPv6 addresses). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2),
 * as a dual-stack socket reports an IPv4 peer, is compared as the IPv4 address it is.
 */

export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  /** The network address, host bits zeroed: 4 or 16 bytes. */
  readonly bits: Uint8Array;
  readonly prefix: number;
}

function parseIpv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let octet = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i === text.length ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || value > 255 || octet > 3) return null;
      out[octet++] = value;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      // No leading zeros: `010` is octal to some parsers and decimal to others.
      if (digits === 1 && value === 0) return null;
      value = value * 10 + (c - 0x30);
      digits++;
    } else return null;
  }
  return octet === 4 ? out : null;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | null {
  let head = text;
  let v4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    head = text.slice(0, lastColon + 1) + '0:0'; // the IPv4 tail stands for two groups
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const left = parseGroups(halves[0] as string);
  const right = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (v4 !== null) out.set(v4, 12);
  return out;
}

function isMappedV4(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** An IPv4 or IPv6 address in text form (brackets allowed), or null. */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes(':')) {
    const b = parseIpv6(bare);
    if (b === null) return null;
    return isMappedV4(b) ? { family: 4, bytes: b.slice(12) } : { family: 6, bytes: b };
  }
  const b = parseIpv4(bare);
  return b === null ? null : { family: 4, bytes: b };
}

/** `10.0.0.0/8`, `192.0.2.7` (a /32), `2001:db8::/32`, `::1` (a /128). */
export function parseCidr(text: string): PolicyResult<Cidr> {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (ip === null || addr.startsWith('[')) {
    return policyFail(
      'POLICY_INVALID',
      `"${text}" is not an IPv4 or IPv6 address or CIDR range`,
      text,
      0,
    );
  }
  const max = ip.family === 4 ? 32 : 128;
  const written = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(written) || Number(written) > max) {
    return policyFail(
      'POLICY_INVALID',
      `"${text}": the prefix length is 0 to ${max}`,
      text,
      slash + 1,
    );
  }
  const prefix = Number(written);
  const bits = ip.bytes.slice();
  for (let i = 0; i < bits.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    bits[i] = (bits[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return policyOk({ text, family: ip.family, bits, prefix });
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  for (let i = 0; i < cidr.bits.length; i++) {
    const keep = Math.max(0, Math.min(8, cidr.prefix - 8 * i));
    if (keep === 0) return true;
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== cidr.bits[i]) return false;
  }
  return true;
}

/** True when `address` parses and lies in one of `cidrs`. */
export function matchesAny(cidrs: readonly Cidr[], address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && cidrs.some((c) => cidrContains(c, ip));
}
