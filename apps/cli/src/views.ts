import {
  diversionEntryView,
  historyInfoEntryView,
  lookupHeader,
  parseDiversion,
  parseHistoryInfo,
  parseNameAddr,
  parseNameAddrList,
  parseReason,
  parseReferredBy,
  parseReferTo,
  parseReplaces,
  parseUui,
  parseVia,
  type HeaderCodec,
  type ParseOptions,
  type ReasonValue,
  type Replaces,
  type Result,
  type UuiValue,
  type ViaParm,
} from '@sipctx/sip-codec';
import { cseqView, intView } from './scalar-views.ts';
import { nameAddrView, paramsView, type JsonObject } from './uri-view.ts';

/**
 * Structured views of header values, one entry per codec of the codec's header table (its `codec`
 * column), so that knowledge of which header is which stays in that table: no branches on header
 * names here. A list view yields the entries of one row (Diversion, History-Info, Contact…);
 * a single view yields one object.
 */
export type HeaderView =
  | {
      readonly kind: 'list';
      readonly view: (value: string, options: ParseOptions) => Result<JsonObject[]>;
    }
  | {
      readonly kind: 'single';
      readonly view: (value: string, options: ParseOptions) => Result<JsonObject>;
    };

/**
 * A view the codec builds itself (its fields are JSON already), typed as JSON, with the ordered
 * list of other parameters moved after the named fields so that the output reads top-down.
 */
function codecView(view: { readonly params: unknown }): JsonObject {
  const { params, ...named } = view as JsonObject;
  return { ...named, params } as JsonObject;
}

/** Applies `f` to a successful result's value. */
function mapResult<T, U>(r: Result<T>, f: (value: T) => U): Result<U> {
  return r.ok ? { ok: true, value: f(r.value) } : r;
}

function reasonView(r: ReasonValue): JsonObject {
  return { protocol: r.protocol, cause: r.cause, text: r.text, params: paramsView(r.params) };
}

function replacesView(r: Replaces): JsonObject {
  return {
    callId: r.callId,
    toTag: r.toTag,
    fromTag: r.fromTag,
    earlyOnly: r.earlyOnly,
    params: paramsView(r.params),
  };
}

function uuiView(u: UuiValue): JsonObject {
  const decoded: JsonObject = u.decoded === undefined ? {} : { decodedBytes: u.decoded.length };
  return {
    data: u.data,
    encoding: u.encoding,
    purpose: u.purpose,
    content: u.content,
    ...decoded,
    params: paramsView(u.params),
  };
}

function viaView(v: ViaParm): JsonObject {
  return {
    protocol: v.protocol,
    version: v.version,
    transport: v.transport,
    host: v.host,
    port: v.port,
    branch: v.branch,
    received: v.received,
    rport: v.rport,
    params: paramsView(v.params),
  };
}

const list = (
  view: (value: string, options: ParseOptions) => Result<JsonObject[]>,
): HeaderView => ({
  kind: 'list',
  view,
});
const single = (
  view: (value: string, options: ParseOptions) => Result<JsonObject>,
): HeaderView => ({
  kind: 'single',
  view,
});

/** The views, keyed by the header table's codec id (its `codec` column). */
export const HEADER_VIEWS: Readonly<Partial<Record<HeaderCodec, HeaderView>>> = {
  'name-addr': single((v, o) => mapResult(parseNameAddr(v, o), nameAddrView)),
  contact: list((v, o) =>
    // Contact: "*" (RFC 3261 §20.10, REGISTER's remove-all) or a list of addresses.
    v === '*'
      ? { ok: true, value: [{ wildcard: true }] }
      : mapResult(parseNameAddrList(v, o), (l) => l.map(nameAddrView)),
  ),
  'name-addr-list': list((v, o) => mapResult(parseNameAddrList(v, o), (l) => l.map(nameAddrView))),
  diversion: list((v, o) =>
    mapResult(parseDiversion(v, o), (l) => l.map((e) => codecView(diversionEntryView(e)))),
  ),
  'history-info': list((v, o) =>
    mapResult(parseHistoryInfo(v, o), (l) => l.map((e) => codecView(historyInfoEntryView(e)))),
  ),
  'refer-to': single((v, o) =>
    mapResult(parseReferTo(v, o), (rt) => ({
      ...nameAddrView(rt.address),
      method: rt.method,
      embeddedHeaders: rt.embeddedHeaders.map((h) => ({ name: h.name, value: h.value })),
      replaces: rt.replaces === null ? null : replacesView(rt.replaces),
    })),
  ),
  'referred-by': single((v, o) =>
    mapResult(parseReferredBy(v, o), (rb) => ({ ...nameAddrView(rb.address), cid: rb.cid })),
  ),
  replaces: single((v, o) => mapResult(parseReplaces(v, o), replacesView)),
  reason: list((v, o) => mapResult(parseReason(v, o), (l) => l.map(reasonView))),
  via: list((v, o) => mapResult(parseVia(v, o), (l) => l.map(viaView))),
  cseq: single(cseqView),
  int: single(intView),
  uui: list((v, o) => mapResult(parseUui(v, o), (l) => l.map(uuiView))),
};

/** The view for a header name, through the header table; undefined for headers without one. */
export function viewForHeader(name: string): HeaderView | undefined {
  const codec = lookupHeader(name)?.codec;
  return codec === null || codec === undefined ? undefined : HEADER_VIEWS[codec];
}
