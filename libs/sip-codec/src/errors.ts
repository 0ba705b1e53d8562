/**
 * Errors as data. Every parser returns a {@link Result}; on failure the error carries a stable
 * `code`, a human message, the offset (in UTF-16 code units of `input`) where parsing stopped, and
 * the input itself so a caller can show context without keeping it around separately.
 */
export type SipErrorCode =
  // generic lexical problems
  | 'SIP_EMPTY'
  | 'SIP_UNEXPECTED_CHAR'
  | 'SIP_UNEXPECTED_END'
  | 'SIP_TRAILING_DATA'
  | 'SIP_BAD_TOKEN'
  | 'SIP_BAD_QUOTED_STRING'
  | 'SIP_BAD_ESCAPE'
  | 'SIP_BAD_UTF8'
  | 'SIP_BAD_PARAM'
  | 'SIP_DUPLICATE_PARAM'
  // messages
  | 'SIP_BAD_START_LINE'
  | 'SIP_BAD_METHOD'
  | 'SIP_BAD_VERSION'
  | 'SIP_BAD_STATUS'
  | 'SIP_BAD_HEADER_NAME'
  | 'SIP_BAD_HEADER_LINE'
  | 'SIP_BAD_HEADER_VALUE'
  | 'SIP_MISSING_HEADER'
  | 'SIP_DUPLICATE_HEADER'
  | 'SIP_NO_HEADER_END'
  | 'SIP_BAD_CONTENT_LENGTH'
  | 'SIP_BODY_TRUNCATED'
  | 'SIP_BAD_CSEQ'
  | 'SIP_BAD_VIA'
  | 'SIP_METHOD_MISMATCH'
  // URIs and addresses
  | 'SIP_BAD_URI'
  | 'SIP_BAD_SCHEME'
  | 'SIP_BAD_HOST'
  | 'SIP_BAD_PORT'
  | 'SIP_BAD_USER'
  | 'SIP_BAD_TEL'
  | 'SIP_BAD_NUMBER'
  | 'SIP_BAD_NAME_ADDR'
  | 'SIP_BAD_DISPLAY_NAME'
  // specific headers
  | 'SIP_BAD_DIVERSION'
  | 'SIP_BAD_HISTORY_INFO'
  | 'SIP_BAD_INDEX'
  | 'SIP_BAD_REASON'
  | 'SIP_BAD_REFER_TO'
  | 'SIP_BAD_REPLACES'
  | 'SIP_BAD_UUI'
  // serializers and budgets
  | 'SIP_UNSAFE_VALUE'
  | 'SIP_TOO_LARGE'
  | 'SIP_CANNOT_FIT';

export interface SipError {
  readonly code: SipErrorCode;
  readonly message: string;
  /** Where the problem was found, as an index into `input`. */
  readonly offset: number;
  readonly input: string;
}

export type Result<T, E = SipError> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(
  code: SipErrorCode,
  message: string,
  input: string,
  offset: number,
): { readonly ok: false; readonly error: SipError } {
  return { ok: false, error: { code, message, offset, input } };
}

/** Re-bases an error from a sub-parse of `input.slice(base)` onto the whole input. */
export function rebase(error: SipError, input: string, base: number): SipError {
  return { ...error, input, offset: error.offset + base };
}
