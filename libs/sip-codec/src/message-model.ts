/**
 * The shape of a parsed SIP message. Headers stay an ordered list, one element per header line as
 * written, so nothing is lost and a message can be rebuilt byte for byte.
 */
export interface SipHeader {
  /** The name as written (`v`, `VIA`, `Via`, `X-Custom`). */
  readonly name: string;
  /**
   * The canonical name: compact forms expanded and known headers in their RFC spelling (`Via`,
   * `Call-ID`, `WWW-Authenticate`); unknown headers keep the name as written.
   */
  readonly canonical: string;
  /** The value exactly as on the wire, between the colon and the line's CRLF, folds included. */
  readonly raw: string;
  /** The value unfolded (each fold becomes one SP) with leading and trailing whitespace removed. */
  readonly value: string;
  /**
   * The value split into elements where the header's grammar allows comma-separated lists (Via,
   * Contact, Route, Diversion, History-Info…), commas in quotes, angle brackets and URIs respected;
   * `[value]` for every other header.
   */
  readonly values: readonly string[];
  /** Index of the header line's first character in the message's header text. */
  readonly offset: number;
}

interface MessageBase {
  /** `SIP/2.0` as written. */
  readonly version: string;
  readonly headers: readonly SipHeader[];
  /** The body bytes, exactly Content-Length long when that header is present. */
  readonly body: Uint8Array;
  /**
   * Bytes after the body that were discarded under UDP semantics (RFC 3261 §18.3: a datagram
   * longer than Content-Length has its extra bytes ignored). 0 on stream transports.
   */
  readonly discardedBytes: number;
}

export interface SipRequest extends MessageBase {
  readonly kind: 'request';
  /** The method as written (methods are case-sensitive). */
  readonly method: string;
  /** The Request-URI as written. */
  readonly requestUri: string;
}

export interface SipResponse extends MessageBase {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;
