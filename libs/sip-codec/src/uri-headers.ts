import { isToken } from './chars.ts';
import {
  escapeUriHeaderName,
  escapeUriHeaderValue,
  findLoneSurrogate,
  unescapeUri,
} from './escape.ts';
import { fail, ok, rebase, type Result } from './errors.ts';
import type { SipUri, UriHeader } from './uri-model.ts';
import { serializeUri } from './uri.ts';

/** A header embedded in a URI, decoded: what Refer-To carries for the INVITE it triggers. */
export interface EmbeddedUriHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * headers = "?" header *( "&" header ); header = hname "=" hvalue   (RFC 3261 §19.1.1)
 *
 * Decodes the `?headers` of a SIP URI in order, names and values unescaped: `Replaces=
 * 12345%40host%3Bto-tag%3D1` becomes `{ name: 'Replaces', value: '12345@host;to-tag=1' }`.
 */
export function decodeUriHeaders(uri: SipUri): Result<EmbeddedUriHeader[]> {
  const out: EmbeddedUriHeader[] = [];
  // Errors point into `raw` when it still ends with these headers (a parsed URI), else into the
  // `?headers` text itself (an edited URI whose raw is stale). A user part may hold "?" too, so
  // the headers' start is counted from the end.
  const text = '?' + uri.headers.map((h) => `${h.name}=${h.value}`).join('&');
  const input = uri.raw.endsWith(text) ? uri.raw : text;
  let offset = input.length - text.length + 1;
  for (const h of uri.headers) {
    const name = unescapeUri(h.name);
    if (!name.ok) return { ok: false, error: rebase(name.error, input, offset) };
    const value = unescapeUri(h.value);
    if (!value.ok)
      return { ok: false, error: rebase(value.error, input, offset + h.name.length + 1) };
    out.push({ name: name.value, value: value.value });
    offset += h.name.length + h.value.length + 2;
  }
  return ok(out);
}

/**
 * A copy of `uri` whose `?headers` are exactly `headers`, escaped as RFC 3261 §19.1.1 requires.
 * Header names must be tokens (they name SIP headers); values may hold anything but NUL, since
 * escaping makes ";", "=", "?", "&", "<", ">", '"', "%", spaces, CR and LF safe.
 */
export function withUriHeaders(uri: SipUri, headers: readonly EmbeddedUriHeader[]): Result<SipUri> {
  const escaped: UriHeader[] = [];
  for (const h of headers) {
    if (!isToken(h.name)) {
      return fail(
        'SIP_UNSAFE_VALUE',
        `embedded header name ${JSON.stringify(h.name)} is not a token`,
        h.name,
        0,
      );
    }
    const nul = h.value.indexOf('\u0000');
    if (nul !== -1)
      return fail('SIP_UNSAFE_VALUE', 'embedded header value holds NUL', h.value, nul);
    const lone = findLoneSurrogate(h.value);
    if (lone !== -1) {
      // UTF-8 cannot encode half a surrogate pair: escaping would silently turn it into U+FFFD.
      return fail(
        'SIP_UNSAFE_VALUE',
        'embedded header value holds a lone surrogate',
        h.value,
        lone,
      );
    }
    escaped.push({ name: escapeUriHeaderName(h.name), value: escapeUriHeaderValue(h.value) });
  }
  const next: SipUri = { ...uri, headers: escaped, raw: '' };
  const raw = serializeUri(next);
  if (!raw.ok) return raw;
  return ok({ ...next, raw: raw.value });
}
