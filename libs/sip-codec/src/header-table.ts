/**
 * Everything the codec knows about header names, in one table: canonical spelling, compact form,
 * whether a row is a comma-separated list, which structured codec reads its value, and where it is
 * defined. Code asks the table (`lookupHeader`) instead of testing names.
 */

/** The structured codec that reads a header's value; `null` when the value is kept as text. */
export type HeaderCodec =
  | 'name-addr'
  | 'name-addr-list'
  | 'contact'
  | 'diversion'
  | 'history-info'
  | 'refer-to'
  | 'referred-by'
  | 'replaces'
  | 'reason'
  | 'uui'
  | 'via'
  | 'cseq'
  | 'call-id'
  | 'int'
  | 'date'
  | 'warning'
  | 'retry-after';

export interface HeaderSpec {
  /** The canonical RFC spelling (`Call-ID`, `WWW-Authenticate`). */
  readonly name: string;
  /** The one-letter compact form (RFC 3261 §7.3.3), lower case. */
  readonly compact?: string;
  /** True when the grammar is `x *(COMMA x)`: a row may be split on top-level commas. */
  readonly list: boolean;
  /**
   * True for the few headers that are not lists but may still appear on several rows: the
   * authentication headers (RFC 3261 §7.3.1 exception, their params hold commas) and Identity.
   * Any other non-list header appears at most once.
   */
  readonly repeatable?: boolean;
  readonly codec: HeaderCodec | null;
  readonly rfc: string;
}

type Row = [name: string, compact: string, list: boolean, codec: HeaderCodec | null, rfc: string];

const R = 'RFC 3261 §20.';

// prettier-ignore
const ROWS: readonly Row[] = [
  // RFC 3261 §20, in its order
  ['Accept', '', true, null, R + '1'],
  ['Accept-Encoding', '', true, null, R + '2'],
  ['Accept-Language', '', true, null, R + '3'],
  ['Alert-Info', '', true, null, R + '4'],
  ['Allow', '', true, null, R + '5'],
  ['Authentication-Info', '', false, null, R + '6'],
  ['Authorization', '', false, null, R + '7'],
  ['Call-ID', 'i', false, 'call-id', R + '8'],
  ['Call-Info', '', true, null, R + '9'],
  ['Contact', 'm', true, 'contact', R + '10'],
  ['Content-Disposition', '', false, null, R + '11'],
  ['Content-Encoding', 'e', true, null, R + '12'],
  ['Content-Language', '', true, null, R + '13'],
  ['Content-Length', 'l', false, 'int', R + '14'],
  ['Content-Type', 'c', false, null, R + '15'],
  ['CSeq', '', false, 'cseq', R + '16'],
  ['Date', '', false, 'date', R + '17'],
  ['Error-Info', '', true, null, R + '18'],
  ['Expires', '', false, 'int', R + '19'],
  ['From', 'f', false, 'name-addr', R + '20'],
  ['In-Reply-To', '', true, null, R + '21'],
  ['Max-Forwards', '', false, 'int', R + '22'],
  ['Min-Expires', '', false, 'int', R + '23'],
  ['MIME-Version', '', false, null, R + '24'],
  ['Organization', '', false, null, R + '25'],
  ['Priority', '', false, null, R + '26'],
  ['Proxy-Authenticate', '', false, null, R + '27'],
  ['Proxy-Authorization', '', false, null, R + '28'],
  ['Proxy-Require', '', true, null, R + '29'],
  ['Record-Route', '', true, 'name-addr-list', R + '30'],
  ['Reply-To', '', false, 'name-addr', R + '31'],
  ['Require', '', true, null, R + '32'],
  ['Retry-After', '', false, 'retry-after', R + '33'],
  ['Route', '', true, 'name-addr-list', R + '34'],
  ['Server', '', false, null, R + '35'],
  ['Subject', 's', false, null, R + '36'],
  ['Supported', 'k', true, null, R + '37'],
  ['Timestamp', '', false, null, R + '38'],
  ['To', 't', false, 'name-addr', R + '39'],
  ['Unsupported', '', true, null, R + '40'],
  ['User-Agent', '', false, null, R + '41'],
  ['Via', 'v', true, 'via', R + '42'],
  ['Warning', '', true, 'warning', R + '43'],
  ['WWW-Authenticate', '', false, null, R + '44'],
  // extensions
  ['Event', 'o', false, null, 'RFC 6665 §8.2.1'],
  ['Allow-Events', 'u', true, null, 'RFC 6665 §8.2.2'],
  ['Subscription-State', '', false, null, 'RFC 6665 §8.2.3'],
  ['Refer-To', 'r', false, 'refer-to', 'RFC 3515 §2.1'],
  ['Referred-By', 'b', false, 'referred-by', 'RFC 3892 §3'],
  ['Replaces', '', false, 'replaces', 'RFC 3891 §6.1'],
  ['Session-Expires', 'x', false, null, 'RFC 4028 §4'],
  ['Min-SE', '', false, null, 'RFC 4028 §5'],
  ['Identity', 'y', false, null, 'RFC 8224 §4'],
  ['Accept-Contact', 'a', true, null, 'RFC 3841 §10'],
  ['Reject-Contact', 'j', true, null, 'RFC 3841 §10'],
  ['Request-Disposition', 'd', true, null, 'RFC 3841 §10'],
  ['Diversion', '', true, 'diversion', 'RFC 5806 §3'],
  // Not standard, but the Diversion grammar under another name, as voice-AI platforms read it.
  ['X-Diversion', '', true, 'diversion', 'RFC 5806 §3'],
  ['History-Info', '', true, 'history-info', 'RFC 7044 §4'],
  ['Reason', '', true, 'reason', 'RFC 3326 §2'],
  ['User-to-User', '', true, 'uui', 'RFC 7433 §4.1'],
  ['P-Asserted-Identity', '', true, 'name-addr-list', 'RFC 3325 §9.1'],
  ['P-Preferred-Identity', '', true, 'name-addr-list', 'RFC 3325 §9.2'],
  ['Privacy', '', false, null, 'RFC 3323 §4.2'],
  ['Remote-Party-ID', '', true, 'name-addr-list', 'draft-ietf-sip-privacy-04 §6'],
  ['RAck', '', false, null, 'RFC 3262 §7.2'],
  ['RSeq', '', false, 'int', 'RFC 3262 §7.1'],
  ['Path', '', true, 'name-addr-list', 'RFC 3327 §4'],
  ['Service-Route', '', true, 'name-addr-list', 'RFC 3608 §5'],
  ['Security-Client', '', true, null, 'RFC 3329 §2.2'],
  ['Security-Server', '', true, null, 'RFC 3329 §2.2'],
  ['Security-Verify', '', true, null, 'RFC 3329 §2.2'],
  ['P-Associated-URI', '', true, 'name-addr-list', 'RFC 7315 §4.1'],
  ['P-Called-Party-ID', '', false, 'name-addr', 'RFC 7315 §4.2'],
  ['P-Visited-Network-ID', '', true, null, 'RFC 7315 §4.3'],
  ['P-Access-Network-Info', '', true, null, 'RFC 7315 §4.4'],
  ['P-Charging-Function-Addresses', '', false, null, 'RFC 7315 §4.5'],
  ['P-Charging-Vector', '', false, null, 'RFC 7315 §4.6'],
];

/** Non-list headers that may nevertheless appear on several rows. */
const REPEATABLE = new Set([
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Identity',
]);

function toSpec([name, compact, list, codec, rfc]: Row): HeaderSpec {
  const spec: { -readonly [K in keyof HeaderSpec]: HeaderSpec[K] } = { name, list, codec, rfc };
  if (compact !== '') spec.compact = compact;
  if (REPEATABLE.has(name)) spec.repeatable = true;
  return Object.freeze(spec);
}

/** Every header the codec knows, in table order. */
export const HEADER_TABLE: readonly HeaderSpec[] = Object.freeze(ROWS.map(toSpec));

/**
 * Lookup: an exact-spelling map first, then buckets keyed by the name's length and first letter,
 * holding lower-cased keys (names and compact forms), whose few candidates are compared character
 * by character without lower-casing the name. This runs once per header line on the hot path.
 */
interface Entry {
  readonly key: string;
  readonly spec: HeaderSpec;
}

const BUCKETS = new Map<number, Entry[]>();
/** Exact spellings seen most on the wire (canonical, lower and upper case, compact forms). */
const EXACT = new Map<string, HeaderSpec>();

function lowerCode(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

function bucketKey(name: string): number {
  return name.length * 128 + (lowerCode(name.charCodeAt(0)) & 0x7f);
}

for (const spec of HEADER_TABLE) {
  for (const key of spec.compact === undefined ? [spec.name] : [spec.name, spec.compact]) {
    const lower = key.toLowerCase();
    for (const spelling of [key, lower, key.toUpperCase()]) EXACT.set(spelling, spec);
    const bucket = BUCKETS.get(bucketKey(lower)) ?? [];
    bucket.push({ key: lower, spec });
    BUCKETS.set(bucketKey(lower), bucket);
  }
}

function sameLowered(name: string, lowerKey: string): boolean {
  for (let i = 1; i < name.length; i++) {
    if (lowerCode(name.charCodeAt(i)) !== lowerKey.charCodeAt(i)) return false;
  }
  return true;
}

/** The table row for a header name or compact form, compared without regard to case. */
export function lookupHeader(name: string): HeaderSpec | undefined {
  const exact = EXACT.get(name);
  if (exact !== undefined || name.length === 0) return exact;
  const bucket = BUCKETS.get(bucketKey(name));
  if (bucket === undefined) return undefined;
  for (const entry of bucket) if (sameLowered(name, entry.key)) return entry.spec;
  return undefined;
}

/** The canonical spelling of a known header (compact forms expanded); other names as given. */
export function canonicalHeaderName(name: string): string {
  return lookupHeader(name)?.name ?? name;
}

/** True when rows of this header may be split on top-level commas. */
export function isListHeader(name: string): boolean {
  return lookupHeader(name)?.list === true;
}
