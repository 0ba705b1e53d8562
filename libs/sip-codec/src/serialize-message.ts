import { isToken, isUnsafeControl, isWsp } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { findLoneSurrogate } from './escape.ts';
import { serializeHeaderBlock, validateHeaderValue, type HeaderField } from './header-line.ts';
import { canonicalHeaderName, isListHeader } from './header-table.ts';
import type { SipHeader, SipMessage } from './message-model.ts';
import { splitList, trimWsp } from './split-list.ts';

/**
 * Writing a message back. Headers that still hold what was read come out byte for byte from
 * their `name` and `raw`; headers built or changed by code are rendered from `name` and `value`
 * through {@link validateHeaderValue}. Nothing that could end a line early, start a header or
 * mis-frame the body is ever written: such a message is refused whole.
 */

export interface SerializeMessageOptions {
  /**
   * Rewrite every Content-Length row with the body's length (adding `Content-Length` at the end
   * when there is none). Without it, a Content-Length that disagrees with the body is refused:
   * on a stream transport it would frame the next message inside this one.
   */
  readonly recomputeContentLength?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Index of the first character in `s` for which `bad` holds, or of a lone surrogate, or -1. */
function findBad(s: string, bad: (c: number) => boolean): number {
  for (let i = 0; i < s.length; i++) if (bad(s.charCodeAt(i))) return i;
  return findLoneSurrogate(s);
}

/** Request-Line = Method SP Request-URI SP SIP-Version CRLF   (RFC 3261 §7.1, §25.1) */
function requestLine(method: string, uri: string, version: string): Result<string> {
  if (!isToken(method)) return fail('SIP_BAD_METHOD', 'method must be a token', method, 0);
  const bad = uri === '' ? 0 : findBad(uri, (c) => isWsp(c) || isUnsafeControl(c));
  if (bad !== -1) {
    return fail('SIP_BAD_URI', 'Request-URI must be non-empty, without whitespace', uri, bad);
  }
  return ok(`${method} ${uri} ${version}\r\n`);
}

/** Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF   (RFC 3261 §7.2, §25.1) */
function statusLine(version: string, status: number, reason: string): Result<string> {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    return fail('SIP_BAD_STATUS', 'status code must be 100-699', String(status), 0);
  }
  const bad = findBad(reason, isUnsafeControl);
  if (bad !== -1) return fail('SIP_UNSAFE_VALUE', 'unsafe Reason-Phrase', reason, bad);
  return ok(`${version} ${status} ${reason}\r\n`);
}

/** The start line; only SIP/2.0 can be written, as only SIP/2.0 can be read. */
function startLine(msg: SipMessage): Result<string> {
  if (!/^sip\/2\.0$/i.test(msg.version)) {
    return fail('SIP_BAD_VERSION', 'SIP-Version must be SIP/2.0', msg.version, 0);
  }
  return msg.kind === 'request'
    ? requestLine(msg.method, msg.requestUri, msg.version)
    : statusLine(msg.version, msg.status, msg.reason);
}

/**
 * A name the parser could have read (RFC 3261 §7.3.1 header-name, as tolerated by `parseMessage`):
 * non-empty, no whitespace, no ":", no control, no lone surrogate. Names of added headers must be
 * tokens ({@link appendHeaders}); this weaker rule lets a parsed `X-Foo[1]` pass through.
 */
function findBadName(name: string): number {
  if (name === '') return 0;
  return findBad(name, (c) => c === 0x3a || isWsp(c) || isUnsafeControl(c));
}

/**
 * The value `parseMessage` reads from `raw` (folds become one SP, ends trimmed), or null when `raw`
 * holds anything but a well-formed fold (CRLF 1*WSP): a bare CR or LF, another control character
 * or a lone surrogate. Such a raw is never written; the header is rendered from its value instead.
 */
function unfoldSafeRaw(raw: string): string | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x0d && raw.charCodeAt(i + 1) === 0x0a && isWsp(raw.charCodeAt(i + 2))) i += 2;
    else if (isUnsafeControl(c)) return null;
  }
  if (findLoneSurrogate(raw) !== -1) return null;
  return raw
    .split('\r\n')
    .map((line) => trimWsp(line, 0, line.length))
    .filter((line) => line !== '')
    .join(' ');
}

/** One header line with its CRLF: from `raw` when it still says `value`, else from `value`. */
function headerLine(h: SipHeader): Result<string> {
  const badName = findBadName(h.name);
  if (badName !== -1) {
    return fail(
      'SIP_BAD_HEADER_NAME',
      `unsafe header name ${JSON.stringify(h.name)}`,
      h.name,
      badName,
    );
  }
  if (unfoldSafeRaw(h.raw) === h.value) return ok(`${h.name}:${h.raw}\r\n`);
  const v = validateHeaderValue(h.value);
  if (!v.ok) return v;
  return ok(h.value === '' ? `${h.name}:\r\n` : `${h.name}: ${h.value}\r\n`);
}

function isContentLength(h: SipHeader): boolean {
  return canonicalHeaderName(h.name) === 'Content-Length';
}

/** Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT   (RFC 3261 §20.14) */
function checkContentLength(h: SipHeader, bodyLength: number): Result<void> {
  if (/^[0-9]{1,15}$/.test(h.value) && Number(h.value) === bodyLength) return ok(undefined);
  return fail(
    'SIP_BAD_CONTENT_LENGTH',
    `Content-Length ${JSON.stringify(h.value)} does not match the ${bodyLength}-byte body`,
    h.value,
    0,
  );
}

/** The header section: start line, header lines, and the empty line. */
function head(msg: SipMessage, options: SerializeMessageOptions): Result<string> {
  const start = startLine(msg);
  if (!start.ok) return start;
  let out = start.value;
  const bodyLength = msg.body.length;
  const recompute = options.recomputeContentLength === true;
  let sawContentLength = false;
  for (const h of msg.headers) {
    let line: Result<string>;
    if (isContentLength(h)) {
      sawContentLength = true;
      if (recompute) {
        line = headerLine({ ...h, raw: ` ${bodyLength}`, value: String(bodyLength) });
      } else {
        const cl = checkContentLength(h, bodyLength);
        line = cl.ok ? headerLine(h) : cl;
      }
    } else line = headerLine(h);
    if (!line.ok) return line;
    out += line.value;
  }
  if (recompute && !sawContentLength) out += `Content-Length: ${bodyLength}\r\n`;
  return ok(out + '\r\n');
}

/**
 * SIP-message = Start-Line *( message-header ) CRLF [ message-body ]   (RFC 3261 §7)
 *
 * The message as bytes on the wire: the header section in UTF-8, then the body as it is. Every
 * line ends with CRLF (a message read with bare LF line ends comes back with CRLF). What the parser
 * normalised without keeping it cannot come back: separators in the start line (written with one
 * SP), CRLFs before the start line, whitespace between a header name and its colon.
 */
export function serializeMessage(
  msg: SipMessage,
  options: SerializeMessageOptions = {},
): Result<Uint8Array> {
  const text = head(msg, options);
  if (!text.ok) return text;
  const headBytes = encoder.encode(text.value);
  const out = new Uint8Array(headBytes.length + msg.body.length);
  out.set(headBytes, 0);
  out.set(msg.body, headBytes.length);
  return ok(out);
}

/** {@link serializeMessage} as text, for messages whose body is UTF-8 (SDP, JSON, XML…). */
export function serializeMessageText(
  msg: SipMessage,
  options: SerializeMessageOptions = {},
): Result<string> {
  const text = head(msg, options);
  if (!text.ok) return text;
  try {
    return ok(text.value + decoder.decode(msg.body));
  } catch {
    return fail(
      'SIP_BAD_UTF8',
      'body is not UTF-8; use serializeMessage',
      text.value,
      text.value.length,
    );
  }
}

/**
 * A new message with `headers` added after the existing ones, in order. All or nothing: a name
 * that is not a token or an unsafe value refuses the whole edit (the error names which header)
 * and the message is left as it was. The rows look as `parseMessage` would read them back.
 */
export function appendHeaders(
  msg: SipMessage,
  headers: readonly HeaderField[],
): Result<SipMessage> {
  const block = serializeHeaderBlock(headers);
  if (!block.ok) return block;
  const added = headers.map(({ name, value }): SipHeader => ({
    name,
    canonical: canonicalHeaderName(name),
    raw: value === '' ? '' : ` ${value}`,
    value,
    values: isListHeader(name) ? splitList(value) : [value],
    offset: -1, // not read from any input
  }));
  return ok({ ...msg, headers: [...msg.headers, ...added] });
}

/**
 * A new message without any row of the named headers. Names compare as SIP compares them: without
 * regard to case, compact forms equal to their full names (`f` removes `From`). A name no header
 * could have is refused, as a likely mistake, and the message is left as it was.
 */
export function removeHeaders(msg: SipMessage, names: readonly string[]): Result<SipMessage> {
  const keys = new Set<string>();
  for (const name of names) {
    const bad = findBadName(name);
    if (bad !== -1) {
      return fail('SIP_BAD_HEADER_NAME', `no header is named ${JSON.stringify(name)}`, name, bad);
    }
    keys.add(canonicalHeaderName(name).toLowerCase());
  }
  return ok({ ...msg, headers: msg.headers.filter((h) => !keys.has(h.canonical.toLowerCase())) });
}
