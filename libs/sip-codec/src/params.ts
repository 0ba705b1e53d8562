import {
  DQUOTE,
  findUnsafeControl,
  isToken,
  isTokenChar,
  quoteString,
  scanQuotedString,
  scanToken,
  skipSws,
} from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import type { ParseOptions } from './options.ts';

/**
 * One header parameter, kept in the order it was written. `value` is null for a flag (`;lr`), the
 * unquoted and unescaped text otherwise; `quoted` records whether it was a quoted-string so that a
 * re-serialization keeps its form. Names keep their original spelling; compare them with
 * {@link getParam}, which ignores case.
 */
export interface Param {
  readonly name: string;
  readonly value: string | null;
  readonly quoted: boolean;
}

export interface ParamsScan {
  readonly params: Param[];
  /** Index of the first character after the last parameter (and its trailing whitespace). */
  readonly end: number;
}

/**
 * Tolerant mode accepts unquoted values outside `token / host`: real trunks send things like
 * `journey_stage=loan‑apps` (a non-ASCII hyphen) or `;x=a:b/c`. Everything but the characters that
 * delimit a parameter or a list entry is taken.
 */
function isLooseValueChar(c: number): boolean {
  return (
    c > 0x20 &&
    c !== 0x7f &&
    c !== 0x3b /* ; */ &&
    c !== 0x2c /* , */ &&
    c !== DQUOTE &&
    c !== 0x3c /* < */ &&
    c !== 0x3e /* > */ &&
    c !== 0x5c /* \ */ &&
    c !== 0x3d /* = */
  );
}

/**
 * gen-value = token / host / quoted-string   (RFC 3261 §25.1)
 * host includes IPv6reference "[" IPv6address "]", whose colons are not token characters.
 */
function scanGenValue(
  input: string,
  pos: number,
  strict: boolean,
): Result<{ value: string; quoted: boolean; end: number }> {
  const c = input.charCodeAt(pos);
  if (c === DQUOTE) {
    const q = scanQuotedString(input, pos);
    if (q.end < 0) {
      return fail(
        'SIP_BAD_QUOTED_STRING',
        'unterminated or invalid quoted string',
        input,
        -q.end - 1,
      );
    }
    return ok({ value: q.value, quoted: true, end: q.end });
  }
  if (c === 0x5b /* [ */) {
    const close = input.indexOf(']', pos);
    if (close === -1) return fail('SIP_BAD_PARAM', 'unterminated IPv6 reference', input, pos);
    const inner = input.slice(pos + 1, close);
    if (!/^[0-9A-Fa-f:.]+$/.test(inner)) {
      return fail('SIP_BAD_PARAM', 'invalid IPv6 reference in parameter value', input, pos);
    }
    return ok({ value: input.slice(pos, close + 1), quoted: false, end: close + 1 });
  }
  let end = scanToken(input, pos);
  if (!strict) {
    while (end < input.length && isLooseValueChar(input.charCodeAt(end))) end++;
  }
  if (end === pos) {
    if (strict) return fail('SIP_BAD_PARAM', 'parameter value expected after "="', input, pos);
    return ok({ value: '', quoted: false, end });
  }
  return ok({ value: input.slice(pos, end), quoted: false, end });
}

/**
 * *( SEMI generic-param )    SEMI = SWS ";" SWS
 * generic-param = token [ EQUAL gen-value ]    EQUAL = SWS "=" SWS
 *
 * Starts at `pos` (before the first ";") and stops before the first character that does not start
 * another parameter, such as "," or the end of the input. Whitespace is skipped around ";" and "=".
 */
export function scanParams(input: string, pos: number, options?: ParseOptions): Result<ParamsScan> {
  const strict = options?.strict === true;
  const params: Param[] = [];
  let i = skipSws(input, pos);
  while (input.charCodeAt(i) === 0x3b /* ; */) {
    i = skipSws(input, i + 1);
    const nameEnd = scanToken(input, i);
    if (nameEnd === i) {
      // A trailing ";" with nothing after it is a common sloppiness; strict mode refuses it.
      if (!strict && (i >= input.length || input.charCodeAt(i) === 0x2c)) break;
      return fail('SIP_BAD_PARAM', 'parameter name expected after ";"', input, i);
    }
    const name = input.slice(i, nameEnd);
    i = skipSws(input, nameEnd);
    if (input.charCodeAt(i) === 0x3d /* = */) {
      const v = scanGenValue(input, skipSws(input, i + 1), strict);
      if (!v.ok) return v;
      params.push({ name, value: v.value.value, quoted: v.value.quoted });
      i = skipSws(input, v.value.end);
    } else {
      params.push({ name, value: null, quoted: false });
    }
  }
  return ok({ params, end: i });
}

/** Parses a string made only of parameters, such as `;a=1;b`, to its end. */
export function parseParams(input: string, options?: ParseOptions): Result<Param[]> {
  const r = scanParams(input, 0, options);
  if (!r.ok) return r;
  if (r.value.end !== input.length) {
    return fail('SIP_TRAILING_DATA', 'unexpected text after parameters', input, r.value.end);
  }
  return ok(r.value.params);
}

/** The first parameter named `name`, compared without regard to case. */
export function getParam(params: readonly Param[], name: string): Param | undefined {
  const lower = name.toLowerCase();
  for (const p of params) if (p.name.toLowerCase() === lower) return p;
  return undefined;
}

/** `undefined` when absent, `null` for a flag, the value otherwise. */
export function paramValue(params: readonly Param[], name: string): string | null | undefined {
  return getParam(params, name)?.value;
}

/**
 * A copy of `params` with `name` set: the first occurrence is replaced in place (keeping order),
 * further occurrences are removed; the parameter is appended when absent.
 */
export function withParam(
  params: readonly Param[],
  name: string,
  value: string | null,
  quoted = false,
): Param[] {
  const lower = name.toLowerCase();
  const out: Param[] = [];
  let done = false;
  for (const p of params) {
    if (p.name.toLowerCase() !== lower) out.push(p);
    else if (!done) {
      out.push({ name: p.name, value, quoted });
      done = true;
    }
  }
  if (!done) out.push({ name, value, quoted });
  return out;
}

/** A copy of `params` without any parameter named `name`. */
export function withoutParam(params: readonly Param[], name: string): Param[] {
  const lower = name.toLowerCase();
  return params.filter((p) => p.name.toLowerCase() !== lower);
}

function isIpv6Reference(v: string): boolean {
  return (
    v.length > 2 &&
    v[0] === '[' &&
    v[v.length - 1] === ']' &&
    /^[0-9A-Fa-f:.]+$/.test(v.slice(1, -1))
  );
}

/**
 * Renders one parameter without its leading ";". The name must be a token. A value is written bare
 * when it is a token or an IPv6 reference and was not quoted; any other value is quoted and
 * escaped, so a value can never end the parameter, the entry or the header early. Values holding
 * control characters (CR, LF, NUL…) are refused.
 */
export function serializeParam(p: Param): Result<string> {
  if (!isToken(p.name)) {
    return fail(
      'SIP_UNSAFE_VALUE',
      `parameter name ${JSON.stringify(p.name)} is not a token`,
      p.name,
      0,
    );
  }
  if (p.value === null) return ok(p.name);
  if (!p.quoted && (isToken(p.value) || isIpv6Reference(p.value)))
    return ok(`${p.name}=${p.value}`);
  const q = quoteString(p.value);
  if (q === null) {
    return fail(
      'SIP_UNSAFE_VALUE',
      `parameter ${p.name} holds a control character`,
      p.value,
      findUnsafeControl(p.value),
    );
  }
  return ok(`${p.name}=${q}`);
}

/** Renders a parameter list as `;a=1;b`, refusing any parameter {@link serializeParam} refuses. */
export function serializeParams(params: readonly Param[]): Result<string> {
  let out = '';
  for (const p of params) {
    const r = serializeParam(p);
    if (!r.ok) return r;
    out += ';' + r.value;
  }
  return ok(out);
}

/** True when `name` could be a parameter name: a non-empty token. */
export function isParamName(name: string): boolean {
  return name.length > 0 && scanToken(name, 0) === name.length && isTokenChar(name.charCodeAt(0));
}
