import { isDigit, scanToken, skipSws } from './chars.ts';
import { fail, ok, type Result } from './errors.ts';
import { parseHost } from './host.ts';
import type { ParseOptions } from './options.ts';
import { getParam, scanParams, type Param } from './params.ts';
import { topLevelCommas } from './split-list.ts';
import type { HostType } from './uri-model.ts';

/** One via-parm: a hop the request took, newest first in a message. */
export interface ViaParm {
  /** `SIP` as written. */
  readonly protocol: string;
  /** `2.0` as written. */
  readonly version: string;
  /** `UDP`, `TCP`, `TLS`, `WS`… as written. */
  readonly transport: string;
  readonly host: string;
  readonly hostType: HostType;
  readonly port: number | null;
  readonly branch: string | null;
  readonly received: string | null;
  /** RFC 3581: null when absent, true for a bare `;rport`, the port when it has one. */
  readonly rport: number | true | null;
  readonly params: readonly Param[];
  readonly raw: string;
}

const PORT_MAX = 65535;

/**
 * via-parm      = sent-protocol LWS sent-by *( SEMI via-params )   (RFC 3261 §20.42)
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * sent-by       = host [ COLON port ]
 *
 * Tolerant mode accepts what tolerant host names accept (`_` in labels); the structure (three
 * sent-protocol parts, a host, a port up to 65535, well-formed params) is required in both modes,
 * since responses are routed back by it.
 */
export function parseViaParm(v: string, options?: ParseOptions): Result<ViaParm> {
  const strict = options?.strict === true;
  const parts: string[] = [];
  let i = skipSws(v, 0);
  for (let part = 0; part < 3; part++) {
    const end = scanToken(v, i);
    if (end === i) return fail('SIP_BAD_VIA', 'sent-protocol expected', v, i);
    parts.push(v.slice(i, end));
    i = skipSws(v, end);
    if (part < 2) {
      if (v.charCodeAt(i) !== 0x2f /* / */) return fail('SIP_BAD_VIA', '"/" expected', v, i);
      i = skipSws(v, i + 1);
    } else if (i === end) return fail('SIP_BAD_VIA', 'space expected before sent-by', v, i);
  }
  const hostStart = i;
  let hostEnd = i;
  if (v.charCodeAt(i) === 0x5b /* [ */) hostEnd = v.indexOf(']', i) + 1;
  else {
    while (hostEnd < v.length) {
      const c = v.charCodeAt(hostEnd);
      if (c === 0x3a || c === 0x3b || c === 0x20 || c === 0x09) break;
      hostEnd++;
    }
  }
  const hostText = hostEnd > hostStart ? v.slice(hostStart, hostEnd) : '';
  const host = parseHost(hostText, 0, strict);
  if (!host.ok || host.value.end !== hostText.length)
    return fail('SIP_BAD_VIA', 'invalid sent-by host', v, hostStart);
  i = skipSws(v, hostEnd);
  let port: number | null = null;
  if (v.charCodeAt(i) === 0x3a /* : */) {
    const portStart = skipSws(v, i + 1);
    let portEnd = portStart;
    while (isDigit(v.charCodeAt(portEnd))) portEnd++;
    const digits = v.slice(portStart, portEnd);
    if (digits.length === 0 || digits.length > 5 || Number(digits) > PORT_MAX) {
      return fail('SIP_BAD_VIA', 'invalid sent-by port', v, portStart);
    }
    port = Number(digits);
    i = portEnd;
  }
  const params = scanParams(v, i, options);
  if (!params.ok) return params;
  if (params.value.end !== v.length)
    return fail('SIP_BAD_VIA', 'unexpected text in Via', v, params.value.end);
  const ps = params.value.params;
  const rport = getParam(ps, 'rport');
  const rportValue =
    rport === undefined
      ? null
      : rport.value === null || rport.value === ''
        ? true
        : Number(rport.value);
  if (
    typeof rportValue === 'number' &&
    !(Number.isInteger(rportValue) && rportValue >= 0 && rportValue <= PORT_MAX)
  ) {
    return fail('SIP_BAD_VIA', 'rport must be a port number', v, i);
  }
  return ok({
    protocol: parts[0] as string,
    version: parts[1] as string,
    transport: parts[2] as string,
    host: host.value.value,
    hostType: host.value.type,
    port,
    branch: getParam(ps, 'branch')?.value ?? null,
    received: getParam(ps, 'received')?.value ?? null,
    rport: rportValue,
    params: ps,
    raw: v.trim(),
  });
}

/**
 * Via = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm): one row, its via-parms in order. An
 * empty element (`a,,b`) is refused in strict mode and skipped in tolerant mode.
 */
export function parseVia(value: string, options?: ParseOptions): Result<ViaParm[]> {
  const out: ViaParm[] = [];
  const commas = topLevelCommas(value);
  let start = 0;
  for (let k = 0; k <= commas.length; k++) {
    const end = k < commas.length ? (commas[k] as number) : value.length;
    const element = value.slice(start, end);
    if (element.trim() !== '' || options?.strict === true) {
      const r = parseViaParm(element, options);
      if (!r.ok) return fail(r.error.code, r.error.message, value, start + r.error.offset);
      out.push(r.value);
    }
    start = end + 1;
  }
  if (out.length === 0) return fail('SIP_BAD_VIA', 'empty Via', value, 0);
  return ok(out);
}
