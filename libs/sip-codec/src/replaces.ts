import { equalsIgnoreCase, isToken, isUnsafeControl, scanWord, skipSws } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import type { ParseOptions } from './options.ts';
import { getParam, scanParams, serializeParams, type Param } from './params.ts';
import { syncFlag, syncParam } from './synced-params.ts';

/**
 * The dialog a Replaces header (RFC 3891) asks to replace. `toTag`, `fromTag` and `earlyOnly` are
 * read from the parameters, which stay in `params` in their order; when serializing these fields
 * win over the list. RFC 3891 §3 notes that a tag of "0" matches an empty tag of an RFC 2543 UA:
 * that is matching policy, the codec keeps "0" as written.
 */
export interface Replaces {
  readonly callId: string;
  readonly toTag: string | null;
  readonly fromTag: string | null;
  readonly earlyOnly: boolean;
  readonly params: readonly Param[];
  readonly raw: string;
}

/** Tolerated Call-ID characters: anything visible but the ";" and "," that end it. */
function isLooseCallIdChar(c: number): boolean {
  return c > 0x20 && !isUnsafeControl(c) && c !== 0x3b /* ; */ && c !== 0x2c; /* , */
}

/** callid = word [ "@" word ]   (RFC 3261 §25.1) */
function scanCallId(s: string, pos: number, strict: boolean): number {
  if (!strict) {
    let i = pos;
    while (i < s.length && isLooseCallIdChar(s.charCodeAt(i))) i++;
    return i;
  }
  const first = scanWord(s, pos);
  if (first === pos || s.charCodeAt(first) !== 0x40 /* @ */) return first;
  const second = scanWord(s, first + 1);
  return second === first + 1 ? pos : second;
}

export function isCallId(s: string): boolean {
  return s.length > 0 && scanCallId(s, 0, true) === s.length;
}

function countParam(params: readonly Param[], name: string): number {
  return params.filter((p) => equalsIgnoreCase(p.name, name)).length;
}

/** RFC 3891 §6.1: "exactly one to-tag and exactly one from-tag", both tokens; early-only a flag. */
function checkStrictReplaces(input: string, pos: number, params: readonly Param[]): Result<true> {
  for (const name of ['to-tag', 'from-tag']) {
    const n = countParam(params, name);
    if (n === 0) return fail('SIP_BAD_REPLACES', `Replaces needs a ${name}`, input, pos);
    if (n > 1) return fail('SIP_DUPLICATE_PARAM', `more than one ${name}`, input, pos);
    const v = getParam(params, name) as Param;
    if (v.quoted || v.value === null || !isToken(v.value)) {
      return fail('SIP_BAD_REPLACES', `${name} must be a token`, input, pos);
    }
  }
  const early = getParam(params, 'early-only');
  if (early !== undefined && early.value !== null) {
    return fail('SIP_BAD_REPLACES', 'early-only takes no value', input, pos);
  }
  return ok(true);
}

/**
 * Replaces        = "Replaces" HCOLON callid *(SEMI replaces-param)      (RFC 3891 §6.1)
 * replaces-param  = to-tag / from-tag / early-flag / generic-param
 * to-tag          = "to-tag" EQUAL token
 * from-tag        = "from-tag" EQUAL token
 * early-flag      = "early-only"
 *
 * Strict mode requires exactly one to-tag and one from-tag (RFC 3891 §6.1). Tolerated: a missing
 * tag (the field is null), repeated tags (the first wins), and a Call-ID made of any visible
 * characters but ";" and "," (some stacks put "<", "[" or "=" in theirs).
 */
export function parseReplaces(value: string, options?: ParseOptions): Result<Replaces> {
  const strict = options?.strict === true;
  const start = skipSws(value, 0);
  if (start >= value.length) return fail('SIP_EMPTY', 'Replaces value expected', value, start);
  const idEnd = scanCallId(value, start, strict);
  if (idEnd === start) return fail('SIP_BAD_REPLACES', 'Call-ID expected', value, start);
  const ps = scanParams(value, idEnd, options);
  if (!ps.ok) return ps;
  if (ps.value.end !== value.length) {
    return fail('SIP_BAD_REPLACES', 'unexpected text in Replaces', value, ps.value.end);
  }
  const params = ps.value.params;
  if (strict) {
    const checked = checkStrictReplaces(value, idEnd, params);
    if (!checked.ok) return checked;
  }
  return ok({
    callId: value.slice(start, idEnd),
    toTag: getParam(params, 'to-tag')?.value ?? null,
    fromTag: getParam(params, 'from-tag')?.value ?? null,
    earlyOnly: getParam(params, 'early-only') !== undefined,
    params,
    raw: value.slice(start).trimEnd(),
  });
}

function checkTag(name: string, tag: string | null): Result<true> {
  if (tag !== null && !isToken(tag))
    return fail('SIP_UNSAFE_VALUE', `${name} must be a token`, tag, 0);
  return ok(true);
}

/**
 * Renders a Replaces value. The Call-ID must be free of whitespace, controls, ";" and ","; tags
 * must be tokens (a quoted tag would not be a valid to-tag / from-tag).
 */
export function serializeReplaces(r: Replaces): Result<string> {
  if (r.callId === '' || scanCallId(r.callId, 0, false) !== r.callId.length) {
    return fail(
      'SIP_UNSAFE_VALUE',
      'Call-ID holds characters a Replaces value cannot carry',
      r.callId,
      0,
    );
  }
  const to = checkTag('to-tag', r.toTag);
  if (!to.ok) return to;
  const from = checkTag('from-tag', r.fromTag);
  if (!from.ok) return from;
  let params = syncParam(r.params, 'to-tag', r.toTag, false);
  params = syncParam(params, 'from-tag', r.fromTag, false);
  params = syncFlag(params, 'early-only', r.earlyOnly);
  const rendered = serializeParams(params);
  if (!rendered.ok) return rendered;
  return ok(r.callId + rendered.value);
}

export interface ReplacesInput {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly?: boolean;
}

/** Builds a Replaces for a dialog, in the order of RFC 3891's examples: to-tag, from-tag. */
export function buildReplaces(input: ReplacesInput): Result<Replaces> {
  const draft: Replaces = {
    callId: input.callId,
    toTag: input.toTag,
    fromTag: input.fromTag,
    earlyOnly: input.earlyOnly === true,
    params: [],
    raw: '',
  };
  const raw = serializeReplaces(draft);
  if (!raw.ok) return raw;
  return parseReplaces(raw.value, { strict: true });
}
