/**
 * Character classes and scanning primitives of RFC 3261 §25.1, on UTF-16 strings.
 *
 * Scanners take `(input, pos)` and return the index just past what they matched (equal to `pos`
 * when nothing matched). They never throw and never loop without consuming input.
 */

const TOKEN_EXTRA = "-.!%*_+`'~";
// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
//           "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" )
const WORD_EXTRA = TOKEN_EXTRA + '()<>:\\"/[]?{}';

function table(extra: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of extra) t[ch.charCodeAt(0)] = 1;
  return t;
}

const TOKEN = table(TOKEN_EXTRA);
const WORD = table(WORD_EXTRA);

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** token char: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isWordChar(c: number): boolean {
  return c < 128 && WORD[c] === 1;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function isWsp(c: number): boolean {
  return c === SP || c === HTAB;
}

/**
 * A control character that may never appear in a header value on the wire: everything below 0x20
 * except HTAB, and DEL. CR and LF are in this set, which is what makes header smuggling impossible
 * for every serializer that checks with it.
 */
export function isUnsafeControl(c: number): boolean {
  return (c < 0x20 && c !== HTAB) || c === 0x7f;
}

/** Index of the first unsafe control character in `s`, or -1. */
export function findUnsafeControl(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (isUnsafeControl(s.charCodeAt(i))) return i;
  }
  return -1;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function scanToken(s: string, pos: number): number {
  let i = pos;
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

export function isToken(s: string): boolean {
  return s.length > 0 && scanToken(s, 0) === s.length;
}

/** word (RFC 3261 §25.1), used by Call-ID. */
export function scanWord(s: string, pos: number): number {
  let i = pos;
  while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * SWS = [LWS]; LWS = [*WSP CRLF] 1*WSP. Skips spaces and tabs, and a line fold (CRLF or a bare LF
 * followed by whitespace) if one is left in a value that was not unfolded.
 */
export function skipSws(s: string, pos: number): number {
  let i = pos;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === SP || c === HTAB) {
      i++;
      continue;
    }
    if (c === CR && s.charCodeAt(i + 1) === LF && isWsp(s.charCodeAt(i + 2))) {
      i += 3;
      continue;
    }
    if (c === LF && isWsp(s.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    return i;
  }
}

/** Scanning result of a quoted string: `end` is just past the closing DQUOTE. */
export interface QuotedScan {
  readonly end: number;
  /** The content with quoted-pairs resolved and folds replaced by one space. */
  readonly value: string;
}

/**
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE
 * qdtext        = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 * quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 *
 * `pos` must point at the opening DQUOTE. Returns `-(offset+1)` encoded as a negative `end` when the
 * string is unterminated or holds a character qdtext does not allow (the caller turns it into an
 * error); `value` is then empty.
 */
export function scanQuotedString(s: string, pos: number): QuotedScan {
  let i = pos + 1;
  let out = '';
  let runStart = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      out += s.slice(runStart, i);
      return { end: i + 1, value: out };
    }
    if (c === BACKSLASH) {
      const n = s.charCodeAt(i + 1);
      // quoted-pair excludes CR and LF; a backslash at the end is unterminated.
      if (Number.isNaN(n) || n === CR || n === LF || n > 0x7f) return { end: -(i + 1), value: '' };
      out += s.slice(runStart, i) + s[i + 1];
      i += 2;
      runStart = i;
      continue;
    }
    if (c === CR || c === LF) {
      const folded = skipSws(s, i);
      if (folded === i) return { end: -(i + 1), value: '' };
      out += s.slice(runStart, i) + ' ';
      i = folded;
      runStart = i;
      continue;
    }
    if (c < 0x20 ? c !== HTAB : c === 0x7f) return { end: -(i + 1), value: '' };
    i++;
  }
  return { end: -(s.length + 1), value: '' };
}

/**
 * Renders `value` as a quoted-string, escaping DQUOTE and backslash. Returns null when the value
 * holds a character no quoted-string may carry (CR, LF, NUL, other controls but HTAB): such a value
 * must be rejected, never silently altered.
 */
export function quoteString(value: string): string | null {
  if (findUnsafeControl(value) !== -1) return null;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === DQUOTE || c === BACKSLASH) {
      out += value.slice(runStart, i) + '\\';
      runStart = i;
    }
  }
  return out + value.slice(runStart) + '"';
}

/** Case-insensitive ASCII comparison, the way SIP compares tokens. */
export function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}
