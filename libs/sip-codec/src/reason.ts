import { equalsIgnoreCase, isDigit, isToken, scanToken, skipSws } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import type { ParseOptions } from './options.ts';
import { getParam, scanParams, serializeParams, type Param } from './params.ts';
import { syncParam } from './synced-params.ts';

/**
 * One reason-value of a Reason header (RFC 3326): why a request (CANCEL, BYE, a History-Info entry…)
 * was sent. `cause` and `text` are read from the `cause` and `text` parameters, which stay in
 * `params` in the order they were written; when serializing, these two fields win over the list.
 */
export interface ReasonValue {
  /** `SIP`, `Q.850` or another token, as written. */
  readonly protocol: string;
  readonly cause: number | null;
  readonly text: string | null;
  readonly params: readonly Param[];
  /** The reason-value as written, without surrounding whitespace. */
  readonly raw: string;
}

/** cause = 1*DIGIT, as a number; null when not digits or too large to be exact. */
function readCause(written: string | null): number | null {
  if (written === null || written === '') return null;
  for (let i = 0; i < written.length; i++) if (!isDigit(written.charCodeAt(i))) return null;
  const n = Number(written);
  return Number.isSafeInteger(n) ? n : null;
}

/** Reads `cause` and `text` out of the parameters of the reason-value that starts at `start`. */
function readReasonParams(
  input: string,
  start: number,
  params: readonly Param[],
  strict: boolean,
): Result<{ cause: number | null; text: string | null }> {
  const cause = getParam(params, 'cause');
  const text = getParam(params, 'text');
  if (strict) {
    for (const name of ['cause', 'text']) {
      if (params.filter((p) => equalsIgnoreCase(p.name, name)).length > 1) {
        return fail('SIP_DUPLICATE_PARAM', `more than one "${name}" parameter`, input, start);
      }
    }
  }
  // cause = 1*DIGIT. Tolerated: anything else leaves `cause` null, the parameter is kept.
  const causeValue = cause === undefined ? null : readCause(cause.value);
  if (strict && cause !== undefined && causeValue === null) {
    return fail('SIP_BAD_REASON', 'cause must be digits', input, start);
  }
  // reason-text = "text" EQUAL quoted-string. Tolerated: an unquoted token (`text=Busy`).
  if (text !== undefined && strict && !text.quoted) {
    return fail('SIP_BAD_REASON', 'text must be a quoted string', input, start);
  }
  return ok({ cause: causeValue, text: text?.value ?? null });
}

/**
 * Reason            = "Reason" HCOLON reason-value *(COMMA reason-value)     (RFC 3326 §2)
 * reason-value      = protocol *(SEMI reason-params)
 * protocol          = "SIP" / "Q.850" / token
 * reason-params     = protocol-cause / reason-text / reason-extension
 * protocol-cause    = "cause" EQUAL cause
 * cause             = 1*DIGIT
 * reason-text       = "text" EQUAL quoted-string
 * reason-extension  = generic-param
 *
 * Parses a header value (or a Reason embedded in a History-Info URI, once unescaped). Strict mode
 * also refuses two values with the same protocol: RFC 3326 §2 says each Reason value of a message
 * MUST carry a different protocol.
 */
export function parseReason(value: string, options?: ParseOptions): Result<ReasonValue[]> {
  const strict = options?.strict === true;
  const out: ReasonValue[] = [];
  let i = skipSws(value, 0);
  if (i >= value.length) return fail('SIP_EMPTY', 'Reason value expected', value, i);
  for (;;) {
    const start = i;
    const protocolEnd = scanToken(value, i);
    if (protocolEnd === i) return fail('SIP_BAD_REASON', 'protocol token expected', value, i);
    const protocol = value.slice(i, protocolEnd);
    if (strict && out.some((r) => equalsIgnoreCase(r.protocol, protocol))) {
      return fail(
        'SIP_BAD_REASON',
        `more than one Reason value for protocol ${protocol}`,
        value,
        i,
      );
    }
    const ps = scanParams(value, protocolEnd, options);
    if (!ps.ok) return ps;
    const fields = readReasonParams(value, start, ps.value.params, strict);
    if (!fields.ok) return fields;
    i = ps.value.end;
    out.push({
      protocol,
      ...fields.value,
      params: ps.value.params,
      raw: value.slice(start, i).trimEnd(),
    });
    if (i >= value.length) return ok(out);
    if (value.charCodeAt(i) !== 0x2c /* , */) {
      return fail('SIP_BAD_REASON', 'unexpected text after Reason value', value, i);
    }
    i = skipSws(value, i + 1);
  }
}

/** The parameter list with `cause` and `text` brought in line with the fields. */
function reasonParams(reason: ReasonValue): Result<Param[]> {
  if (!isToken(reason.protocol)) {
    return fail('SIP_UNSAFE_VALUE', 'Reason protocol must be a token', reason.protocol, 0);
  }
  const cause = reason.cause;
  if (cause !== null && !(Number.isSafeInteger(cause) && cause >= 0)) {
    return fail(
      'SIP_UNSAFE_VALUE',
      'Reason cause must be a non-negative integer',
      String(cause),
      0,
    );
  }
  const params = syncParam(
    reason.params,
    'cause',
    cause === null ? null : String(cause),
    false,
    (p) => readCause(p.value)?.toString() ?? null,
  );
  return ok(syncParam(params, 'text', reason.text, true));
}

/** Renders one reason-value; `cause` and `text` win over what `params` says. */
export function serializeReasonValue(reason: ReasonValue): Result<string> {
  const params = reasonParams(reason);
  if (!params.ok) return params;
  const rendered = serializeParams(params.value);
  if (!rendered.ok) return rendered;
  return ok(reason.protocol + rendered.value);
}

/** Renders a Reason header value: the reason-values joined by ", ". */
export function serializeReason(values: readonly ReasonValue[]): Result<string> {
  if (values.length === 0) return fail('SIP_EMPTY', 'at least one Reason value is needed', '', 0);
  const parts: string[] = [];
  for (const v of values) {
    const r = serializeReasonValue(v);
    if (!r.ok) return r;
    parts.push(r.value);
  }
  return ok(parts.join(', '));
}

export interface ReasonInput {
  readonly protocol: string;
  readonly cause?: number | null;
  readonly text?: string | null;
}

/** Builds a valid ReasonValue (`SIP;cause=487;text="Request Terminated"`), refusing unsafe parts. */
export function buildReason(input: ReasonInput): Result<ReasonValue> {
  const draft: ReasonValue = {
    protocol: input.protocol,
    cause: input.cause ?? null,
    text: input.text ?? null,
    params: [],
    raw: '',
  };
  const params = reasonParams(draft);
  if (!params.ok) return params;
  const raw = serializeParams(params.value);
  if (!raw.ok) return raw;
  return ok({ ...draft, params: params.value, raw: draft.protocol + raw.value });
}
