import { isAlpha, isDigit, isToken } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { nameAddr, parseAddressRows, serializeNameAddr, type NameAddr } from './name-addr.ts';
import type { ParseOptions } from './options.ts';
import { getParam, withParam, withoutParam, type Param } from './params.ts';
import { parseUri } from './uri.ts';
import type { Uri } from './uri-model.ts';

/**
 * One entry of a Diversion chain (RFC 5806 §3; the same grammar is used under `X-Diversion`).
 * The named parameters are also kept, in order, in `params`, which is what serialization writes:
 * an entry that is not edited comes out with its parameters in the order they were read.
 */
export interface DiversionEntry {
  readonly address: NameAddr;
  readonly uri: Uri;
  readonly reason: string | null;
  readonly counter: number | null;
  readonly limit: number | null;
  readonly privacy: string | null;
  readonly screen: string | null;
  /** diversion-extension params (brand, journey_stage…), in order. */
  readonly extensions: readonly Param[];
  readonly params: readonly Param[];
  readonly raw: string;
}

/** The reasons RFC 5806 §3 names; any other token or quoted string is an extension reason. */
export const DIVERSION_REASONS = [
  'unknown',
  'user-busy',
  'no-answer',
  'unavailable',
  'unconditional',
  'time-of-day',
  'do-not-disturb',
  'deflection',
  'follow-me',
  'out-of-service',
  'away',
] as const;

const NAMED = ['reason', 'counter', 'limit', 'privacy', 'screen'];

/** diversion-counter = "counter" "=" 1*2DIGIT; diversion-limit = "limit" "=" 1*2DIGIT */
function twoDigits(v: string | null): number | null {
  return v !== null && /^[0-9]{1,2}$/.test(v) ? Number(v) : null;
}

/**
 * diversion-params = name-addr *(SEMI (diversion-reason / diversion-counter / diversion-limit /
 *                    diversion-privacy / diversion-screen / diversion-extension))
 *
 * Strict mode requires the name-addr form (`<…>`), counter and limit of one or two digits, and
 * each named parameter at most once. Tolerant mode accepts a bare addr-spec and keeps a counter or
 * limit it cannot read as a number in `params` (with `counter: null`), losing nothing.
 */
function toEntry(
  address: NameAddr,
  input: string,
  offset: number,
  strict: boolean,
): Result<DiversionEntry> {
  if (strict && !address.angleBrackets) {
    return fail(
      'SIP_BAD_DIVERSION',
      'a Diversion entry is a name-addr: "<" expected',
      input,
      offset,
    );
  }
  // One pass: the first occurrence of each named parameter gives the field (as getParam would).
  const named: Record<string, string | null | undefined> = {};
  const extensions: Param[] = [];
  for (const p of address.params) {
    const name = p.name.toLowerCase();
    if (!NAMED.includes(name)) {
      extensions.push(p);
      continue;
    }
    if (named[name] !== undefined) {
      if (strict)
        return fail('SIP_BAD_DIVERSION', `parameter ${p.name} appears twice`, input, offset);
      continue;
    }
    if (strict && p.value === null) {
      return fail('SIP_BAD_DIVERSION', `${p.name} needs a value`, input, offset);
    }
    if (strict && (name === 'counter' || name === 'limit') && twoDigits(p.value) === null) {
      return fail('SIP_BAD_DIVERSION', `${p.name} must be one or two digits`, input, offset);
    }
    named[name] = p.value;
  }
  return ok({
    address,
    uri: address.uri,
    reason: named['reason'] ?? null,
    counter: twoDigits(named['counter'] ?? null),
    limit: twoDigits(named['limit'] ?? null),
    privacy: named['privacy'] ?? null,
    screen: named['screen'] ?? null,
    extensions,
    params: address.params,
    raw: address.raw,
  });
}

/**
 * Diversion = "Diversion" HCOLON diversion-params *(COMMA diversion-params)   (RFC 5806 §3)
 *
 * Reads a chain from one or more rows (each possibly a comma list), in the order received: the
 * first entry is the most recent diversion. Errors carry the row (as `input`) and the offset in it.
 */
export function parseDiversion(
  rows: string | readonly string[],
  options?: ParseOptions,
): Result<DiversionEntry[]> {
  const strict = options?.strict === true;
  return parseAddressRows(
    rows,
    options,
    {
      code: 'SIP_BAD_DIVERSION',
      empty: 'empty Diversion value',
      missing: 'entry expected after ","',
    },
    (address, row, offset) => toEntry(address, row, offset, strict),
  );
}

/** Whether a written parameter value already says `value` (a counter written `01` means 1). */
function means(name: string, written: string | null, value: string): boolean {
  if (written === value) return true;
  return (name === 'counter' || name === 'limit') && twoDigits(written) === Number(value);
}

/**
 * The entry's parameters with its fields written in. A field equal to what was read leaves the
 * parameter as written; a changed field replaces it in place; a null field removes it, except a
 * counter or limit that was unreadable to begin with, which stays as written. Extensions that were
 * edited are written after the named parameters.
 */
function paramsOf(e: DiversionEntry): Param[] {
  let params: Param[] = [...e.params];
  const fields: [string, string | null][] = [
    ['reason', e.reason],
    ['counter', e.counter === null ? null : String(e.counter)],
    ['limit', e.limit === null ? null : String(e.limit)],
    ['privacy', e.privacy],
    ['screen', e.screen],
  ];
  for (const [name, value] of fields) {
    const written = getParam(params, name);
    if (value === null) {
      const unreadable =
        (name === 'counter' || name === 'limit') && twoDigits(written?.value ?? null) === null;
      if (!unreadable) params = withoutParam(params, name);
    } else if (!means(name, written?.value ?? null, value)) {
      params = withParam(params, name, value, !isToken(value));
    }
  }
  const isNamed = (p: Param) => NAMED.includes(p.name.toLowerCase());
  const writtenExtensions = params.filter((p) => !isNamed(p));
  const same =
    writtenExtensions.length === e.extensions.length &&
    writtenExtensions.every((p, k) => p === e.extensions[k]);
  return same ? params : [...params.filter(isNamed), ...e.extensions];
}

/**
 * Renders one entry as `<uri>;reason=…;counter=…;…`. The fields win over `params`: an edited
 * reason or counter is written, an unedited entry keeps its parameter order.
 */
export function serializeDiversionEntry(entry: DiversionEntry): Result<string> {
  return serializeNameAddr({
    ...entry.address,
    uri: entry.uri,
    angleBrackets: true,
    params: paramsOf(entry),
  });
}

/** Renders a chain as one comma-separated row, most recent first, as it was given. */
export function serializeDiversion(entries: readonly DiversionEntry[]): Result<string> {
  const rows = serializeDiversionRows(entries);
  return rows.ok ? ok(rows.value.join(', ')) : rows;
}

/** Renders a chain one entry per row (one header line each), most recent first. */
export function serializeDiversionRows(entries: readonly DiversionEntry[]): Result<string[]> {
  const out: string[] = [];
  for (const e of entries) {
    const r = serializeDiversionEntry(e);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

export interface DiversionInput {
  readonly uri: string | Uri;
  readonly displayName?: string | null;
  readonly reason?: string | null;
  readonly counter?: number | null;
  readonly limit?: number | null;
  readonly privacy?: string | null;
  readonly screen?: string | null;
  /** Extension params such as `brand`/`journey_stage`; names are alphanumerics and "_". */
  readonly extensions?: readonly { readonly name: string; readonly value: string | null }[];
}

/** Extension names are limited to letters, digits and "_": "some SBCs choke on funky characters". */
export function isSafeExtensionName(name: string): boolean {
  if (name.length === 0 || NAMED.includes(name.toLowerCase())) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 0x5f)) return false;
  }
  return true;
}

/**
 * Builds a valid entry: the URI is parsed strictly, reason/privacy/screen must be tokens (a value
 * outside RFC 5806's lists is allowed, as its grammar allows, but never one that needs quoting),
 * counter and limit 0–99, extension names safe. Anything else is SIP_BAD_DIVERSION.
 */
export function buildDiversionEntry(input: DiversionInput): Result<DiversionEntry> {
  const uri = typeof input.uri === 'string' ? parseUri(input.uri, { strict: true }) : ok(input.uri);
  if (!uri.ok) return uri;
  const params: Param[] = [];
  for (const [name, value] of [
    ['reason', input.reason],
    ['privacy', input.privacy],
    ['screen', input.screen],
  ] as const) {
    if (value === null || value === undefined) continue;
    if (!isToken(value)) return fail('SIP_BAD_DIVERSION', `${name} must be a token`, value, 0);
    params.push({ name, value, quoted: false });
  }
  for (const [name, value] of [
    ['counter', input.counter],
    ['limit', input.limit],
  ] as const) {
    if (value === null || value === undefined) continue;
    if (!Number.isInteger(value) || value < 0 || value > 99) {
      return fail('SIP_BAD_DIVERSION', `${name} must be a number from 0 to 99`, String(value), 0);
    }
    params.splice(name === 'counter' ? Math.min(1, params.length) : params.length, 0, {
      name,
      value: String(value),
      quoted: false,
    });
  }
  for (const x of input.extensions ?? []) {
    if (!isSafeExtensionName(x.name)) {
      return fail(
        'SIP_BAD_DIVERSION',
        `extension name ${JSON.stringify(x.name)} must be letters, digits and "_"`,
        x.name,
        0,
      );
    }
    params.push({ name: x.name, value: x.value, quoted: x.value !== null && !isToken(x.value) });
  }
  const address = nameAddr(uri.value, input.displayName ?? null, params);
  const rendered = serializeNameAddr(address);
  if (!rendered.ok) return rendered;
  return toEntry({ ...address, raw: rendered.value }, rendered.value, 0, true);
}

/** The JSON view the CLI prints: RFC parameter names, values unquoted, numbers as numbers. */
export interface DiversionEntryView {
  uri: string;
  displayName?: string;
  reason?: string;
  counter?: number;
  limit?: number;
  privacy?: string;
  screen?: string;
  params: { name: string; value: string | null }[];
}

export function diversionEntryView(e: DiversionEntry): DiversionEntryView {
  const view: DiversionEntryView = { uri: e.uri.raw, params: [] };
  if (e.address.displayName !== null) view.displayName = e.address.displayName;
  if (e.reason !== null) view.reason = e.reason;
  if (e.counter !== null) view.counter = e.counter;
  if (e.limit !== null) view.limit = e.limit;
  if (e.privacy !== null) view.privacy = e.privacy;
  if (e.screen !== null) view.screen = e.screen;
  const unreadable = e.params.filter((p) => {
    const n = p.name.toLowerCase();
    return (n === 'counter' && e.counter === null) || (n === 'limit' && e.limit === null);
  });
  view.params = [...unreadable, ...e.extensions].map((p) => ({ name: p.name, value: p.value }));
  return view;
}
