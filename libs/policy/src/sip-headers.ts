import { canonicalHeaderName } from '@sipctx/sip-codec';
import type { ContextHeader } from './model.ts';

/**
 * Reading a call's `sip_headers` the way agent code does (PolyAI's
 * `conv.sip_headers.get("From", "Unknown Caller")`): names compare without case and compact
 * forms equal their full names (`f` is From), and a repeated header keeps its rows in order.
 */

function sameHeader(a: string, b: string): boolean {
  return canonicalHeaderName(a).toLowerCase() === canonicalHeaderName(b).toLowerCase();
}

/** Every value of the header, in the order of its rows. */
export function sipHeaderValues(headers: readonly ContextHeader[], name: string): string[] {
  return headers.filter((h) => sameHeader(h.name, name)).map((h) => h.value);
}

/** The first value of the header, or `fallback` when the call has none. */
export function sipHeader<T = null>(
  headers: readonly ContextHeader[],
  name: string,
  fallback: T | null = null,
): string | T | null {
  return headers.find((h) => sameHeader(h.name, name))?.value ?? fallback;
}
