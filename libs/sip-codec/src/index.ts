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
  findLoneSurrogate,
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

// messages: header table, message parser, header access, strict checks
export { canonicalHeaderName, HEADER_TABLE, isListHeader, lookupHeader } from './header-table.ts';
export type { HeaderCodec, HeaderSpec } from './header-table.ts';
export { parseMessage } from './message.ts';
export type { MessageParseOptions } from './message.ts';
export { getHeader, getHeaders, headerValues } from './header-access.ts';
export { checkHeaderCounts } from './message-checks.ts';
export { findEmptyListElement, splitList } from './split-list.ts';

export { CSEQ_MAX, parseCSeq } from './cseq.ts';
export { parseVia, parseViaParm } from './via.ts';
export type { ViaParm } from './via.ts';
export type { CSeq } from './cseq.ts';

// Diversion (RFC 5806), History-Info (RFC 7044) and their mapping (RFC 7544)
export {
  buildDiversionEntry,
  DIVERSION_REASONS,
  diversionEntryView,
  isSafeExtensionName,
  parseDiversion,
  serializeDiversion,
  serializeDiversionEntry,
  serializeDiversionRows,
} from './diversion.ts';
export type { DiversionEntry, DiversionEntryView, DiversionInput } from './diversion.ts';
export {
  addDiversionEntry,
  capDiversionChain,
  diversionCount,
  diversionLimit,
} from './diversion-chain.ts';
export type { AddDiversionOptions, CappedChain } from './diversion-chain.ts';
export {
  historyInfoEntryView,
  nextHistoryInfoIndex,
  parseHistoryInfo,
  parseIndex,
  serializeHistoryInfo,
  serializeHistoryInfoEntry,
  validateHistoryInfoIndices,
} from './history-info.ts';
export type { HistoryInfoEntry, HistoryInfoEntryView } from './history-info.ts';
export {
  CAUSE_TO_REASON,
  causeToReason,
  diversionToHistoryInfo,
  historyInfoRowsToDiversion,
  historyInfoToDiversion,
  REASON_TO_CAUSE,
  reasonToCause,
} from './rfc7544.ts';

// writing headers safely, byte accounting and budgets
export {
  serializeHeaderBlock,
  serializeHeaderLine,
  validateHeaderName,
  validateHeaderValue,
} from './header-line.ts';
export type { HeaderField } from './header-line.ts';
export { headerLineBytes, utf8Length } from './bytes.ts';
export {
  fitEntries,
  fitHeaderValue,
  fitParams,
  truncateUriEscaped,
  truncateUtf8,
} from './truncate.ts';
export type { Dropped, EntriesFit, ParamsFit, TextCut } from './truncate.ts';
export {
  appendHeaders,
  removeHeaders,
  serializeMessage,
  serializeMessageText,
} from './serialize-message.ts';
export type { SerializeMessageOptions } from './serialize-message.ts';
