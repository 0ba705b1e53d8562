import { equalsIgnoreCase, findUnsafeControl, isToken } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { nameAddr, parseNameAddr, serializeNameAddr, type NameAddr } from './name-addr.ts';
import type { ParseOptions } from './options.ts';
import type { Param } from './params.ts';
import { parseReplaces, type Replaces } from './replaces.ts';
import { decodeUriHeaders, withUriHeaders, type EmbeddedUriHeader } from './uri-headers.ts';
import { isSipUri, type SipUri, type Uri } from './uri-model.ts';
import { parseUri } from './uri.ts';

/** A header embedded in a SIP URI (`?Replaces=…&User-to-User=…`), name and value unescaped. */
type EmbeddedHeader = EmbeddedUriHeader;

/**
 * A Refer-To header (RFC 3515 §2.1). `embeddedHeaders`, `replaces` and `method` are read-only views
 * of the URI (RFC 3261 §19.1.1); to change them build a new value with {@link buildReferTo}.
 */
export interface ReferTo {
  readonly address: NameAddr;
  readonly uri: Uri;
  /** The URI's headers, unescaped, in order; empty for tel: and other non-SIP URIs. */
  readonly embeddedHeaders: readonly EmbeddedHeader[];
  /** The embedded Replaces header (attended transfer), parsed; null when there is none. */
  readonly replaces: Replaces | null;
  /** The `method` URI parameter (`SUBSCRIBE`…); null when absent (the referee then uses INVITE). */
  readonly method: string | null;
  /** The header's own parameters (refer-param), in order. */
  readonly params: readonly Param[];
  readonly raw: string;
}

/** Embedded headers of `uri`, and the Replaces among them when there is one. */
function readEmbedded(
  value: string,
  uri: SipUri,
  options?: ParseOptions,
): Result<{ headers: EmbeddedHeader[]; replaces: Replaces | null }> {
  const decoded = decodeUriHeaders(uri);
  if (!decoded.ok) return decoded;
  const headers = decoded.value;
  const all = headers.filter((h) => equalsIgnoreCase(h.name, 'Replaces'));
  if (all.length === 0) return ok({ headers, replaces: null });
  if (options?.strict === true && all.length > 1) {
    return fail('SIP_BAD_REFER_TO', 'more than one embedded Replaces header', value, 0);
  }
  const replaces = parseReplaces((all[0] as EmbeddedHeader).value, options);
  if (!replaces.ok)
    return fail('SIP_BAD_REFER_TO', `embedded Replaces: ${replaces.error.message}`, value, 0);
  return ok({ headers, replaces: replaces.value });
}

/**
 * Refer-To = ("Refer-To" / "r") HCOLON ( name-addr / addr-spec ) *(SEMI refer-param)
 * refer-param = generic-param                                              (RFC 3515 §2.1)
 *
 * A URI with headers or parameters must be in angle brackets (RFC 3261 §20.10), which the
 * name-addr parser enforces: in a bare addr-spec they would be the header's own parameters.
 * The embedded headers are decoded (RFC 3261 §19.1.1) and an embedded Replaces (RFC 3891) parsed
 * with the same strictness.
 */
export function parseReferTo(value: string, options?: ParseOptions): Result<ReferTo> {
  const na = parseNameAddr(value, options);
  if (!na.ok) return na;
  const uri = na.value.uri;
  let embedded: { headers: EmbeddedHeader[]; replaces: Replaces | null } = {
    headers: [],
    replaces: null,
  };
  let method: string | null = null;
  if (isSipUri(uri)) {
    const e = readEmbedded(value, uri, options);
    if (!e.ok) return e;
    embedded = e.value;
    method = uri.params.find((p) => equalsIgnoreCase(p.name, 'method'))?.value ?? null;
  }
  return ok({
    address: na.value,
    uri,
    embeddedHeaders: embedded.headers,
    replaces: embedded.replaces,
    method,
    params: na.value.params,
    raw: na.value.raw,
  });
}

/** Renders a Refer-To value from its address, `uri` and `params` (which win over `address`). */
export function serializeReferTo(rt: ReferTo): Result<string> {
  return serializeNameAddr({ ...rt.address, uri: rt.uri, params: rt.params });
}

/** Header names must be tokens; values may not hold CR, LF, NUL or other controls once decoded. */
function checkEmbeddedHeaders(headers: readonly EmbeddedHeader[]): Result<true> {
  for (const h of headers) {
    if (!isToken(h.name)) {
      return fail(
        'SIP_BAD_HEADER_NAME',
        `embedded header name ${JSON.stringify(h.name)} is not a token`,
        h.name,
        0,
      );
    }
    const bad = findUnsafeControl(h.value);
    if (bad !== -1)
      return fail('SIP_UNSAFE_VALUE', `embedded ${h.name} holds a control character`, h.value, bad);
  }
  return ok(true);
}

/** The URI with `headers` embedded (after those it already has), all of them %-escaped. */
function embed(uri: Uri, headers: readonly EmbeddedHeader[]): Result<Uri> {
  if (headers.length === 0) return ok(uri);
  const checked = checkEmbeddedHeaders(headers);
  if (!checked.ok) return checked;
  if (!isSipUri(uri)) {
    return fail('SIP_BAD_REFER_TO', 'only sip: and sips: URIs can carry headers', uri.raw, 0);
  }
  const existing = decodeUriHeaders(uri);
  if (!existing.ok) return existing;
  return withUriHeaders(uri, [...existing.value, ...headers]);
}

export interface ReferToInput {
  readonly uri: string | Uri;
  readonly displayName?: string | null;
  /** Headers to embed, unescaped (`{ name: 'Replaces', value: 'a@b;to-tag=1;from-tag=2' }`). */
  readonly headers?: readonly EmbeddedHeader[];
  readonly params?: readonly Param[];
}

/**
 * Builds a Refer-To value, always in angle brackets, with `headers` embedded and %-escaped (the
 * ";", "=", "@" of a Replaces value included). Refuses header names that are not tokens and
 * values holding control characters: a CR LF escaped into the URI would reappear as a header
 * break in the INVITE the referee sends.
 */
export function buildReferTo(input: ReferToInput): Result<string> {
  const parsed = typeof input.uri === 'string' ? parseUri(input.uri) : ok(input.uri);
  if (!parsed.ok) return parsed;
  const uri = embed(parsed.value, input.headers ?? []);
  if (!uri.ok) return uri;
  return serializeNameAddr(nameAddr(uri.value, input.displayName ?? null, input.params ?? []));
}

export interface EmbedWithinBudget {
  readonly uri: SipUri;
  /** The URI as it will be written. */
  readonly text: string;
  /** Its length in UTF-8 octets. */
  readonly length: number;
  /** The headers left out, in the order they were dropped. */
  readonly dropped: readonly EmbeddedHeader[];
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Indices of `headers` in the order they may be dropped. */
function dropSequence(headers: readonly EmbeddedHeader[], dropOrder?: readonly string[]): number[] {
  const lastFirst = headers.map((_, i) => headers.length - 1 - i);
  if (dropOrder === undefined) return lastFirst;
  const named = dropOrder.flatMap((name) =>
    lastFirst.filter((i) => equalsIgnoreCase((headers[i] as EmbeddedHeader).name, name)),
  );
  return [...new Set(named)];
}

/**
 * Embeds `headers` in `uri` (replacing the headers it has) so that the URI stays within
 * `maxUriLength` UTF-8 octets, dropping WHOLE headers until it fits: a value is never cut and a
 * %-escape never split. Without `dropOrder` any header may go, the last first; with it, headers are
 * dropped by name in that order (the last occurrence of a name first) and the others are kept.
 * Fails with SIP_CANNOT_FIT when the URI cannot be brought within the budget.
 */
export function embedHeadersWithinBudget(
  uri: SipUri,
  headers: readonly EmbeddedHeader[],
  maxUriLength: number,
  dropOrder?: readonly string[],
): Result<EmbedWithinBudget> {
  const checked = checkEmbeddedHeaders(headers);
  if (!checked.ok) return checked;
  const sequence = dropSequence(headers, dropOrder);
  const droppedIdx = new Set<number>();
  for (let step = 0; ; step++) {
    const kept = headers.filter((_, i) => !droppedIdx.has(i));
    const withHeaders = withUriHeaders(uri, kept);
    if (!withHeaders.ok) return withHeaders;
    const text = withHeaders.value.raw;
    const length = utf8Length(text);
    if (length <= maxUriLength) {
      const dropped = sequence.slice(0, step).map((i) => headers[i] as EmbeddedHeader);
      return ok({ uri: withHeaders.value, text, length, dropped });
    }
    const next = sequence[step];
    if (next === undefined) {
      return fail(
        'SIP_CANNOT_FIT',
        `URI is ${length} octets, over the ${maxUriLength} budget`,
        text,
        maxUriLength,
      );
    }
    droppedIdx.add(next);
  }
}
