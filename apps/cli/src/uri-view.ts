import {
  isSipUri,
  isTelUri,
  type NameAddr,
  type Param,
  type Uri,
  type UriParam,
} from '@sipctx/sip-codec';

/**
 * JSON views of the codec's values: plain objects with the fields a script wants, in a fixed key
 * order, without the codec's bookkeeping (`raw` slices of sub-parts, quoting flags).
 */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** Parameters as an ordered list of `{ name, value }`, value unquoted, null for a flag. */
export function paramsView(params: readonly (Param | UriParam)[]): JsonObject[] {
  return params.map((p) => ({ name: p.name, value: p.value }));
}

/** A URI: sip/sips with its parts, tel with its number, other schemes opaque. */
export function uriView(uri: Uri): JsonObject {
  if (isSipUri(uri)) {
    return {
      scheme: uri.scheme,
      user: uri.user,
      password: uri.password,
      host: uri.host,
      hostType: uri.hostType,
      port: uri.port,
      params: paramsView(uri.params),
      headers: uri.headers.map((h) => ({ name: h.name, value: h.value })),
      raw: uri.raw,
    };
  }
  if (isTelUri(uri)) {
    return {
      scheme: uri.scheme,
      number: uri.number,
      global: uri.global,
      params: paramsView(uri.params),
      raw: uri.raw,
    };
  }
  return { scheme: uri.scheme, body: uri.body, raw: uri.raw };
}

/** `[display-name] <uri>;params` */
export function nameAddrView(na: NameAddr): JsonObject {
  return { displayName: na.displayName, uri: uriView(na.uri), params: paramsView(na.params) };
}
