import { HTAB, isDigit, isTokenChar, isWsp, SP } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';

export type StartLine =
  | {
      readonly kind: 'request';
      readonly method: string;
      readonly requestUri: string;
      readonly version: string;
    }
  | {
      readonly kind: 'response';
      readonly version: string;
      readonly status: number;
      readonly reason: string;
    };

/**
 * SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT   (RFC 3261 §25.1; "SIP" is case-insensitive)
 *
 * Only version 2.0 is accepted, in both modes: a message of another version cannot be read with
 * this grammar (RFC 3261 §21.5.6 answers 505; RFC 4475 §3.1.2.15 calls it invalid).
 */
function isSip20(text: string, start: number, end: number): boolean {
  return (
    end - start === 7 &&
    (text.charCodeAt(start) | 0x20) === 0x73 /* s */ &&
    (text.charCodeAt(start + 1) | 0x20) === 0x69 /* i */ &&
    (text.charCodeAt(start + 2) | 0x20) === 0x70 /* p */ &&
    text.startsWith('/2.0', start + 3)
  );
}

/** True when the line starts with `SIP/`, which no Method can (a token holds no "/"). */
function isStatusLine(text: string, start: number): boolean {
  return (
    (text.charCodeAt(start) | 0x20) === 0x73 &&
    (text.charCodeAt(start + 1) | 0x20) === 0x69 &&
    (text.charCodeAt(start + 2) | 0x20) === 0x70 &&
    text.charCodeAt(start + 3) === 0x2f
  );
}

/** scheme ":" — the least a Request-URI must start with (RFC 3261 §25.1 Request-URI). */
function hasScheme(text: string, start: number, end: number): boolean {
  let i = start;
  const first = text.charCodeAt(i) | 0x20;
  if (first < 0x61 || first > 0x7a) return false;
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return i + 1 < end;
    const l = c | 0x20;
    if (!((l >= 0x61 && l <= 0x7a) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
      return false;
    }
  }
  return false;
}

/** Index of the next SP (strict) or SP/HTAB (tolerant) in [pos, end), or end. */
function nextSeparator(text: string, pos: number, end: number, strict: boolean): number {
  let i = pos;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SP || (!strict && c === HTAB)) return i;
    i++;
  }
  return i;
}

/** One SP in strict mode; any run of SP / HTAB in tolerant mode. */
function skipSeparator(text: string, pos: number, end: number, strict: boolean): number {
  if (strict) return pos + 1;
  let i = pos;
  while (i < end && isWsp(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF   (RFC 3261 §7.1, §25.1)
 *
 * Strict: exactly one SP between the elements and none at the end (RFC 4475 §3.1.2.7-9).
 * Tolerated: runs of SP / HTAB between elements and trailing whitespace. A line that does not
 * split into exactly three elements is refused in both modes (`sip:a@b; lr` has a space in the
 * URI, RFC 4475 §3.1.2.7), as is a Request-URI that does not start with a scheme (`<sip:a@b>`).
 */
function parseRequestLine(
  text: string,
  start: number,
  end: number,
  strict: boolean,
): Result<StartLine> {
  let i = start;
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  const after = text.charCodeAt(i);
  if (i === start || (i < end && (strict ? after !== SP : !isWsp(after)))) {
    return fail('SIP_BAD_METHOD', 'method must be a token', text, i);
  }
  const method = text.slice(start, i);
  const uriStart = skipSeparator(text, i, end, strict);
  const uriEnd = nextSeparator(text, uriStart, end, strict);
  if (!hasScheme(text, uriStart, uriEnd)) {
    return fail('SIP_BAD_URI', 'Request-URI must start with a scheme', text, uriStart);
  }
  const versionStart = skipSeparator(text, uriEnd, end, strict);
  const versionEnd = nextSeparator(text, versionStart, end, strict);
  let lineEnd = versionEnd;
  if (!strict) while (lineEnd < end && isWsp(text.charCodeAt(lineEnd))) lineEnd++;
  if (lineEnd !== end) {
    return fail('SIP_BAD_START_LINE', 'unexpected text after SIP-Version', text, versionEnd);
  }
  if (!isSip20(text, versionStart, versionEnd)) {
    return fail('SIP_BAD_VERSION', 'SIP-Version must be SIP/2.0', text, versionStart);
  }
  return ok({
    kind: 'request',
    method,
    requestUri: text.slice(uriStart, uriEnd),
    version: text.slice(versionStart, versionEnd),
  });
}

/**
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF   (RFC 3261 §7.2, §25.1)
 * Status-Code = 3DIGIT, in 100-699 (RFC 3261 §21; RFC 4475 §3.1.2.18 has a 10-digit one).
 *
 * Tolerated: runs of SP / HTAB after the version, and no SP at all after the code when the reason
 * phrase is empty (`SIP/2.0 100` for `SIP/2.0 100 `). The Reason-Phrase is kept as written.
 */
function parseStatusLine(
  text: string,
  start: number,
  end: number,
  strict: boolean,
): Result<StartLine> {
  const versionEnd = nextSeparator(text, start, end, strict);
  if (!isSip20(text, start, versionEnd)) {
    return fail('SIP_BAD_VERSION', 'SIP-Version must be SIP/2.0', text, start);
  }
  const codeStart = skipSeparator(text, versionEnd, end, strict);
  const codeEnd = codeStart + 3;
  let status = 0;
  for (let i = codeStart; i < codeEnd; i++) {
    const c = text.charCodeAt(i);
    if (i >= end || !isDigit(c))
      return fail('SIP_BAD_STATUS', 'status code must be 3 digits', text, i);
    status = status * 10 + (c - 0x30);
  }
  if (status < 100 || status > 699)
    return fail('SIP_BAD_STATUS', 'status code must be 100-699', text, codeStart);
  let reasonStart = codeEnd + 1;
  if (codeEnd === end && !strict) reasonStart = end;
  else if (text.charCodeAt(codeEnd) !== SP) {
    return fail('SIP_BAD_STATUS', 'SP expected after the status code', text, codeEnd);
  }
  return ok({
    kind: 'response',
    version: text.slice(start, versionEnd),
    status,
    reason: text.slice(reasonStart, end),
  });
}

/** Start-Line = Request-Line / Status-Line, the line in `[start, end)` without its CRLF. */
export function parseStartLine(
  text: string,
  start: number,
  end: number,
  strict: boolean,
): Result<StartLine> {
  return isStatusLine(text, start)
    ? parseStatusLine(text, start, end, strict)
    : parseRequestLine(text, start, end, strict);
}
