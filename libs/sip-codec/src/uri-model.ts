/**
 * The shapes of parsed URIs. Everything is kept as written (escaped, original case) so that
 * serializing an unmodified URI gives back its `raw` text; decode with `unescapeUri` to compare.
 */

/** A URI parameter (`;transport=tcp`, `;lr`): name and value as written, `null` for a flag. */
export interface UriParam {
  readonly name: string;
  readonly value: string | null;
}

/** One `?name=value` header of a SIP URI, name and value as written (still %-escaped). */
export interface UriHeader {
  readonly name: string;
  readonly value: string;
}

export type HostType = 'domain' | 'ipv4' | 'ipv6';

/** sip: and sips: URIs (RFC 3261 §19.1). */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  /** The scheme as written (`SIP`, `sip`…). */
  readonly schemeRaw: string;
  /** userinfo's user part, still %-escaped; null when there is no `@`. */
  readonly user: string | null;
  readonly password: string | null;
  /** As written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostType: HostType;
  readonly port: number | null;
  readonly params: readonly UriParam[];
  readonly headers: readonly UriHeader[];
  readonly raw: string;
}

/** tel: URIs (RFC 3966). */
export interface TelUri {
  readonly scheme: 'tel';
  readonly schemeRaw: string;
  /** The number as written, visual separators included (`+1-206-555-1234`). */
  readonly number: string;
  /** True for a global number (starting with "+"). */
  readonly global: boolean;
  readonly params: readonly UriParam[];
  readonly raw: string;
}

/** Any other scheme (`urn:`, `mailto:`, `http:`…), kept opaque. */
export interface OpaqueUri {
  readonly scheme: string;
  readonly schemeRaw: string;
  /** Everything after the first ":". */
  readonly body: string;
  readonly raw: string;
}

export type Uri = SipUri | TelUri | OpaqueUri;

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === 'sip' || uri.scheme === 'sips';
}

export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === 'tel';
}
