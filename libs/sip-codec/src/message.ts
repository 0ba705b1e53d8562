import { isTokenChar, isUnsafeControl, isWsp } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { lookupHeader, type HeaderSpec } from './header-table.ts';
import { checkMessage } from './message-checks.ts';
import type { SipHeader, SipMessage } from './message-model.ts';
import type { ParseOptions } from './options.ts';
import { splitList, trimWsp } from './split-list.ts';
import { parseStartLine, type StartLine } from './start-line.ts';

export interface MessageParseOptions extends ParseOptions {
  /**
   * How the message arrived. `udp` (the default): one datagram, bytes after Content-Length are
   * discarded, and Content-Length may be absent. `stream`: Content-Length is mandatory
   * (RFC 3261 §18.3).
   */
  readonly transport?: 'udp' | 'stream';
}

/** The header section read from the text: start line, rows, and where the body starts. */
interface Head {
  readonly start: StartLine;
  readonly headers: SipHeader[];
  /** The header table row of each header, in the same order (undefined for unknown names). */
  readonly specs: (HeaderSpec | undefined)[];
  /** Index in the text just past the empty line; the text's length when there was none. */
  readonly bodyStart: number;
  /** The Content-Length value, or -1 when absent. */
  readonly contentLength: number;
}

const CONTENT_LENGTH = lookupHeader('Content-Length') as HeaderSpec;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An unfolded value: every `*WSP CRLF 1*WSP` fold becomes one SP and the ends are trimmed
 * (RFC 3261 §7.3.1). Lines that hold only whitespace add nothing.
 */
function unfold(raw: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const nl = raw.indexOf('\n', i);
    let end = nl === -1 ? raw.length : nl;
    if (end > i && raw.charCodeAt(end - 1) === 0x0d) end--;
    const segment = trimWsp(raw, i, end);
    if (segment !== '') out = out === '' ? segment : `${out} ${segment}`;
    if (nl === -1) return out;
    i = nl + 1;
  }
}

function makeHeader(
  text: string,
  offset: number,
  name: string,
  valueStart: number,
  valueEnd: number,
  folded: boolean,
  spec: HeaderSpec | undefined,
): SipHeader {
  const raw = text.slice(valueStart, valueEnd);
  const value = folded ? unfold(raw) : trimWsp(raw, 0, raw.length);
  const values = spec?.list === true ? splitList(value) : [value];
  return { name, canonical: spec?.name ?? name, raw, value, values, offset };
}

/**
 * header-name = token; HCOLON = *( SP / HTAB ) ":" SWS   (RFC 3261 §7.3, §25.1)
 *
 * Finds the colon with `indexOf` and returns the name and its table row. A name found in the
 * header table is a token by construction; other names are checked character by character.
 * Tolerated: a name with non-token characters (`X-Foo[1]`), as long as it holds no whitespace or
 * control character; strict mode requires a token.
 */
function scanHeaderName(
  text: string,
  pos: number,
  end: number,
  strict: boolean,
): Result<{ name: string; spec: HeaderSpec | undefined; colon: number }> {
  const colon = text.indexOf(':', pos);
  if (colon === -1 || colon >= end) {
    return fail('SIP_BAD_HEADER_LINE', 'no ":" in header line', text, pos);
  }
  let nameEnd = colon;
  while (nameEnd > pos && isWsp(text.charCodeAt(nameEnd - 1))) nameEnd--;
  const name = text.slice(pos, nameEnd);
  const spec = lookupHeader(name);
  if (spec !== undefined) return ok({ name, spec, colon });
  if (name === '') return fail('SIP_BAD_HEADER_NAME', 'empty header name', text, pos);
  for (let j = pos; j < nameEnd; j++) {
    const c = text.charCodeAt(j);
    if (strict ? !isTokenChar(c) : isWsp(c) || isUnsafeControl(c)) {
      return fail('SIP_BAD_HEADER_NAME', 'header name must be a token', text, j);
    }
  }
  return ok({ name, spec, colon });
}

/** Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT   (RFC 3261 §20.14) */
function contentLengthOf(header: SipHeader, text: string): Result<number> {
  const v = header.value;
  if (v === '' || v.length > 15 || !/^[0-9]+$/.test(v)) {
    return fail('SIP_BAD_CONTENT_LENGTH', 'Content-Length must be digits', text, header.offset);
  }
  return ok(Number(v));
}

/**
 * message-header rows up to the empty line (RFC 3261 §7.3). A line starting with SP or HTAB
 * continues the previous row (a fold, §7.3.1).
 *
 * Tolerated: bare LF line ends (strict requires CRLF, §7), and under UDP a datagram that ends
 * without the empty line (or without the last CRLF): the headers end with the input.
 */
function parseHeaderRows(
  text: string,
  pos: number,
  strict: boolean,
  stream: boolean,
): Result<Omit<Head, 'start'>> {
  const headers: SipHeader[] = [];
  const specs: (HeaderSpec | undefined)[] = [];
  let contentLength = -1;
  // The row being read: it ends when a line does not start with whitespace.
  let rowStart = -1;
  let name = '';
  let spec: HeaderSpec | undefined;
  let valueStart = 0;
  let valueEnd = 0;
  let folded = false;
  const length = text.length;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1 && (strict || stream)) {
      return fail('SIP_NO_HEADER_END', 'no empty line after the headers', text, pos);
    }
    const lineEnd = nl === -1 ? length : nl;
    let contentEnd = lineEnd;
    if (contentEnd > pos && text.charCodeAt(contentEnd - 1) === 0x0d) contentEnd--;
    else if (strict) return fail('SIP_BAD_HEADER_LINE', 'line must end with CRLF', text, lineEnd);
    const first = text.charCodeAt(pos);
    if (contentEnd > pos && isWsp(first)) {
      if (rowStart === -1) return fail('SIP_BAD_HEADER_LINE', 'fold without a header', text, pos);
      valueEnd = contentEnd;
      folded = true;
    } else {
      if (rowStart !== -1) {
        const header = makeHeader(text, rowStart, name, valueStart, valueEnd, folded, spec);
        headers.push(header);
        specs.push(spec);
        if (spec === CONTENT_LENGTH) {
          const cl = contentLengthOf(header, text);
          if (!cl.ok) return cl;
          if (contentLength !== -1 && cl.value !== contentLength) {
            return fail('SIP_BAD_CONTENT_LENGTH', 'conflicting Content-Length', text, rowStart);
          }
          contentLength = cl.value;
        }
      }
      if (contentEnd === pos) {
        return ok({ headers, specs, bodyStart: nl === -1 ? length : nl + 1, contentLength });
      }
      const scan = scanHeaderName(text, pos, contentEnd, strict);
      if (!scan.ok) return scan;
      rowStart = pos;
      name = scan.value.name;
      spec = scan.value.spec;
      valueStart = scan.value.colon + 1;
      valueEnd = contentEnd;
      folded = false;
    }
    if (nl === -1) pos = length;
    else pos = nl + 1;
  }
}

/** Skips CRLFs before the start line, which RFC 3261 §7.5 says to ignore (keep-alives). */
function skipLeadingNewlines(text: string): number {
  let i = 0;
  while (text.charCodeAt(i) === 0x0d || text.charCodeAt(i) === 0x0a) i++;
  return i;
}

function parseHead(text: string, strict: boolean, stream: boolean): Result<Head> {
  const start = skipLeadingNewlines(text);
  if (start === text.length) return fail('SIP_EMPTY', 'empty message', text, start);
  const nl = text.indexOf('\n', start);
  if (nl === -1) return fail('SIP_NO_HEADER_END', 'no line end after the start line', text, start);
  let lineEnd = nl;
  if (text.charCodeAt(nl - 1) === 0x0d) lineEnd--;
  else if (strict) return fail('SIP_BAD_START_LINE', 'line must end with CRLF', text, nl);
  const line = parseStartLine(text, start, lineEnd, strict);
  if (!line.ok) return line;
  const rows = parseHeaderRows(text, nl + 1, strict, stream);
  if (!rows.ok) return rows;
  return ok({ start: line.value, ...rows.value });
}

/**
 * message-body framing (RFC 3261 §18.3, §20.14): the body is Content-Length bytes. Under UDP
 * the bytes after it are discarded and counted; without Content-Length the body is the rest of
 * the datagram. A stream transport needs Content-Length to find the message's end.
 */
function frame(
  head: Head,
  rest: Uint8Array,
  text: string,
  strict: boolean,
  stream: boolean,
): Result<SipMessage> {
  let body = rest;
  let discardedBytes = 0;
  if (head.contentLength === -1) {
    if (stream) {
      return fail('SIP_BAD_CONTENT_LENGTH', 'stream transport needs Content-Length', text, 0);
    }
  } else if (head.contentLength > rest.length) {
    return fail('SIP_BODY_TRUNCATED', 'body shorter than Content-Length', text, head.bodyStart);
  } else if (head.contentLength < rest.length) {
    body = rest.subarray(0, head.contentLength);
    if (!stream) discardedBytes = rest.length - head.contentLength;
  }
  const s = head.start;
  const headers = head.headers;
  const message: SipMessage =
    s.kind === 'request'
      ? {
          kind: 'request',
          method: s.method,
          requestUri: s.requestUri,
          version: s.version,
          headers,
          body,
          discardedBytes,
        }
      : {
          kind: 'response',
          version: s.version,
          status: s.status,
          reason: s.reason,
          headers,
          body,
          discardedBytes,
        };
  return checkMessage(message, text, strict, head.specs);
}

function parseText(text: string, strict: boolean, stream: boolean): Result<SipMessage> {
  const head = parseHead(text, strict, stream);
  if (!head.ok) return head;
  const rest =
    head.value.bodyStart === text.length
      ? new Uint8Array(0)
      : utf8Encoder.encode(text.slice(head.value.bodyStart));
  return frame(head.value, rest, text, strict, stream);
}

/**
 * The header section is UTF-8 (RFC 3261 §7.3.1); the body stays bytes. The usual case decodes the
 * whole input at once (a textual body is UTF-8 too); otherwise the header section is found in the
 * bytes and decoded alone. Strict mode refuses a header section that is not UTF-8. Tolerated: such
 * a header section is decoded as ISO-8859-1 (what old equipment sends in display names), one
 * character per byte, so nothing is lost. The body is a view into `bytes`, not a copy.
 */
function parseBytes(bytes: Uint8Array, strict: boolean, stream: boolean): Result<SipMessage> {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    return parseBinary(bytes, strict, stream);
  }
  const head = parseHead(text, strict, stream);
  if (!head.ok) return head;
  const { bodyStart } = head.value;
  // Offsets in the text are byte offsets when the input is ASCII.
  const byteStart =
    text.length === bytes.length ? bodyStart : utf8Encoder.encode(text.slice(0, bodyStart)).length;
  return frame(head.value, bytes.subarray(byteStart), text, strict, stream);
}

/** Index of the first byte after the empty line that ends the headers, or the input's length. */
function headEnd(bytes: Uint8Array): number {
  let i = 0;
  while (bytes[i] === 0x0d || bytes[i] === 0x0a) i++;
  for (;;) {
    const nl = bytes.indexOf(0x0a, i);
    if (nl === -1) return bytes.length;
    if (bytes[nl + 1] === 0x0a) return nl + 2;
    if (bytes[nl + 1] === 0x0d && bytes[nl + 2] === 0x0a) return nl + 3;
    i = nl + 1;
  }
}

/** ISO-8859-1: one code point per byte. */
function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** Input that is not UTF-8 as a whole: a binary body, or a header section in another charset. */
function parseBinary(bytes: Uint8Array, strict: boolean, stream: boolean): Result<SipMessage> {
  const end = headEnd(bytes);
  const headBytes = bytes.subarray(0, end);
  let text: string;
  try {
    text = utf8Decoder.decode(headBytes);
  } catch {
    text = decodeLatin1(headBytes);
    if (strict) return fail('SIP_BAD_UTF8', 'header section is not UTF-8', text, 0);
  }
  const head = parseHead(text, strict, stream);
  if (!head.ok) return head;
  return frame(head.value, bytes.subarray(end), text, strict, stream);
}

/**
 * SIP-message = Request / Response   (RFC 3261 §7, §25.1)
 * Request  = Request-Line *( message-header ) CRLF [ message-body ]
 * Response = Status-Line *( message-header ) CRLF [ message-body ]
 *
 * Reads a whole message: text is read as UTF-16 as given, bytes are decoded as UTF-8 up to the
 * empty line. Tolerant by default; `strict: true` adds the semantic checks of message-checks.ts.
 */
export function parseMessage(
  input: Uint8Array | string,
  options?: MessageParseOptions,
): Result<SipMessage> {
  const strict = options?.strict === true;
  const stream = options?.transport === 'stream';
  return typeof input === 'string'
    ? parseText(input, strict, stream)
    : parseBytes(input, strict, stream);
}
