import { isHexDigit } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';

/**
 * %-escaping for the components of SIP URIs (RFC 3261 §25.1):
 *
 *   escaped          = "%" HEXDIG HEXDIG
 *   unreserved       = alphanum / mark
 *   mark             = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
 *   user-unreserved  = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
 *   param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
 *   hnv-unreserved   = "[" / "]" / "/" / "?" / ":" / "+" / "$"
 *
 * Characters are escaped as the %XX of their UTF-8 bytes, upper-case hex. CR and LF become %0D%0A,
 * which is how a header embedded in a URI legitimately carries them; they never appear raw.
 */

function charSet(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of "-_.!~*'()" + extra) t[ch.charCodeAt(0)] = 1;
  return t;
}

/**
 * user: unreserved and user-unreserved, except ";" and "?" which the grammar allows but which many
 * parsers take for the start of parameters or headers: escaping them is always correct.
 */
export const USER_CHARS = charSet('&=+$,/');
export const PASSWORD_CHARS = charSet('&=+$,');
export const PARAM_CHARS = charSet('[]/:&+$');
export const HEADER_CHARS = charSet('[]/?:+$');

const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Escapes every character of `s` that is not in `allowed`. */
export function escapeWith(s: string, allowed: Uint8Array): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && allowed[c] === 1) continue;
    out += s.slice(runStart, i);
    // A surrogate pair is one code point: encode both halves together. A lone surrogate is not
    // Unicode and comes out as U+FFFD (%EF%BF%BD); check with findLoneSurrogate to refuse instead.
    const wide = c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 1;
    for (const b of encoder.encode(s.slice(i, i + wide))) out += '%' + HEX[b >> 4] + HEX[b & 15];
    i += wide - 1;
    runStart = i + 1;
  }
  return out + s.slice(runStart);
}

export function escapeUriUser(s: string): string {
  return escapeWith(s, USER_CHARS);
}

export function escapeUriParam(s: string): string {
  return escapeWith(s, PARAM_CHARS);
}

export function escapeUriHeaderName(s: string): string {
  return escapeWith(s, HEADER_CHARS);
}

export function escapeUriHeaderValue(s: string): string {
  return escapeWith(s, HEADER_CHARS);
}

/**
 * Decodes %XX escapes as UTF-8. A "%" not followed by two hex digits is SIP_BAD_ESCAPE; escapes
 * that do not form valid UTF-8 are SIP_BAD_UTF8 (offset of the first escape of the run).
 */
export function unescapeUri(s: string): Result<string> {
  if (s.indexOf('%') === -1) return ok(s);
  let out = '';
  let i = 0;
  while (i < s.length) {
    const pct = s.indexOf('%', i);
    if (pct === -1) break;
    out += s.slice(i, pct);
    const bytes: number[] = [];
    let j = pct;
    while (s.charCodeAt(j) === 0x25) {
      if (!isHexDigit(s.charCodeAt(j + 1)) || !isHexDigit(s.charCodeAt(j + 2))) {
        return fail('SIP_BAD_ESCAPE', '"%" must be followed by two hex digits', s, j);
      }
      bytes.push(parseInt(s.slice(j + 1, j + 3), 16));
      j += 3;
    }
    try {
      out += decoder.decode(new Uint8Array(bytes));
    } catch {
      return fail('SIP_BAD_UTF8', 'escaped bytes are not valid UTF-8', s, pct);
    }
    i = j;
  }
  return ok(out + s.slice(i));
}

/**
 * Checks that every character of an already escaped component is in `allowed` or part of a valid
 * escape. Returns the offset of the first offending character, or -1.
 */
export function findInvalidEscaped(s: string, allowed: Uint8Array): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (!isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2))) return i;
      i += 2;
      continue;
    }
    if (c >= 128 || allowed[c] !== 1) return i;
  }
  return -1;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Index of the first UTF-16 surrogate that is not half of a pair, or -1. */
export function findLoneSurrogate(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || !isLowSurrogate(s.charCodeAt(i + 1))) return i;
    i++;
  }
  return -1;
}
