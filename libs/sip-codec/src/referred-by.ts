import { equalsIgnoreCase } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { parseNameAddr, serializeNameAddr, type NameAddr } from './name-addr.ts';
import type { ParseOptions } from './options.ts';
import { getParam, type Param } from './params.ts';
import { syncParam } from './synced-params.ts';
import type { Uri } from './uri-model.ts';

/**
 * A Referred-By header (RFC 3892): who asked for the REFER. `uri`, `params` and `cid` are
 * authoritative when serializing; `address` supplies the display name and bracket form.
 */
export interface ReferredBy {
  readonly address: NameAddr;
  readonly uri: Uri;
  /** The Content-ID of the Referred-By token body part, without its quotes; null when absent. */
  readonly cid: string | null;
  readonly params: readonly Param[];
  readonly raw: string;
}

// atom = 1*( alphanum / "-" / "!" / "%" / "*" / "_" / "+" / "'" / "`" / "~" )   (RFC 3892 §3)
const ATOM = "[A-Za-z0-9\\-!%*_+'`~]+";
const DOT_ATOM = `${ATOM}(?:\\.${ATOM})*`;
// host as in RFC 3261 (hostname, IPv4, IPv6 reference); linear regexes, no nested quantifier on
// overlapping classes, so no catastrophic backtracking.
const HOST = '(?:[A-Za-z0-9\\-.]+|\\[[0-9A-Fa-f:.]+\\])';
const CLEAN_MSG_ID = new RegExp(`^${DOT_ATOM}@(?:${DOT_ATOM}|${HOST})$`);

/** sip-clean-msg-id = LDQUOT dot-atom "@" (dot-atom / host) RDQUOT, the part between the quotes. */
export function isCleanMsgId(s: string): boolean {
  return CLEAN_MSG_ID.test(s);
}

/**
 * Referred-By  = ("Referred-By" / "b") HCOLON referrer-uri
 *                *( SEMI (referredby-id-param / generic-param) )        (RFC 3892 §3)
 * referrer-uri = ( name-addr / addr-spec )
 * referredby-id-param = "cid" EQUAL sip-clean-msg-id
 *
 * Strict mode requires the cid to be quoted and to match sip-clean-msg-id, and refuses a second
 * cid. Tolerated: an unquoted or free-form cid (kept as written).
 */
export function parseReferredBy(value: string, options?: ParseOptions): Result<ReferredBy> {
  const na = parseNameAddr(value, options);
  if (!na.ok) return na;
  const params = na.value.params;
  const cid = getParam(params, 'cid');
  if (options?.strict === true && cid !== undefined) {
    if (params.filter((p) => equalsIgnoreCase(p.name, 'cid')).length > 1) {
      return fail('SIP_DUPLICATE_PARAM', 'more than one cid', value, 0);
    }
    if (!cid.quoted || !isCleanMsgId(cid.value as string)) {
      return fail('SIP_BAD_PARAM', 'cid must be a quoted dot-atom "@" host', value, 0);
    }
  }
  return ok({
    address: na.value,
    uri: na.value.uri,
    cid: cid?.value ?? null,
    params,
    raw: na.value.raw,
  });
}

/**
 * Renders a Referred-By value. A cid set or changed through the field is written quoted, as
 * sip-clean-msg-id requires; an unchanged one keeps the form it was read in.
 */
export function serializeReferredBy(rb: ReferredBy): Result<string> {
  const params = syncParam(rb.params, 'cid', rb.cid, true);
  return serializeNameAddr({ ...rb.address, uri: rb.uri, params });
}
