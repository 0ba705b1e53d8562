import { isAlpha, isDigit, isHexDigit } from './chars.ts';
import { findInvalidEscaped, PARAM_CHARS } from './escape.ts';
import { fail, ok, type Result } from './errors.ts';
import type { TelUri, UriParam } from './uri-model.ts';

function isVisualSeparator(c: number): boolean {
  return c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29; // - . ( )
}

/**
 * global-number-digits = "+" *phonedigit DIGIT *phonedigit
 * local-number-digits  = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
 * phonedigit           = DIGIT / [ visual-separator ]
 * phonedigit-hex       = HEXDIG / "*" / "#" / [ visual-separator ]      (RFC 3966 §3)
 */
function numberProblem(n: string, global: boolean): number {
  let digits = 0;
  for (let i = global ? 1 : 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (isVisualSeparator(c)) continue;
    const ok = global ? isDigit(c) : isHexDigit(c) || c === 0x2a || c === 0x23;
    if (!ok) return i;
    digits++;
  }
  return digits === 0 ? n.length : -1;
}

/** True when `n` is a telephone-subscriber's number, global (`+1-206…`) or local (`*67`, `7042`). */
export function isTelNumber(n: string): boolean {
  return numberProblem(n, n.startsWith('+')) === -1;
}

/** pname = 1*( alphanum / "-" ); pvalue = 1*paramchar   (RFC 3966 §3) */
function telParamProblem(p: UriParam, strict: boolean): number {
  if (p.name.length === 0) return 0;
  for (let i = 0; i < p.name.length; i++) {
    const c = p.name.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 0x2d)) return i;
  }
  if (p.value === null) return -1;
  if (p.value.length === 0) return strict ? p.name.length + 1 : -1;
  const bad = strict ? findInvalidEscaped(p.value, PARAM_CHARS) : looseProblem(p.value);
  return bad === -1 ? -1 : p.name.length + 1 + bad;
}

function looseProblem(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x3b) return i;
  }
  return -1;
}

/**
 * telephone-uri = "tel:" telephone-subscriber; telephone-subscriber = global-number / local-number
 * global-number = global-number-digits *par; local-number = local-number-digits *par context *par
 *
 * Strict mode requires the phone-context parameter of a local number (RFC 3966 §5.1.5); tolerant
 * mode accepts a local number without it, as many PBXs send.
 */
export function parseTelUri(input: string, schemeRaw: string, strict: boolean): Result<TelUri> {
  const start = schemeRaw.length + 1;
  const semi = input.indexOf(';', start);
  const number = input.slice(start, semi === -1 ? input.length : semi);
  const global = number.startsWith('+');
  const bad = numberProblem(number, global);
  if (bad !== -1) return fail('SIP_BAD_TEL', 'invalid telephone number', input, start + bad);
  const params: UriParam[] = [];
  let offset = semi;
  if (semi !== -1) {
    for (const part of input.slice(semi + 1).split(';')) {
      const eq = part.indexOf('=');
      const p =
        eq === -1
          ? { name: part, value: null }
          : { name: part.slice(0, eq), value: part.slice(eq + 1) };
      const pb = telParamProblem(p, strict);
      if (pb !== -1)
        return fail('SIP_BAD_PARAM', 'invalid tel URI parameter', input, offset + 1 + pb);
      params.push(p);
      offset += part.length + 1;
    }
  }
  if (strict && !global && !params.some((p) => p.name.toLowerCase() === 'phone-context')) {
    return fail('SIP_BAD_TEL', 'a local number needs a phone-context parameter', input, start);
  }
  return ok({ scheme: 'tel', schemeRaw, number, global, params, raw: input });
}

/** Renders a tel URI from its parts, refusing anything its grammar does not allow. */
export function serializeTelUri(uri: TelUri): Result<string> {
  if (uri.schemeRaw.toLowerCase() !== 'tel') {
    return fail('SIP_UNSAFE_VALUE', 'tel URI scheme expected', uri.schemeRaw, 0);
  }
  const global = uri.number.startsWith('+');
  const bad = numberProblem(uri.number, global);
  if (bad !== -1) return fail('SIP_UNSAFE_VALUE', 'invalid telephone number', uri.number, bad);
  let out = `${uri.schemeRaw}:${uri.number}`;
  for (const p of uri.params) {
    const pb = telParamProblem(p, false);
    if (pb !== -1) return fail('SIP_UNSAFE_VALUE', 'invalid tel URI parameter', p.name, pb);
    out += ';' + p.name + (p.value === null ? '' : '=' + p.value);
  }
  return ok(out);
}
