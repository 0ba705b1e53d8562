import {
  DQUOTE,
  equalsIgnoreCase,
  findUnsafeControl,
  isHexDigit,
  isToken,
  quoteString,
  scanQuotedString,
  scanToken,
  skipSws,
} from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import type { ParseOptions } from './options.ts';
import { getParam, scanParams, serializeParams, type Param } from './params.ts';
import { syncParam } from './synced-params.ts';

/**
 * One uui-value of a User-to-User header (RFC 7433): opaque call-control data for the application
 * that accepts the session. `encoding`, `purpose` and `content` are read from their parameters,
 * which stay in `params`; when serializing these fields win over the list.
 *
 * RFC 7433 sets no size limit of its own; packages do (the ISDN UUI package of RFC 7434 carries
 * the ISDN user-user information element, whose size is limited by the ISDN network). Size
 * budgets are therefore left to the policy layer: `decoded.length` gives the octet count.
 */
export interface UuiValue {
  /** The uui-data, unquoted and unescaped when it was a quoted-string. */
  readonly data: string;
  readonly dataQuoted: boolean;
  readonly encoding: string | null;
  readonly purpose: string | null;
  readonly content: string | null;
  readonly params: readonly Param[];
  readonly raw: string;
  /** The octets, when `encoding` is `hex` (any case) and `data` is valid hex. */
  readonly decoded?: Uint8Array;
}

/** Decodes an even-length string of hex digits; null for anything else. */
export function decodeHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < s.length; i += 2) {
    if (!isHexDigit(s.charCodeAt(i)) || !isHexDigit(s.charCodeAt(i + 1))) return null;
    out[i / 2] = parseInt(s.slice(i, i + 2), 16);
  }
  return out;
}

export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Tolerated uui-data characters: anything but controls and the ";" "," that end it. */
function isLooseDataChar(c: number): boolean {
  return (c >= 0x20 || c === 0x09) && c !== 0x7f && c !== 0x3b && c !== 0x2c && c !== DQUOTE;
}

/** uui-data = token / quoted-string */
function scanUuiData(
  input: string,
  pos: number,
  strict: boolean,
): Result<{ data: string; quoted: boolean; end: number }> {
  if (input.charCodeAt(pos) === DQUOTE) {
    const q = scanQuotedString(input, pos);
    if (q.end < 0)
      return fail(
        'SIP_BAD_QUOTED_STRING',
        'unterminated or invalid quoted string',
        input,
        -q.end - 1,
      );
    return ok({ data: q.value, quoted: true, end: q.end });
  }
  let end = scanToken(input, pos);
  if (!strict) {
    // Tolerated: unquoted data that is not a token, such as `0000001.This is a test` sent with
    // `encoding=text` by some gateways; it runs to the next ";" or "," and is trimmed.
    while (end < input.length && isLooseDataChar(input.charCodeAt(end))) end++;
  }
  const data = input.slice(pos, end).trimEnd();
  if (data === '') return fail('SIP_BAD_UUI', 'uui-data expected', input, pos);
  return ok({ data, quoted: false, end: pos + data.length });
}

/** Reads the well-known parameters and, for hex encoding, the octets. */
function readUuiParams(
  input: string,
  pos: number,
  data: string,
  params: readonly Param[],
  strict: boolean,
): Result<Pick<UuiValue, 'encoding' | 'purpose' | 'content' | 'decoded'>> {
  const encoding = getParam(params, 'encoding')?.value ?? null;
  const fields = {
    encoding,
    purpose: getParam(params, 'purpose')?.value ?? null,
    content: getParam(params, 'content')?.value ?? null,
  };
  if (encoding === null || !equalsIgnoreCase(encoding, 'hex')) return ok(fields);
  const decoded = decodeHex(data);
  if (decoded !== null) return ok({ ...fields, decoded });
  // Tolerated: hex-encoded data that is not valid hex (odd length, other characters) is kept as
  // text, with no `decoded`.
  if (strict)
    return fail(
      'SIP_BAD_UUI',
      'encoding=hex but the data is not an even run of hex digits',
      input,
      pos,
    );
  return ok(fields);
}

/**
 * UUI              = "User-to-User" HCOLON uui-value *(COMMA uui-value)   (RFC 7433 §4.1)
 * uui-value        = uui-data *(SEMI uui-param)
 * uui-data         = token / quoted-string
 * uui-param        = pkg-param / cont-param / enc-param / generic-param
 * pkg-param        = "purpose" EQUAL pkg-param-value     pkg-param-value  = token
 * cont-param       = "content" EQUAL cont-param-value    cont-param-value = token
 * enc-param        = "encoding" EQUAL enc-param-value    enc-param-value  = token / "hex"
 */
export function parseUui(value: string, options?: ParseOptions): Result<UuiValue[]> {
  const strict = options?.strict === true;
  const out: UuiValue[] = [];
  let i = skipSws(value, 0);
  if (i >= value.length) return fail('SIP_EMPTY', 'User-to-User value expected', value, i);
  for (;;) {
    const start = i;
    const d = scanUuiData(value, i, strict);
    if (!d.ok) return d;
    const ps = scanParams(value, d.value.end, options);
    if (!ps.ok) return ps;
    const fields = readUuiParams(value, start, d.value.data, ps.value.params, strict);
    if (!fields.ok) return fields;
    i = ps.value.end;
    out.push({
      data: d.value.data,
      dataQuoted: d.value.quoted,
      ...fields.value,
      params: ps.value.params,
      raw: value.slice(start, i).trimEnd(),
    });
    if (i >= value.length) return ok(out);
    if (value.charCodeAt(i) !== 0x2c /* , */) {
      return fail('SIP_BAD_UUI', 'unexpected text after User-to-User value', value, i);
    }
    i = skipSws(value, i + 1);
  }
}

function renderData(data: string, quoted: boolean): Result<string> {
  if (!quoted && isToken(data)) return ok(data);
  const q = quoteString(data);
  if (q === null)
    return fail(
      'SIP_UNSAFE_VALUE',
      'uui-data holds a control character',
      data,
      findUnsafeControl(data),
    );
  return ok(q);
}

/** Renders one uui-value: data as a token when it is one, quoted otherwise. */
export function serializeUuiValue(v: UuiValue): Result<string> {
  const data = renderData(v.data, v.dataQuoted);
  if (!data.ok) return data;
  let params = syncParam(v.params, 'encoding', v.encoding, false);
  params = syncParam(params, 'purpose', v.purpose, false);
  params = syncParam(params, 'content', v.content, false);
  const rendered = serializeParams(params);
  if (!rendered.ok) return rendered;
  return ok(data.value + rendered.value);
}

/** Renders a User-to-User header value: the uui-values joined by ", ". */
export function serializeUui(values: readonly UuiValue[]): Result<string> {
  if (values.length === 0)
    return fail('SIP_EMPTY', 'at least one User-to-User value is needed', '', 0);
  const parts: string[] = [];
  for (const v of values) {
    const r = serializeUuiValue(v);
    if (!r.ok) return r;
    parts.push(r.value);
  }
  return ok(parts.join(', '));
}

export interface UuiInput {
  /** Octets (hex-encoded when `encoding` is `hex`) or text (sent as a token or quoted-string). */
  readonly data: Uint8Array | string;
  readonly encoding: 'hex' | null;
  readonly purpose?: string | null;
  readonly content?: string | null;
}

/**
 * Builds a uui-value. Bytes need `encoding: 'hex'` (RFC 7433 defines no other way to carry them);
 * a string with `encoding: 'hex'` must already be hex. Purpose and content must be tokens.
 */
export function buildUui(input: UuiInput): Result<UuiValue> {
  let data: string;
  if (typeof input.data === 'string') data = input.data;
  else if (input.encoding === 'hex') data = encodeHex(input.data);
  else return fail('SIP_UNSAFE_VALUE', 'binary UUI data needs encoding=hex', '', 0);
  for (const v of [input.purpose, input.content]) {
    if (v != null && !isToken(v))
      return fail('SIP_UNSAFE_VALUE', 'purpose and content must be tokens', v, 0);
  }
  const draft: UuiValue = {
    data,
    dataQuoted: false,
    encoding: input.encoding,
    purpose: input.purpose ?? null,
    content: input.content ?? null,
    params: [],
    raw: '',
  };
  const raw = serializeUuiValue(draft);
  if (!raw.ok) return raw;
  const parsed = parseUui(raw.value, { strict: true });
  if (!parsed.ok) return parsed;
  return ok(parsed.value[0] as UuiValue);
}
