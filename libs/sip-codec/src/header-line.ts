import { findUnsafeControl, isUnsafeControl, isWsp, scanToken } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { findLoneSurrogate } from './escape.ts';

/**
 * header-name = token   (RFC 3261 §25.1, message-header = field-name HCOLON field-value CRLF)
 *
 * The one gate for names of headers the product writes: a non-token name (space, ":", control,
 * non-ASCII) could end the name early or start a new line.
 */
export function validateHeaderName(name: string): Result<string> {
  if (name === '') return fail('SIP_BAD_HEADER_NAME', 'empty header name', name, 0);
  const end = scanToken(name, 0);
  if (end === name.length) return ok(name);
  const code = isUnsafeControl(name.charCodeAt(end)) ? 'SIP_UNSAFE_VALUE' : 'SIP_BAD_HEADER_NAME';
  return fail(code, `header name ${JSON.stringify(name)} is not a token`, name, end);
}

/**
 * A header value the product writes: no CR, LF, NUL or other control character but HTAB (so no
 * header can be smuggled and no fold can be started), and valid UTF-16 so that it encodes to
 * UTF-8 faithfully. Leading or trailing whitespace would be lost by any parser that reads the value
 * back, so it is refused too, rather than silently trimmed.
 */
// eslint-disable-next-line no-control-regex -- the controls are what it looks for
const SUSPECT = /[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]/;

export function validateHeaderValue(value: string): Result<string> {
  // Fast path for the common value: one regex scan finds no control and no surrogate at all.
  if (!SUSPECT.test(value)) {
    const clean = !isWsp(value.charCodeAt(0)) && !isWsp(value.charCodeAt(value.length - 1));
    if (clean) return ok(value);
  }
  const control = findUnsafeControl(value);
  if (control !== -1)
    return fail('SIP_UNSAFE_VALUE', 'header value holds a control character', value, control);
  const surrogate = findLoneSurrogate(value);
  if (surrogate !== -1)
    return fail('SIP_UNSAFE_VALUE', 'header value holds a lone surrogate', value, surrogate);
  // charCodeAt past either end is NaN, which is not whitespace: '' passes.
  const last = value.length - 1;
  if (isWsp(value.charCodeAt(0)) || isWsp(value.charCodeAt(last))) {
    const at = isWsp(value.charCodeAt(0)) ? 0 : last;
    return fail('SIP_UNSAFE_VALUE', 'header value starts or ends with whitespace', value, at);
  }
  return ok(value);
}

/** `Name: value\r\n`, or the reason it cannot be written. */
export function serializeHeaderLine(name: string, value: string): Result<string> {
  const n = validateHeaderName(name);
  if (!n.ok) return n;
  const v = validateHeaderValue(value);
  if (!v.ok) return v;
  return ok(`${name}: ${value}\r\n`);
}

export interface HeaderField {
  readonly name: string;
  readonly value: string;
}

/**
 * A block of header lines, all or nothing: one header that cannot be written refuses the whole
 * block, with the index and name of that header in the message, so a request is never
 * half-modified.
 */
export function serializeHeaderBlock(headers: readonly HeaderField[]): Result<string> {
  let out = '';
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as HeaderField;
    const line = serializeHeaderLine(h.name, h.value);
    if (!line.ok) {
      return {
        ok: false,
        error: {
          ...line.error,
          message: `header #${i} (${JSON.stringify(h.name)}): ${line.error.message}`,
        },
      };
    }
    out += line.value;
  }
  return ok(out);
}
