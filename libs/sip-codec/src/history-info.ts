import { fail, ok, type Result } from './errors.ts';
import { parseAddressRows, serializeNameAddr, type NameAddr } from './name-addr.ts';
import type { ParseOptions } from './options.ts';
import { getParam, withParam, withoutParam, type Param } from './params.ts';
import { parseReason, type ReasonValue } from './reason.ts';
import { decodeUriHeaders } from './uri-headers.ts';
import { isSipUri, type Uri } from './uri-model.ts';

/** One hi-entry of History-Info (RFC 7044 §4). */
export interface HistoryInfoEntry {
  readonly address: NameAddr;
  readonly uri: Uri;
  /** index-val as written (`1.1.2`), null when absent (tolerant mode only). */
  readonly index: string | null;
  readonly indexPath: readonly number[] | null;
  readonly rc: string | null;
  readonly mp: string | null;
  readonly np: string | null;
  /** The RFC 4458 `cause` URI parameter of the targeted-to URI (why the request was retargeted here). */
  readonly cause: number | null;
  /** Reason values embedded in the URI (`?Reason=SIP%3Bcause%3D302`), in order. */
  readonly reasons: readonly ReasonValue[];
  /** Privacy values embedded in the URI (`?Privacy=history`), null when none. */
  readonly privacy: readonly string[] | null;
  readonly extensions: readonly Param[];
  readonly params: readonly Param[];
  readonly raw: string;
}

const TARGET_PARAMS = ['index', 'rc', 'mp', 'np'];

/** index-val = number *("." number); number = [ %x31-39 *DIGIT ] DIGIT   (RFC 7044 §4) */
export function parseIndex(value: string): number[] | null {
  const parts = value.split('.');
  for (const p of parts) if (!/^(0|[1-9][0-9]{0,8})$/.test(p)) return null;
  return parts.map(Number);
}

function embedded(uri: Uri, input: string, offset: number, options?: ParseOptions) {
  if (!isSipUri(uri)) return ok({ reasons: [] as ReasonValue[], privacy: null as string[] | null });
  const headers = decodeUriHeaders(uri);
  if (!headers.ok) return fail('SIP_BAD_HISTORY_INFO', headers.error.message, input, offset);
  const reasons: ReasonValue[] = [];
  let privacy: string[] | null = null;
  for (const h of headers.value) {
    const name = h.name.toLowerCase();
    if (name === 'reason') {
      const r = parseReason(h.value, options);
      if (!r.ok)
        return fail('SIP_BAD_HISTORY_INFO', `embedded Reason: ${r.error.message}`, input, offset);
      reasons.push(...r.value);
    } else if (name === 'privacy') {
      privacy = [
        ...(privacy ?? []),
        ...h.value
          .split(';')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      ];
    }
  }
  return ok({ reasons, privacy });
}

/**
 * hi-entry = hi-targeted-to-uri *(SEMI hi-param); hi-targeted-to-uri = name-addr
 * hi-param = hi-index / hi-target-param / hi-extension   (RFC 7044 §4)
 *
 * Strict mode requires the name-addr form and an index (RFC 7044 §4: index MUST be present), and
 * valid index-vals in index/rc/mp/np. Tolerant mode keeps an entry without index (index: null).
 */
function toEntry(
  address: NameAddr,
  input: string,
  offset: number,
  options?: ParseOptions,
): Result<HistoryInfoEntry> {
  const strict = options?.strict === true;
  if (strict && !address.angleBrackets)
    return fail('SIP_BAD_HISTORY_INFO', 'hi-entry must be a name-addr', input, offset);
  const value = (n: string) => getParam(address.params, n)?.value ?? null;
  for (const name of TARGET_PARAMS) {
    const v = value(name);
    if (v !== null && parseIndex(v) === null && strict) {
      return fail('SIP_BAD_INDEX', `${name} must be an index such as 1.1.2`, input, offset);
    }
  }
  const index = value('index');
  if (strict && index === null)
    return fail('SIP_BAD_HISTORY_INFO', 'hi-entry without index', input, offset);
  const extra = embedded(address.uri, input, offset, options);
  if (!extra.ok) return extra;
  const causeParam = isSipUri(address.uri)
    ? address.uri.params.find((p) => p.name.toLowerCase() === 'cause')
    : undefined;
  const cause =
    causeParam?.value != null && /^[0-9]{3}$/.test(causeParam.value)
      ? Number(causeParam.value)
      : null;
  return ok({
    address,
    uri: address.uri,
    index,
    indexPath: index === null ? null : parseIndex(index),
    rc: value('rc'),
    mp: value('mp'),
    np: value('np'),
    cause,
    reasons: extra.value.reasons,
    privacy: extra.value.privacy,
    extensions: address.params.filter((p) => !TARGET_PARAMS.includes(p.name.toLowerCase())),
    params: address.params,
    raw: address.raw,
  });
}

/** History-Info = "History-Info" HCOLON hi-entry *(COMMA hi-entry), from one or more rows, in order. */
export function parseHistoryInfo(
  rows: string | readonly string[],
  options?: ParseOptions,
): Result<HistoryInfoEntry[]> {
  return parseAddressRows(
    rows,
    options,
    {
      code: 'SIP_BAD_HISTORY_INFO',
      empty: 'empty History-Info value',
      missing: 'hi-entry expected after ","',
    },
    (address, row, offset) => toEntry(address, row, offset, options),
  );
}

/** Renders one hi-entry; index/rc/mp/np come from the fields, in place when already written. */
export function serializeHistoryInfoEntry(e: HistoryInfoEntry): Result<string> {
  let params: Param[] = [...e.params];
  for (const [name, v] of [
    ['index', e.index],
    ['rc', e.rc],
    ['mp', e.mp],
    ['np', e.np],
  ] as const) {
    if (v === null) params = withoutParam(params, name);
    else if (getParam(params, name)?.value !== v) params = withParam(params, name, v);
  }
  return serializeNameAddr({ ...e.address, uri: e.uri, angleBrackets: true, params });
}

/** Renders hi-entries as one comma-separated row. */
export function serializeHistoryInfo(entries: readonly HistoryInfoEntry[]): Result<string> {
  const out: string[] = [];
  for (const e of entries) {
    const r = serializeHistoryInfoEntry(e);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out.join(', '));
}

/**
 * The index rules of RFC 7044 §10.3 as a receiver can check them: every entry has a valid index,
 * the first is "1", indexes are unique, each later index extends an index already seen (its
 * parent) and rc/mp refer to an index already seen. Returns the first violation.
 */
export function validateHistoryInfoIndices(entries: readonly HistoryInfoEntry[]): Result<true> {
  const seen = new Set<string>();
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k] as HistoryInfoEntry;
    const at = (message: string) => fail('SIP_BAD_INDEX', `entry ${k}: ${message}`, e.raw, 0);
    if (e.index === null || e.indexPath === null) return at('index missing or invalid');
    if (k === 0 && e.index !== '1') return at('the first index must be 1');
    if (seen.has(e.index)) return at(`index ${e.index} repeated`);
    const parent = e.indexPath.slice(0, -1).join('.');
    if (k > 0 && (parent === '' || !seen.has(parent)))
      return at(`index ${e.index} has no parent before it`);
    for (const [name, ref] of [
      ['rc', e.rc],
      ['mp', e.mp],
    ] as const) {
      if (ref !== null && !seen.has(ref)) return at(`${name}=${ref} refers to no earlier entry`);
    }
    seen.add(e.index);
  }
  return ok(true);
}

/** The index for a new entry retargeted from `parent` (default: the last entry): parent.(n+1). */
export function nextHistoryInfoIndex(
  entries: readonly HistoryInfoEntry[],
  parent?: string,
): string {
  const from = parent ?? entries[entries.length - 1]?.index ?? null;
  if (from === null) return '1';
  let last = 0;
  for (const e of entries) {
    const p = e.indexPath;
    if (p !== null && e.index?.startsWith(from + '.') && p.length === from.split('.').length + 1) {
      last = Math.max(last, p[p.length - 1] as number);
    }
  }
  return `${from}.${last + 1}`;
}

/** The JSON view the CLI prints, with RFC 7044's parameter names. */
export interface HistoryInfoEntryView {
  uri: string;
  displayName?: string;
  index?: string;
  rc?: string;
  mp?: string;
  np?: string;
  cause?: number;
  reason?: { protocol: string; cause: number | null; text: string | null }[];
  privacy?: string[];
  params: { name: string; value: string | null }[];
}

export function historyInfoEntryView(e: HistoryInfoEntry): HistoryInfoEntryView {
  const view: HistoryInfoEntryView = { uri: e.uri.raw, params: [] };
  if (e.address.displayName !== null) view.displayName = e.address.displayName;
  if (e.index !== null) view.index = e.index;
  if (e.rc !== null) view.rc = e.rc;
  if (e.mp !== null) view.mp = e.mp;
  if (e.np !== null) view.np = e.np;
  if (e.cause !== null) view.cause = e.cause;
  if (e.reasons.length > 0)
    view.reason = e.reasons.map((r) => ({ protocol: r.protocol, cause: r.cause, text: r.text }));
  if (e.privacy !== null) view.privacy = [...e.privacy];
  view.params = e.extensions.map((p) => ({ name: p.name, value: p.value }));
  return view;
}
