import {
  appendHeaders,
  headerLineBytes,
  removeHeaders,
  serializeHeaderBlock,
  serializeMessage,
  utf8Length,
  type HeaderField,
  type SipError,
  type SipRequest,
} from '@sipctx/sip-codec';
import { policyFail, policyOk, type PolicyResult } from './errors.ts';
import type { WireDecision } from './model.ts';
import type { Row } from './work.ts';

/**
 * The compact decision Kamailio applies: which header names to remove and one block to append.
 * It is derived from the final rows, not from the edit log, so it is exact whatever the edits were:
 * a name whose received rows all survive, unchanged and first, keeps them and only gets its new
 * rows appended; any other touched name is removed and its final rows re-appended in order.
 * Names no rule touched are in neither list, so they reach the next hop byte for byte.
 */

export interface HeaderDiff {
  readonly remove: string[];
  readonly append: HeaderField[];
}

export function diffRows(original: readonly Row[], final: readonly Row[]): HeaderDiff {
  if (original.length === final.length && original.every((r, i) => final[i] === r)) {
    return { remove: [], append: [] };
  }
  const before = new Map<string, Row[]>();
  for (const r of original) {
    const list = before.get(r.key);
    if (list === undefined) before.set(r.key, [r]);
    else list.push(r);
  }
  // A key keeps its received rows when they come first among its final rows, unchanged.
  const seen = new Map<string, number>();
  const removeKeys = new Set<string>();
  for (const r of final) {
    const i = seen.get(r.key) ?? 0;
    seen.set(r.key, i + 1);
    const rows = before.get(r.key);
    if (rows === undefined || i >= rows.length) continue;
    const was = rows[i] as Row;
    if (r.original !== was.original || r.name !== was.name) removeKeys.add(r.key);
  }
  for (const [key, rows] of before) if ((seen.get(key) ?? 0) < rows.length) removeKeys.add(key);
  const remove: string[] = [];
  for (const key of removeKeys) {
    const first = (before.get(key) as Row[])[0] as Row;
    remove.push(first.original?.canonical ?? first.name);
  }
  const append: HeaderField[] = [];
  for (const r of final) {
    if (r.original === null || removeKeys.has(r.key)) append.push({ name: r.name, value: r.value });
  }
  return { remove, append };
}

/** Wire bytes of a request as it would leave, from the sizes of its parts. */
export function requestBytes(
  message: SipRequest,
  rows: readonly Row[],
  requestUri: string,
): number {
  let n =
    utf8Length(message.method) + 1 + utf8Length(requestUri) + 1 + utf8Length(message.version) + 2;
  for (const r of rows) {
    n +=
      r.original !== null && r.original.name === r.name
        ? utf8Length(r.original.name) + 1 + utf8Length(r.original.raw) + 2
        : headerLineBytes(r.name, r.value);
  }
  return n + 2 + message.body.length;
}

export function renderWire(
  diff: HeaderDiff,
  routing: { ruri?: string; duri?: string; transport?: 'udp' | 'tcp' | 'tls' },
): PolicyResult<WireDecision> {
  const block = serializeHeaderBlock(diff.append);
  if (!block.ok) {
    // Every row was validated when it was written, so this is a bug, not bad input.
    return policyFail(
      'POLICY_UNSAFE_OUTPUT',
      block.error.message,
      block.error.input,
      block.error.offset,
    );
  }
  const wire: { -readonly [K in keyof WireDecision]: WireDecision[K] } = {
    remove: diff.remove,
    append: block.value,
  };
  if (routing.ruri !== undefined) wire.ruri = routing.ruri;
  if (routing.duri !== undefined) wire.duri = routing.duri;
  if (routing.transport !== undefined) wire.transport = routing.transport;
  return policyOk(wire);
}

function parseBlock(block: string): HeaderField[] {
  const out: HeaderField[] = [];
  for (const line of block.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    out.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
  }
  return out;
}

function fromCodec(
  code: 'POLICY_BAD_MESSAGE' | 'POLICY_UNSAFE_OUTPUT',
  e: SipError,
): PolicyResult<never> {
  return policyFail(code, e.message, e.input, e.offset, { cause: e });
}

/**
 * The request as Kamailio would send it after applying `wire` (before adding its own Via and
 * Record-Route): what `sipctx eval` prints and what tests compare against.
 */
export function applyWireDecision(
  message: SipRequest,
  wire: WireDecision,
): PolicyResult<Uint8Array> {
  const removed = removeHeaders(message, wire.remove);
  if (!removed.ok) return fromCodec('POLICY_BAD_MESSAGE', removed.error);
  const appended = appendHeaders(removed.value, parseBlock(wire.append));
  if (!appended.ok) return fromCodec('POLICY_UNSAFE_OUTPUT', appended.error);
  const retargeted =
    wire.ruri === undefined
      ? appended.value
      : { ...(appended.value as SipRequest), requestUri: wire.ruri };
  const bytes = serializeMessage(retargeted);
  return bytes.ok ? policyOk(bytes.value) : fromCodec('POLICY_BAD_MESSAGE', bytes.error);
}
