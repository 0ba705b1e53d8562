import type { StoredContext } from '@sipctx/policy';
import { isIP } from 'node:net';

/**
 * The option values of `sipctx eval` that need more than a lookup: each parser returns the value
 * or the message of a usage error.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface SourceAddress {
  readonly address: string;
  readonly port: number;
}

const DEFAULT_PORT = 5060;

function port(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_PORT;
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`; a bare IPv6 address takes the default port. */
export function parseSource(text: string): Parsed<SourceAddress> {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  const colons = text.split(':').length - 1;
  const [address, portText] =
    bracketed !== null
      ? [bracketed[1] as string, bracketed[2]]
      : colons === 1
        ? (text.split(':') as [string, string])
        : [text, undefined];
  const n = port(portText);
  if (isIP(address) === 0 || n === null) {
    return {
      ok: false,
      message: `--source must be an IP address with an optional :port, not "${text}"`,
    };
  }
  return { ok: true, value: { address, port: n } };
}

/** An ISO 8601 time for the policy's clock. */
export function parseNow(text: string): Parsed<Date> {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    return { ok: false, message: `--now must be an ISO 8601 time, not "${text}"` };
  }
  return { ok: true, value: date };
}

type JsonRecord = Record<string, unknown>;

function isRecord(x: unknown): x is JsonRecord {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function recordOf<T>(
  x: unknown,
  field: string,
  accepts: (v: unknown) => v is T,
  what: string,
): Parsed<Record<string, T> | undefined> {
  if (x === undefined) return { ok: true, value: undefined };
  if (!isRecord(x) || !Object.values(x).every(accepts)) {
    return { ok: false, message: `--context: "${field}" must be an object of ${what}` };
  }
  return { ok: true, value: x as Record<string, T> };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStateValue = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * A stored call context as JSON: `variables`, `state` and `flow` are read, other keys (those of a
 * whole `decision.context`, say) are ignored.
 */
export function parseStoredContext(text: string, file: string): Parsed<StoredContext> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `--context ${file} is not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(json)) return { ok: false, message: `--context ${file} must hold a JSON object` };
  const variables = recordOf(json['variables'], 'variables', isString, 'strings');
  if (!variables.ok) return variables;
  const state = recordOf(json['state'], 'state', isStateValue, 'strings, numbers or booleans');
  if (!state.ok) return state;
  const flow = json['flow'];
  if (flow !== undefined && flow !== null && typeof flow !== 'string') {
    return { ok: false, message: '--context: "flow" must be a string or null' };
  }
  return {
    ok: true,
    value: {
      ...(variables.value === undefined ? {} : { variables: variables.value }),
      ...(state.value === undefined ? {} : { state: state.value }),
      ...(flow === undefined ? {} : { flow }),
    },
  };
}
