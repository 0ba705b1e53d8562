import { isAlpha, isDigit, isHexDigit } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import type { HostType } from './uri-model.ts';

/** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255. */
export function isIpv4(s: string): boolean {
  // One pass, no allocation: this runs for every host of every address a message carries.
  let octets = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 0x2e : s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      octets++;
      digits = 0;
      value = 0;
    } else if (isDigit(c) && digits < 3) {
      value = value * 10 + (c - 0x30);
      digits++;
    } else return false;
  }
  return octets === 4;
}

function isHexGroup(g: string): boolean {
  if (g.length < 1 || g.length > 4) return false;
  for (let i = 0; i < g.length; i++) if (!isHexDigit(g.charCodeAt(i))) return false;
  return true;
}

/**
 * IPv6address = hexpart [ ":" IPv4address ]; hexpart = hexseq / hexseq "::" [ hexseq ] /
 * "::" [ hexseq ]   (RFC 3261 §25.1): at most eight 16-bit groups, at most one "::".
 */
export function isIpv6(s: string): boolean {
  let text = s;
  let groupsFromV4 = 0;
  if (text.includes('.')) {
    const last = text.lastIndexOf(':');
    if (last === -1 || !isIpv4(text.slice(last + 1))) return false;
    text = text.slice(0, last + 1) + '0';
    groupsFromV4 = 1; // the IPv4 tail is two groups, counted as "0" plus this one
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((gs) => gs.every(isHexGroup))) return false;
  const count = groups.reduce((n, gs) => n + gs.length, 0) + groupsFromV4;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * hostname    = *( domainlabel "." ) toplabel [ "." ]
 * domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
 * toplabel    = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 *
 * Tolerant mode accepts "_" anywhere in a label (SRV-style and Windows host names are common on
 * trunks), a "-" at either end of a label, and a toplabel starting with a digit.
 */
export function isHostname(s: string, strict: boolean): boolean {
  // One pass over the labels, no allocation: this runs for every URI of every message.
  const end = s.endsWith('.') ? s.length - 1 : s.length;
  let start = 0;
  while (start <= end) {
    let stop = s.indexOf('.', start);
    if (stop === -1 || stop > end) stop = end;
    const length = stop - start;
    if (length === 0 || length > 63) return false;
    for (let i = start; i < stop; i++) {
      const c = s.charCodeAt(i);
      if (isAlpha(c) || isDigit(c)) continue;
      if (!strict && (c === 0x5f || c === 0x2d)) continue;
      if (c !== 0x2d || i === start || i === stop - 1) return false;
    }
    if (strict && stop === end && !isAlpha(s.charCodeAt(start))) return false;
    start = stop + 1;
  }
  return true;
}

export interface HostScan {
  readonly value: string;
  readonly type: HostType;
  readonly end: number;
}

/** host = hostname / IPv4address / IPv6reference; IPv6reference = "[" IPv6address "]" */
export function parseHost(input: string, pos: number, strict: boolean): Result<HostScan> {
  if (input.charCodeAt(pos) === 0x5b /* [ */) {
    const close = input.indexOf(']', pos);
    if (close === -1 || !isIpv6(input.slice(pos + 1, close))) {
      return fail('SIP_BAD_HOST', 'invalid IPv6 reference', input, pos);
    }
    return ok({ value: input.slice(pos, close + 1), type: 'ipv6', end: close + 1 });
  }
  let end = pos;
  while (end < input.length) {
    const c = input.charCodeAt(end);
    if (c === 0x3a || c === 0x3b || c === 0x3f) break;
    end++;
  }
  const host = input.slice(pos, end);
  if (host.length === 0) return fail('SIP_BAD_HOST', 'host expected', input, pos);
  // Only a host starting with a digit can be an IPv4 address (or look like a broken one).
  if (isDigit(host.charCodeAt(0))) {
    if (isIpv4(host)) return ok({ value: host, type: 'ipv4', end });
    // A dotted quad that is not a valid IPv4 address (`1.2.3.256`) is not a hostname either.
    if (/^[0-9.]+$/.test(host)) return fail('SIP_BAD_HOST', 'invalid host name', input, pos);
  }
  if (!isHostname(host, strict)) return fail('SIP_BAD_HOST', 'invalid host name', input, pos);
  return ok({ value: host, type: 'domain', end });
}

/** True when `host` is a host the tolerant parser accepts, as the serializer needs. */
export function isValidHost(host: string): boolean {
  const r = parseHost(host, 0, false);
  return r.ok && r.value.end === host.length;
}
