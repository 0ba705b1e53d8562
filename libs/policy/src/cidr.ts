/**
 * Address ranges for trunks and `source` conditions: RFC 4632 CIDR notation, the RFC 4291 §2.2
 * text forms of IPv6 addresses (`::` compression, a dotted IPv4 tail). An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2), which is how a dual-stack socket reports an IPv4 peer,
 * is the IPv4 address it carries, so it matches IPv4 ranges; an IPv6 range that covers
 * `::ffff:0:0/96` likewise covers IPv4 addresses (as node:net's BlockList does).
 */
import { policyFail, policyOk, type PolicyResult } from './errors.ts';

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

const MAPPED_PREFIX = 96;

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    // No leading zeros: `010` is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
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
  let tail: Uint8Array | null = null;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`; // the dotted tail stands for the last two groups
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const left = parseGroups(halves[0] as string);
  const right = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [
    ...left,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...right,
  ];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tail !== null) out.set(tail, 12);
  return out;
}

function isMappedV4(b: Uint8Array): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

function mapped(v4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

/** An IPv4 or IPv6 address in text form (IPv6 in `[…]` brackets too), or null. */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== 'string' || text.length > 64) return null;
  const bracketed = text.startsWith('[') && text.endsWith(']');
  const bare = bracketed ? text.slice(1, -1) : text;
  if (bare.includes(':')) {
    const b = parseIpv6(bare);
    if (b === null) return null;
    return isMappedV4(b) ? { family: 4, bytes: b.slice(12) } : { family: 6, bytes: b };
  }
  // Brackets are for IPv6 literals only (RFC 3986 §3.2.2).
  const b = bracketed ? null : parseIpv4(bare);
  return b === null ? null : { family: 4, bytes: b };
}

function addressProblem(addr: string): string {
  if (addr === '') return 'no address';
  if (/\s/.test(addr)) return 'contains white space';
  if (addr.includes('%')) return 'zone ids (%eth0) are not allowed in a range';
  if (addr.startsWith('[')) return 'brackets are not allowed in a range';
  return `"${addr}" is not an IPv4 or IPv6 address`;
}

function maskedCopy(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    out[i] = (out[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** `10.0.0.0/8`, `192.0.2.7` (a /32), `2001:db8::/32`, `::1` (a /128). */
export function parseCidr(text: string): PolicyResult<Cidr> {
  if (typeof text !== 'string') return policyFail('POLICY_INVALID', 'a range is text');
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const ip = addr.startsWith('[') ? null : parseIp(addr);
  if (ip === null) {
    return policyFail(
      'POLICY_INVALID',
      `"${text}": ${addressProblem(addr)}; expected an address or range like 10.0.0.0/8 or 2001:db8::/32`,
      text,
      0,
    );
  }
  const written16 = ip.family === 4 && addr.includes(':');
  const max = ip.family === 4 && !written16 ? 32 : 128;
  const written = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(written) || Number(written) > max) {
    return policyFail(
      'POLICY_INVALID',
      `"${text}": the prefix length is a whole number from 0 to ${max}`,
      text,
      slash + 1,
    );
  }
  const prefix = Number(written);
  if (written16 && prefix < MAPPED_PREFIX) {
    // Wider than ::ffff:0:0/96: an IPv6 range that also covers the IPv4 space.
    return policyOk({ text, family: 6, bits: maskedCopy(mapped(ip.bytes), prefix), prefix });
  }
  const v4prefix = written16 ? prefix - MAPPED_PREFIX : prefix;
  return policyOk({
    text,
    family: ip.family,
    bits: maskedCopy(ip.bytes, v4prefix),
    prefix: v4prefix,
  });
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  let bytes = ip.bytes;
  let family = ip.family;
  if (family === 6 && isMappedV4(bytes)) {
    bytes = bytes.subarray(12);
    family = 4;
  }
  if (cidr.family === 6 && family === 4 && bytes.length === 4) bytes = mapped(bytes);
  else if (cidr.family !== family) return false;
  if (bytes.length !== cidr.bits.length || cidr.prefix > 8 * bytes.length) return false;
  for (let i = 0; i < cidr.bits.length; i++) {
    const keep = Math.max(0, Math.min(8, cidr.prefix - 8 * i));
    if (keep === 0) return true;
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((bytes[i] as number) & mask) !== cidr.bits[i]) return false;
  }
  return true;
}

/** True when `address` parses and lies in one of `cidrs`; an unparseable address is in none. */
export function matchesAny(cidrs: readonly Cidr[], address: string): boolean {
  const ip = parseIp(address);
  return ip !== null && cidrs.some((c) => cidrContains(c, ip));
}
