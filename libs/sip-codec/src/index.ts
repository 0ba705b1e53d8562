// foundation: results and errors, options, characters, params, addresses, message model
export { fail, ok } from './errors.ts';
export type { Result, SipError, SipErrorCode } from './errors.ts';
export { STRICT, TOLERANT } from './options.ts';
export type { ParseOptions } from './options.ts';
export { findUnsafeControl, isToken, quoteString } from './chars.ts';
export {
  getParam,
  isParamName,
  paramValue,
  parseParams,
  scanParams,
  serializeParam,
  serializeParams,
  withParam,
  withoutParam,
} from './params.ts';
export type { Param, ParamsScan } from './params.ts';
export { isSipUri, isTelUri } from './uri-model.ts';
export type { HostType, OpaqueUri, SipUri, TelUri, Uri, UriHeader, UriParam } from './uri-model.ts';
// URIs: sip/sips/tel/opaque, escaping, embedded headers, E.164
export { parseUri, serializeUri } from './uri.ts';
export { isIpv4, isIpv6 } from './host.ts';
export {
  escapeUriHeaderName,
  escapeUriHeaderValue,
  escapeUriParam,
  escapeUriUser,
  unescapeUri,
} from './escape.ts';
export { decodeUriHeaders, withUriHeaders } from './uri-headers.ts';
export type { EmbeddedUriHeader } from './uri-headers.ts';
export { normalizeE164, numberFromUri, stripVisualSeparators } from './e164.ts';
export type { E164Options, UriNumber } from './e164.ts';
export {
  nameAddr,
  parseNameAddr,
  parseNameAddrList,
  scanNameAddr,
  serializeNameAddr,
} from './name-addr.ts';
export type { NameAddr, NameAddrScan } from './name-addr.ts';
export type { SipHeader, SipMessage, SipRequest, SipResponse } from './message-model.ts';

// transfer headers: Reason, Refer-To, Referred-By, Replaces, User-to-User
export { buildReason, parseReason, serializeReason, serializeReasonValue } from './reason.ts';
export type { ReasonInput, ReasonValue } from './reason.ts';
export {
  buildReferTo,
  embedHeadersWithinBudget,
  parseReferTo,
  serializeReferTo,
} from './refer-to.ts';
export type { EmbedWithinBudget, ReferTo, ReferToInput } from './refer-to.ts';
export { isCleanMsgId, parseReferredBy, serializeReferredBy } from './referred-by.ts';
export type { ReferredBy } from './referred-by.ts';
export { buildReplaces, isCallId, parseReplaces, serializeReplaces } from './replaces.ts';
export type { Replaces, ReplacesInput } from './replaces.ts';
export {
  buildUui,
  decodeHex,
  encodeHex,
  parseUui,
  serializeUui,
  serializeUuiValue,
} from './uui.ts';
export type { UuiInput, UuiValue } from './uui.ts';
