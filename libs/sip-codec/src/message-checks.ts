import { BACKSLASH, DQUOTE, isDigit, isUnsafeControl, isWsp, scanWord } from './chars.ts';
import { parseCSeq } from './cseq.ts';
import { fail, ok, type Result, type SipErrorCode } from './errors.ts';
import { lookupHeader, type HeaderCodec, type HeaderSpec } from './header-table.ts';
import type { SipHeader, SipMessage } from './message-model.ts';
import { parseNameAddr, parseNameAddrList } from './name-addr.ts';
import { STRICT } from './options.ts';
import { findEmptyListElement, findUnbalanced, topLevelCommas } from './split-list.ts';
import { parseUri } from './uri.ts';
import { parseViaParm } from './via.ts';
import { isSipUri } from './uri-model.ts';

/**
 * The checks after the message grammar: a few cheap essentials in both modes (CSeq, Via, address
 * shapes), and in strict mode what else RFC 4475 calls invalid. Run by `parseMessage`.
 */

interface Problem {
  readonly code: SipErrorCode;
  readonly message: string;
}

type Validator = (header: SipHeader, message: SipMessage) => Problem | null;

/** Headers every request and response carries (RFC 3261 §8.1.1, §8.2.6.2). Max-Forwards is not
 * here: RFC 4475 §3.4.1 asks to accept an RFC 2543 request without it. */
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map(
  (n) => lookupHeader(n) as HeaderSpec,
);

/** Upper bounds of the integer headers (`codec: 'int'`) that have one. */
const INT_MAX: ReadonlyMap<string, number> = new Map([
  ['Max-Forwards', 255], // RFC 3261 §8.1.1.6
  ['RSeq', 2 ** 32 - 1], // RFC 3262 §7.1
]);

const DELTA_MAX = 2 ** 32 - 1; // RFC 3261 §20.19, §20.33: delta-seconds

function fromResult(r: Result<unknown>): Problem | null {
  return r.ok ? null : { code: r.error.code, message: r.error.message };
}

/** Digits at [pos, end) as a number, or -1 when that is not 1*DIGIT. Long runs read as Infinity. */
function digitsValue(s: string, pos: number, end: number): number {
  if (end <= pos) return -1;
  for (let i = pos; i < end; i++) if (!isDigit(s.charCodeAt(i))) return -1;
  return end - pos > 15 ? Infinity : Number(s.slice(pos, end));
}

function scanDigits(s: string, pos: number): number {
  let i = pos;
  while (isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** CSeq = "CSeq" HCOLON 1*DIGIT LWS Method   (RFC 3261 §20.16); its method must be the request's. */
const checkCSeq: Validator = ({ value }, message) => {
  const cseq = parseCSeq(value);
  if (!cseq.ok) return fromResult(cseq);
  if (message.kind === 'request' && cseq.value.method !== message.method) {
    return { code: 'SIP_METHOD_MISMATCH', message: 'CSeq method differs from the request method' };
  }
  return null;
};

/** callid = word [ "@" word ]   (RFC 3261 §20.8) */
const checkCallId: Validator = ({ value }) => {
  let i = scanWord(value, 0);
  if (i > 0 && value.charCodeAt(i) === 0x40 /* @ */) {
    const host = scanWord(value, i + 1);
    i = host > i + 1 ? host : -1;
  }
  return i > 0 && i === value.length
    ? null
    : { code: 'SIP_BAD_HEADER_VALUE', message: 'Call-ID must be word ["@" word]' };
};

const checkInt: Validator = ({ value, canonical }) => {
  const n = digitsValue(value, 0, value.length);
  if (n < 0) return { code: 'SIP_BAD_HEADER_VALUE', message: `${canonical} must be digits` };
  const max = INT_MAX.get(canonical);
  return max !== undefined && n > max
    ? { code: 'SIP_BAD_HEADER_VALUE', message: `${canonical} above ${max}` }
    : null;
};

/**
 * rfc1123-date = wkday "," SP date1 SP time SP "GMT"   (RFC 3261 §20.17; only GMT is allowed,
 * RFC 4475 §3.1.2.11). Anchored, no nested quantifiers: linear on any input.
 */
const DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
const checkDate: Validator = ({ value }) =>
  DATE.test(value)
    ? null
    : { code: 'SIP_BAD_HEADER_VALUE', message: 'Date must be rfc1123-date GMT' };

/** warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT   (RFC 3261 §20.43) */
const checkWarning: Validator = ({ values }) => {
  for (const v of values) {
    if (scanDigits(v, 0) !== 3 || v.charCodeAt(3) !== 0x20) {
      return { code: 'SIP_BAD_HEADER_VALUE', message: 'warn-code must be 3 digits' };
    }
  }
  return null;
};

/** Retry-After = HCOLON delta-seconds [ comment ] *( SEMI retry-param )   (RFC 3261 §20.33) */
const checkRetryAfter: Validator = ({ value }) => {
  const n = digitsValue(value, 0, scanDigits(value, 0));
  return n < 0 || n > DELTA_MAX
    ? { code: 'SIP_BAD_HEADER_VALUE', message: 'Retry-After must start with delta-seconds' }
    : null;
};

/** Every via-parm; `checkViaShape` has already refused an empty row or element. */
const checkVia: Validator = ({ values }) => {
  for (const v of values) {
    const problem = fromResult(parseViaParm(v, STRICT));
    if (problem) return problem;
  }
  return null;
};

/**
 * An address header's shape, checked in both modes because a wrong one cannot be read without
 * guessing: quoted strings and "<" closed (RFC 4475 §3.1.2.6); one address where the grammar has
 * one, so an unquoted "," in a display name is refused (§3.1.2.15); and a URI holding "?" inside
 * angle brackets (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
 */
function checkAddressShape({ value }: SipHeader, single: boolean): Problem | null {
  if (findUnbalanced(value) !== -1) {
    return { code: 'SIP_BAD_NAME_ADDR', message: 'unterminated quoted string or "<"' };
  }
  if (single && value.indexOf(',') !== -1 && topLevelCommas(value).length > 0) {
    return { code: 'SIP_BAD_NAME_ADDR', message: 'one address expected, "," outside quotes' };
  }
  if (value.indexOf('<') === -1 && value.indexOf('?') !== -1) {
    return { code: 'SIP_BAD_NAME_ADDR', message: 'a URI with "?" must be in "<>"' };
  }
  return null;
}

/** Via rows route responses back: empty via-parms (RFC 4475 §3.1.2.1) are refused in both modes. */
const checkViaShape: Validator = ({ value, values }) =>
  values.length === 0 || findEmptyListElement(value) !== -1
    ? { code: 'SIP_BAD_VIA', message: 'empty Via element' }
    : null;

/**
 * Checks both modes run, by codec: cheap, and what a message cannot be handled without (matching
 * transactions by CSeq, routing responses by Via, reading addresses).
 */
const ESSENTIALS: Partial<Record<HeaderCodec, Validator>> = {
  cseq: checkCSeq,
  via: checkViaShape,
  'name-addr': (header) => checkAddressShape(header, true),
  'name-addr-list': (header) => checkAddressShape(header, false),
  contact: (header) => checkAddressShape(header, false),
};

/** The full validators strict mode adds, by codec; other values only get `checkText`. */
const VALIDATORS: Partial<Record<HeaderCodec, Validator>> = {
  'name-addr': ({ value }) => fromResult(parseNameAddr(value, STRICT)),
  'name-addr-list': ({ value }) => fromResult(parseNameAddrList(value, STRICT)),
  contact: ({ value }) => (value === '*' ? null : fromResult(parseNameAddrList(value, STRICT))),
  via: checkVia,
  cseq: checkCSeq,
  'call-id': checkCallId,
  int: checkInt,
  date: checkDate,
  warning: checkWarning,
  'retry-after': checkRetryAfter,
};

/**
 * header-value = *( TEXT-UTF8char / UTF8-CONT / LWS ): no control characters, except inside a
 * quoted-string as a quoted-pair (RFC 3261 §25.1), which RFC 4475 §3.1.1.2 uses.
 */
// A native scan first: most values hold no control at all.
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const checkText: Validator = ({ value }) => {
  if (!ANY_CONTROL.test(value)) return null;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === DQUOTE) quoted = !quoted;
    else if (quoted && c === BACKSLASH) i++;
    else if (isUnsafeControl(c)) {
      return { code: 'SIP_BAD_HEADER_VALUE', message: 'control character in header value' };
    }
  }
  return null;
};

function checkStrict(header: SipHeader, spec: HeaderSpec | undefined, message: SipMessage) {
  if (spec?.list === true && findEmptyListElement(header.value) !== -1) {
    return { code: 'SIP_BAD_HEADER_VALUE' as const, message: 'empty element in a list' };
  }
  const validator = (spec?.codec && VALIDATORS[spec.codec]) || checkText;
  return validator(header, message);
}

/**
 * Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB)
 * (RFC 3261 §25.1): printable ASCII but `"#<>[\]^`{|}`, "%" only as an escape.
 */
const REASON_EXCLUDED = '"#<>[\\]^`{|}';
function findBadReasonChar(reason: string): number {
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if (isWsp(c) || c >= 0x80) continue;
    if (c === 0x25 /* % */) {
      if (!/^[0-9A-Fa-f]{2}$/.test(reason.slice(i + 1, i + 3))) return i;
      i += 2;
    } else if (c < 0x21 || c === 0x7f || REASON_EXCLUDED.includes(reason[i] as string)) return i;
  }
  return -1;
}

/**
 * Request-URI: a valid URI; a sip/sips URI may not carry headers there (RFC 3261 §19.1.1 table,
 * RFC 4475 §3.1.2.10).
 */
function checkStartLine(message: SipMessage, text: string): Result<true> {
  if (message.kind === 'response') {
    const bad = findBadReasonChar(message.reason);
    return bad === -1
      ? ok(true)
      : fail('SIP_BAD_STATUS', 'invalid character in Reason-Phrase', text, 0);
  }
  const uri = parseUri(message.requestUri, STRICT);
  if (!uri.ok) return fail(uri.error.code, uri.error.message, text, 0);
  if (isSipUri(uri.value) && uri.value.headers.length > 0) {
    return fail('SIP_BAD_URI', 'headers are not allowed in a Request-URI', text, 0);
  }
  return ok(true);
}

/**
 * The checks after parsing: the essentials in both modes, everything else in strict mode. `specs`
 * holds each header's table row, as the parser found it. Returns the message unchanged when it
 * passes.
 */
export function checkMessage(
  message: SipMessage,
  text: string,
  strict: boolean,
  specs: readonly (HeaderSpec | undefined)[],
): Result<SipMessage> {
  if (strict) {
    const line = checkStartLine(message, text);
    if (!line.ok) return line;
  }
  const headers = message.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as SipHeader;
    const spec = specs[i];
    const essential = spec?.codec ? ESSENTIALS[spec.codec] : undefined;
    let problem = essential ? essential(header, message) : null;
    if (problem === null && strict) problem = checkStrict(header, spec, message);
    if (problem)
      return fail(problem.code, `${header.name}: ${problem.message}`, text, header.offset);
  }
  return ok(message);
}

/**
 * The header counts RFC 3261 requires, which RFC 4475 §3.3 leaves to the application (it answers
 * 400, §3.3.1 and §3.3.8): every mandatory header present (§8.1.1, §8.2.6.2) and no header that is
 * neither a list nor repeatable on two rows (§7.3.1). Not run by `parseMessage`: a message that
 * fails here is still well formed, and all its rows are kept.
 */
export function checkHeaderCounts(message: SipMessage): Result<SipMessage> {
  const seen = new Set<HeaderSpec>();
  for (const header of message.headers) {
    const spec = lookupHeader(header.canonical);
    if (spec === undefined) continue;
    if (!spec.list && spec.repeatable !== true && seen.has(spec)) {
      const row = `${header.name}:${header.raw}`;
      return fail('SIP_DUPLICATE_HEADER', `${spec.name} appears more than once`, row, 0);
    }
    seen.add(spec);
  }
  for (const spec of MANDATORY) {
    if (!seen.has(spec)) return fail('SIP_MISSING_HEADER', `${spec.name} is missing`, '', 0);
  }
  return ok(message);
}
