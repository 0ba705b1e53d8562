import {
  DQUOTE,
  findUnsafeControl,
  isToken,
  isWsp,
  quoteString,
  scanQuotedString,
  scanToken,
  skipSws,
} from './chars.ts';
import { fail, ok, rebase, type Result, type SipErrorCode } from './errors.ts';
import type { ParseOptions } from './options.ts';
import { scanParams, serializeParams, type Param } from './params.ts';
import { parseUri, serializeUri } from './uri.ts';
import type { Uri } from './uri-model.ts';

/**
 * An address as From, To, Contact, Diversion, History-Info, Refer-To and friends carry it:
 * `[display-name] <uri>;params` or a bare `uri;params`.
 */
export interface NameAddr {
  /** Unquoted and unescaped; null when there is none. */
  readonly displayName: string | null;
  readonly displayNameQuoted: boolean;
  readonly uri: Uri;
  /** True when written as name-addr (`<uri>`), false for a bare addr-spec. */
  readonly angleBrackets: boolean;
  /** The header parameters after the address, in order. */
  readonly params: readonly Param[];
  /** The entry as written, without surrounding whitespace. */
  readonly raw: string;
}

export interface NameAddrScan {
  readonly value: NameAddr;
  /** Index after the entry and its trailing whitespace: the end, or a "," in a list. */
  readonly end: number;
}

/**
 * display-name = *(token LWS) / quoted-string       (RFC 3261 §25.1)
 *
 * Tolerant mode also accepts an unquoted display name made of anything but "<", `"`, ",", ";" and
 * control characters (`José Núñez <sip:…>`; `Smith, J. <sip:…>` is NOT accepted since "," splits
 * lists, RFC 4475 §3.1.2.16 baddn).
 */
function scanDisplayName(
  input: string,
  pos: number,
  strict: boolean,
): Result<{ name: string | null; quoted: boolean; end: number }> {
  if (input.charCodeAt(pos) === DQUOTE) {
    const q = scanQuotedString(input, pos);
    if (q.end < 0) {
      return fail(
        'SIP_BAD_DISPLAY_NAME',
        'unterminated or invalid quoted display name',
        input,
        -q.end - 1,
      );
    }
    return ok({ name: q.value, quoted: true, end: skipSws(input, q.end) });
  }
  // An unquoted display name ends at "<". Reaching "," (the next list entry), '"' (a quoted
  // parameter value) or the end first means this entry is a bare addr-spec. Bounding the scan this
  // way also keeps a long list of addr-specs linear.
  let lt = pos;
  while (lt < input.length) {
    const c = input.charCodeAt(lt);
    if (c === 0x3c || c === 0x2c || c === DQUOTE) break;
    lt++;
  }
  if (input.charCodeAt(lt) !== 0x3c) return ok({ name: null, quoted: false, end: pos });
  const text = input.slice(pos, lt);
  if (strict) {
    let i = 0;
    while (i < text.length) {
      const e = scanToken(text, i);
      if (e === i)
        return fail(
          'SIP_BAD_DISPLAY_NAME',
          'display name must be tokens or quoted',
          input,
          pos + i,
        );
      i = skipSws(text, e);
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const folded = skipSws(text, i);
      if (folded > i) {
        i = folded - 1; // whitespace, a line fold included
        continue;
      }
      if (c === 0x3b || c < 0x20 || c === 0x7f) {
        return fail('SIP_BAD_DISPLAY_NAME', 'unexpected character in display name', input, pos + i);
      }
    }
  }
  // A line fold left inside the name (`Alice\r\n Smith`) is linear whitespace: keep the space only.
  const trimmed = text.replace(/\r?\n(?=[ \t])/g, '').trim();
  return ok({ name: trimmed === '' ? null : trimmed, quoted: false, end: lt });
}

/** Where a bare addr-spec's URI ends: it may not contain ";", ",", "?" unescaped (RFC 3261 §20.10). */
function addrSpecEnd(input: string, pos: number): number {
  let i = pos;
  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (c === 0x3b || c === 0x2c || c === 0x3f || isWsp(c) || c === 0x0d || c === 0x0a) break;
    i++;
  }
  return i;
}

/**
 * ( name-addr / addr-spec ) *( SEMI generic-param )
 * name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *
 * Parses one entry starting at `pos` and stops at "," or the end of the input.
 */
export function scanNameAddr(
  input: string,
  pos: number,
  options?: ParseOptions,
): Result<NameAddrScan> {
  const strict = options?.strict === true;
  const start = skipSws(input, pos);
  if (start >= input.length) return fail('SIP_BAD_NAME_ADDR', 'address expected', input, start);
  const dn = scanDisplayName(input, start, strict);
  if (!dn.ok) return dn;
  let i = dn.value.end;
  let uriText: string;
  let uriStart: number;
  let angle = false;
  if (input.charCodeAt(i) === 0x3c /* < */) {
    angle = true;
    const close = input.indexOf('>', i + 1);
    if (close === -1) return fail('SIP_BAD_NAME_ADDR', 'missing ">"', input, i);
    uriStart = i + 1;
    uriText = input.slice(uriStart, close);
    if (!strict) {
      // Tolerated: whitespace just inside the brackets, `< sip:a@b >`.
      const lead = uriText.length - uriText.trimStart().length;
      uriStart += lead;
      uriText = uriText.trim();
    }
    i = close + 1;
  } else {
    if (dn.value.name !== null)
      return fail('SIP_BAD_NAME_ADDR', 'expected "<" after display name', input, i);
    uriStart = i;
    i = addrSpecEnd(input, i);
    uriText = input.slice(uriStart, i);
  }
  const uri = parseUri(uriText, options);
  if (!uri.ok) return { ok: false, error: rebase(uri.error, input, uriStart) };
  const ps = scanParams(input, i, options);
  if (!ps.ok) return ps;
  const end = ps.value.end;
  const next = input.charCodeAt(end);
  if (end < input.length && next !== 0x2c /* , */) {
    return fail('SIP_BAD_NAME_ADDR', 'unexpected text after address', input, end);
  }
  let rawEnd = end;
  while (rawEnd > start && isWsp(input.charCodeAt(rawEnd - 1))) rawEnd--;
  return ok({
    value: {
      displayName: dn.value.name,
      displayNameQuoted: dn.value.quoted,
      uri: uri.value,
      angleBrackets: angle,
      params: ps.value.params,
      raw: input.slice(start, rawEnd),
    },
    end,
  });
}

/** Parses a value holding exactly one address (From, To, Referred-By, Refer-To…). */
export function parseNameAddr(input: string, options?: ParseOptions): Result<NameAddr> {
  const r = scanNameAddr(input, 0, options);
  if (!r.ok) return r;
  if (r.value.end !== input.length) {
    return fail('SIP_TRAILING_DATA', 'only one address expected', input, r.value.end);
  }
  return ok(r.value.value);
}

/**
 * Parses a comma-separated list of addresses (one row of Contact, Route, Diversion, History-Info…),
 * keeping their order. Commas inside quotes and angle brackets do not split.
 */
export function parseNameAddrList(input: string, options?: ParseOptions): Result<NameAddr[]> {
  const out: NameAddr[] = [];
  let i = 0;
  for (;;) {
    const r = scanNameAddr(input, i, options);
    if (!r.ok) return r;
    out.push(r.value.value);
    i = r.value.end;
    if (i >= input.length) return ok(out);
    i = skipSws(input, i + 1); // past ","
    if (i >= input.length) return fail('SIP_BAD_NAME_ADDR', 'address expected after ","', input, i);
  }
}

export interface AddressRowsErrors {
  readonly code: SipErrorCode;
  /** Message for a row with nothing in it. */
  readonly empty: string;
  /** Message for a "," with no entry after it. */
  readonly missing: string;
}

/**
 * Reads a header whose rows are comma lists of addresses with header-specific params (Diversion,
 * History-Info): every row in order, every entry turned into `T` by `toEntry`, which gets the
 * address, its row and the entry's offset in the row. The first error stops the read.
 */
export function parseAddressRows<T>(
  rows: string | readonly string[],
  options: ParseOptions | undefined,
  errors: AddressRowsErrors,
  toEntry: (address: NameAddr, row: string, offset: number) => Result<T>,
): Result<T[]> {
  const out: T[] = [];
  for (const row of typeof rows === 'string' ? [rows] : rows) {
    let i = skipSws(row, 0);
    if (i >= row.length) return fail(errors.code, errors.empty, row, i);
    for (;;) {
      const na = scanNameAddr(row, i, options);
      if (!na.ok) return na;
      const entry = toEntry(na.value.value, row, skipSws(row, i));
      if (!entry.ok) return entry;
      out.push(entry.value);
      i = na.value.end;
      if (i >= row.length) break;
      i = skipSws(row, i + 1);
      if (i >= row.length) return fail(errors.code, errors.missing, row, i);
    }
  }
  return ok(out);
}

function renderDisplayName(name: string, quoted: boolean): Result<string> {
  const bad = findUnsafeControl(name);
  if (bad !== -1)
    return fail('SIP_UNSAFE_VALUE', 'display name holds a control character', name, bad);
  // Unquoted only when it was unquoted and is still *(token LWS): anything else gets quoted.
  if (!quoted && name.split(' ').every((w) => isToken(w))) return ok(name);
  return ok(quoteString(name) as string);
}

/**
 * Renders an address. Angle brackets are used whenever they are needed to keep the meaning: with a
 * display name, and whenever the URI holds ";", "," or "?" (whose parameters or headers would
 * otherwise be read as the header's own, RFC 3261 §20.10).
 */
export function serializeNameAddr(na: NameAddr): Result<string> {
  const uri = serializeUri(na.uri);
  if (!uri.ok) return uri;
  const params = serializeParams(na.params);
  if (!params.ok) return params;
  let head = '';
  // An empty display name is written only when it was quoted (`"" <sip:…>`), as it was read.
  if (na.displayName !== null && (na.displayName !== '' || na.displayNameQuoted)) {
    const dn = renderDisplayName(na.displayName, na.displayNameQuoted);
    if (!dn.ok) return dn;
    head = dn.value + ' ';
  }
  const needAngle = head !== '' || na.angleBrackets || /[;,?]/.test(uri.value);
  const addr = needAngle ? `${head}<${uri.value}>` : uri.value;
  return ok(addr + params.value);
}

/** Builds a NameAddr for a URI, with optional display name and params. */
export function nameAddr(
  uri: Uri,
  displayName: string | null = null,
  params: readonly Param[] = [],
): NameAddr {
  return {
    displayName,
    displayNameQuoted: displayName !== null,
    uri,
    angleBrackets: true,
    params,
    raw: '',
  };
}
