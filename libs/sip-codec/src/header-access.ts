import { lookupHeader } from './header-table.ts';
import type { SipHeader, SipMessage } from './message-model.ts';

/**
 * Reading the rows of a parsed message by header name. Names are compared the way SIP compares
 * them: without regard to case, compact forms equal to their full names (RFC 3261 §7.3.1, §7.3.3).
 */

function headerMatcher(name: string): (h: SipHeader) => boolean {
  const spec = lookupHeader(name);
  if (spec !== undefined) return (h) => h.canonical === spec.name;
  const lower = name.toLowerCase();
  return (h) => h.canonical.toLowerCase() === lower;
}

/** Every row of a header, in order; `name` may be any spelling or the compact form. */
export function getHeaders(message: SipMessage, name: string): SipHeader[] {
  return message.headers.filter(headerMatcher(name));
}

/** The first row of a header, or undefined. */
export function getHeader(message: SipMessage, name: string): SipHeader | undefined {
  return message.headers.find(headerMatcher(name));
}

/** Every element of a header across its rows, in order (`values` of each row, concatenated). */
export function headerValues(message: SipMessage, name: string): string[] {
  return getHeaders(message, name).flatMap((h) => h.values);
}
