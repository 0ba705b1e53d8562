import { canonicalHeaderName } from '@sipctx/sip-codec';

/**
 * Headers the proxy owns. Kamailio builds Via, Record-Route and Content-Length itself, keeps the
 * dialog identifiers (From/To tags, Call-ID, CSeq) consistent across the transaction, and routes
 * on Route and Max-Forwards; removing and re-appending any of them from a policy would break the
 * transaction or the dialog, so a policy that names one is refused when it is loaded.
 */
const MANAGED = new Set(
  [
    'Via',
    'From',
    'To',
    'Call-ID',
    'CSeq',
    'Route',
    'Record-Route',
    'Contact',
    'Content-Length',
    'Content-Type',
    'Max-Forwards',
  ].map((n) => n.toLowerCase()),
);

/** True for a header name (full or compact form, any case) the proxy owns. */
export function isProxyManaged(name: string): boolean {
  return MANAGED.has(canonicalHeaderName(name).toLowerCase());
}
