import { isAlpha, isDigit } from './chars.ts';
import {
  findInvalidEscaped,
  HEADER_CHARS,
  PARAM_CHARS,
  PASSWORD_CHARS,
  USER_CHARS,
} from './escape.ts';
import { fail, ok, type Result } from './errors.ts';
import { isValidHost, parseHost } from './host.ts';
import type { ParseOptions } from './options.ts';
import { parseTelUri, serializeTelUri } from './tel-uri.ts';
import type { OpaqueUri, SipUri, Uri, UriHeader, UriParam } from './uri-model.ts';

/**
 * The user part as the grammar allows it, ";" and "?" included (user-unreserved):
 * `sip:alice;day=tuesday@atlanta.com` is a valid user (RFC 3261 §19.1.3).
 */
const USER_GRAMMAR = new Uint8Array(USER_CHARS);
USER_GRAMMAR[0x3b] = 1;
USER_GRAMMAR[0x3f] = 1;

/**
 * Tolerant mode accepts, inside a component, any visible character that cannot end the component
 * or the surrounding header: real-world user parts carry "#", non-ASCII letters, stray "%". Spaces,
 * controls, `<`, `>` and `"` are never accepted.
 */
function findLooseInvalid(s: string, delimiters: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22) return i;
    for (let k = 0; k < delimiters.length; k++) if (delimiters.charCodeAt(k) === c) return i;
  }
  return -1;
}

function checkComponent(
  s: string,
  grammar: Uint8Array,
  delimiters: string,
  strict: boolean,
): number {
  return strict ? findInvalidEscaped(s, grammar) : findLooseInvalid(s, delimiters);
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )   (RFC 3986 §3.1) */
function schemeEnd(input: string): number {
  if (!isAlpha(input.charCodeAt(0))) return -1;
  let i = 1;
  for (; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x3a) return i;
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return -1;
  }
  return -1;
}

/**
 * addr-spec = SIP-URI / SIPS-URI / absoluteURI   (RFC 3261 §25.1)
 *
 * sip and sips URIs are parsed into their parts, tel URIs per RFC 3966, every other scheme is
 * kept opaque. Parts are kept as written (escaped, original case).
 */
export function parseUri(input: string, options?: ParseOptions): Result<Uri> {
  const strict = options?.strict === true;
  if (input.length === 0) return fail('SIP_BAD_URI', 'URI expected', input, 0);
  const colon = schemeEnd(input);
  if (colon === -1) return fail('SIP_BAD_SCHEME', 'URI must start with a scheme and ":"', input, 0);
  const schemeRaw = input.slice(0, colon);
  const scheme = schemeRaw.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(input, scheme, schemeRaw, strict);
  if (scheme === 'tel') return parseTelUri(input, schemeRaw, strict);
  return parseOpaqueUri(input, scheme, schemeRaw, strict);
}

/**
 * absoluteURI = scheme ":" ( hier-part / opaque-part )   (RFC 3261 §25.1, RFC 3986 §3)
 * Kept opaque: only checked for characters that could break the header around it.
 */
function parseOpaqueUri(
  input: string,
  scheme: string,
  schemeRaw: string,
  strict: boolean,
): Result<OpaqueUri> {
  const body = input.slice(schemeRaw.length + 1);
  // Tolerant mode keeps an empty body (`urn:`) as written; RFC 3986 needs at least a path.
  if (strict && body.length === 0)
    return fail('SIP_BAD_URI', 'empty URI after scheme', input, input.length);
  const bad = findLooseInvalid(body, '');
  if (bad !== -1)
    return fail('SIP_BAD_URI', 'invalid character in URI', input, schemeRaw.length + 1 + bad);
  return ok({ scheme, schemeRaw, body, raw: input });
}

/**
 * SIP-URI  = "sip:" [ userinfo ] hostport uri-parameters [ headers ]   (RFC 3261 §19.1.1, §25.1)
 * userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
 * hostport = host [ ":" port ]
 *
 * The userinfo ends at the first "@": "@" is not allowed unescaped anywhere else in the URI.
 */
function parseSipUri(
  input: string,
  scheme: 'sip' | 'sips',
  schemeRaw: string,
  strict: boolean,
): Result<SipUri> {
  const start = schemeRaw.length + 1;
  let user: string | null = null;
  let password: string | null = null;
  let i = start;
  const at = input.indexOf('@', start);
  if (at !== -1) {
    const userinfo = input.slice(start, at);
    const pc = userinfo.indexOf(':');
    user = pc === -1 ? userinfo : userinfo.slice(0, pc);
    password = pc === -1 ? null : userinfo.slice(pc + 1);
    // user = 1*( unreserved / escaped / user-unreserved ): tolerant mode accepts an empty user
    // (`sip:@host`), which some gateways send for anonymous calls.
    if (user.length === 0 && strict) return fail('SIP_BAD_USER', 'empty user part', input, start);
    const badUser = checkComponent(user, USER_GRAMMAR, ':@', strict);
    if (badUser !== -1)
      return fail('SIP_BAD_USER', 'invalid character in user part', input, start + badUser);
    if (password !== null) {
      const badPw = checkComponent(password, PASSWORD_CHARS, '@', strict);
      if (badPw !== -1)
        return fail('SIP_BAD_USER', 'invalid character in password', input, start + pc + 1 + badPw);
    }
    i = at + 1;
  }
  const host = parseHost(input, i, strict);
  if (!host.ok) return host;
  const { value: hostText, type: hostType } = host.value;
  i = host.value.end;
  // port = 1*DIGIT, 0 to 65535. The one normalisation of this parser: a port written with leading
  // zeros (`:05060`) is kept as a number and serialized without them. More than five digits is
  // refused even when the value would fit.
  let port: number | null = null;
  if (input.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    while (isDigit(input.charCodeAt(j))) j++;
    const digits = input.slice(i + 1, j);
    if (digits.length === 0 || digits.length > 5 || Number(digits) > 65535) {
      return fail('SIP_BAD_PORT', 'port must be a number from 0 to 65535', input, i + 1);
    }
    port = Number(digits);
    i = j;
  }
  const params: UriParam[] = [];
  while (input.charCodeAt(i) === 0x3b) {
    let j = i + 1;
    while (j < input.length && input.charCodeAt(j) !== 0x3b && input.charCodeAt(j) !== 0x3f) j++;
    const p = splitPair(input.slice(i + 1, j));
    const bad = paramProblem(p, strict);
    if (bad !== -1) return fail('SIP_BAD_PARAM', 'invalid URI parameter', input, i + 1 + bad);
    params.push(p);
    i = j;
  }
  const headers: UriHeader[] = [];
  if (input.charCodeAt(i) === 0x3f) {
    const parts = input.slice(i + 1).split('&');
    let offset = i + 1;
    for (const part of parts) {
      const h = splitPair(part);
      const bad = headerProblem(h, strict);
      if (bad !== -1) return fail('SIP_BAD_URI', 'invalid URI header', input, offset + bad);
      headers.push({ name: h.name, value: h.value as string }); // non-null: checked above
      offset += part.length + 1;
    }
    i = input.length;
  }
  if (i !== input.length) return fail('SIP_BAD_URI', 'unexpected character in URI', input, i);
  return ok({
    scheme,
    schemeRaw,
    user,
    password,
    host: hostText,
    hostType,
    port,
    params,
    headers,
    raw: input,
  });
}

function splitPair(s: string): UriParam {
  const eq = s.indexOf('=');
  return eq === -1 ? { name: s, value: null } : { name: s.slice(0, eq), value: s.slice(eq + 1) };
}

/** uri-parameter: pname [ "=" pvalue ], pname = pvalue = 1*paramchar. Offset of a problem, or -1. */
function paramProblem(p: UriParam, strict: boolean): number {
  if (p.name.length === 0) return 0;
  // "@" is refused in tolerant mode too: after the userinfo it can only be a typo, and written
  // into a URI without userinfo it would be read back as the end of a user part.
  const badName = checkComponent(p.name, PARAM_CHARS, ';?=@', strict);
  if (badName !== -1) return badName;
  if (p.value === null) return -1;
  // pvalue = 1*paramchar: tolerant mode accepts an empty value (`;maddr=`), as sloppy UAs write.
  if (strict && p.value.length === 0) return p.name.length + 1;
  const badValue = checkComponent(p.value, PARAM_CHARS, ';?@', strict);
  return badValue === -1 ? -1 : p.name.length + 1 + badValue;
}

/** header = hname "=" hvalue; hname = 1*(hnv-unreserved / unreserved / escaped). */
function headerProblem(h: UriParam, strict: boolean): number {
  if (h.name.length === 0) return 0;
  if (h.value === null) return h.name.length;
  const badName = checkComponent(h.name, HEADER_CHARS, '&=@', strict);
  if (badName !== -1) return badName;
  const badValue = checkComponent(h.value, HEADER_CHARS, '&@', strict);
  return badValue === -1 ? -1 : h.name.length + 1 + badValue;
}

function unsafe(what: string, text: string, offset: number): Result<string> {
  return fail('SIP_UNSAFE_VALUE', `${what} cannot be written into a URI as it is`, text, offset);
}

/**
 * Renders a URI from its parts (not from `raw`), so that edited URIs come out right. Components
 * are expected escaped (as the parser keeps them and the escape helpers produce them); anything
 * that could end the component, the URI or the header is refused, never altered.
 */
export function serializeUri(uri: Uri): Result<string> {
  if (uri.scheme === 'tel') return serializeTelUri(uri as Extract<Uri, { scheme: 'tel' }>);
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') {
    const o = uri as OpaqueUri;
    const bad = findLooseInvalid(o.body, '');
    if (bad !== -1) return unsafe('URI body', o.body, bad);
    if (schemeEnd(o.schemeRaw + ':') !== o.schemeRaw.length)
      return unsafe('scheme', o.schemeRaw, 0);
    return ok(`${o.schemeRaw}:${o.body}`);
  }
  const u = uri as SipUri;
  if (u.schemeRaw.toLowerCase() !== u.scheme) return unsafe('scheme', u.schemeRaw, 0);
  let out = u.schemeRaw + ':';
  if (u.user === null && u.password !== null) return unsafe('password without user', '', 0);
  if (u.user !== null) {
    const bad = findLooseInvalid(u.user, ':@');
    if (bad !== -1) return unsafe('user', u.user, bad);
    out += u.user;
    if (u.password !== null) {
      const badPw = findLooseInvalid(u.password, '@');
      if (badPw !== -1) return unsafe('password', u.password, badPw);
      out += ':' + u.password;
    }
    out += '@';
  }
  if (!isValidHost(u.host)) return unsafe('host', u.host, 0);
  out += u.host;
  if (u.port !== null) {
    if (!Number.isInteger(u.port) || u.port < 0 || u.port > 65535)
      return unsafe('port', String(u.port), 0);
    out += ':' + u.port;
  }
  for (const p of u.params) {
    const bad = paramProblem(p, false);
    if (bad !== -1) return unsafe('parameter', `${p.name}=${p.value ?? ''}`, bad);
    out += ';' + p.name + (p.value === null ? '' : '=' + p.value);
  }
  for (let k = 0; k < u.headers.length; k++) {
    const h = u.headers[k] as UriHeader;
    const bad = headerProblem(h, false);
    if (bad !== -1) return unsafe('header', `${h.name}=${h.value}`, bad);
    out += (k === 0 ? '?' : '&') + h.name + '=' + h.value;
  }
  return ok(out);
}
