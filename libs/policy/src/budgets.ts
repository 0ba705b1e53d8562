import {
  fitParams,
  headerLineBytes,
  parseNameAddr,
  serializeNameAddr,
  truncateUriEscaped,
  truncateUtf8,
  utf8Length,
} from '@sipctx/sip-codec';
import type { CompiledPolicy } from './compile.ts';
import type { DroppedItem } from './model.ts';
import type { HeaderWork, Row } from './work.ts';

/**
 * Size budgets. Nothing is cut mid-character, mid-escape, mid-quote or mid-parameter: a header
 * with parameters loses whole parameters (the RFC ones it needs are kept), a quoted value or a
 * name on the never-truncate list is dropped whole, free text is cut at a code point. Everything a
 * budget takes is a {@link DroppedItem}: listed in the decision and kept in the call context.
 */

/** Parameters a shortened Diversion / History-Info / name-addr header keeps, whatever it costs. */
const ESSENTIAL_PARAMS = [
  'reason',
  'counter',
  'limit',
  'privacy',
  'screen',
  'index',
  'tag',
  'party',
];

function item(
  row: Row,
  budget: DroppedItem['budget'],
  reason: string,
  sent: string | null,
): DroppedItem {
  return {
    header: row.name,
    value: row.value,
    sent,
    bytes:
      headerLineBytes(row.name, row.value) - (sent === null ? 0 : headerLineBytes(row.name, sent)),
    budget,
    reason,
    rule: row.rule,
  };
}

/** A shorter value that keeps the line within `max` bytes, or null when it must be dropped whole. */
function shorten(row: Row, max: number): string | null {
  const room = max - headerLineBytes(row.name, '');
  if (room <= 0) return null;
  const addr = row.value.includes('<') ? parseNameAddr(row.value) : null;
  if (addr?.ok === true && addr.value.params.length > 0) {
    const bare = serializeNameAddr({ ...addr.value, params: [] });
    if (!bare.ok) return null;
    const fit = fitParams(addr.value.params, room - utf8Length(bare.value), (_, i) => -i, {
      keep: ESSENTIAL_PARAMS,
    });
    if (!fit.ok || !fit.value.fits) return null;
    const out = serializeNameAddr({ ...addr.value, params: fit.value.params });
    return out.ok ? out.value : null;
  }
  if (row.value.includes('"') || row.value.includes('<')) return null;
  if (row.value.includes(';')) {
    // `token;a=1;b=2`: drop whole trailing parameters.
    const segments = row.value.split(';');
    while (segments.length > 1) {
      segments.pop();
      const v = segments.join(';');
      if (utf8Length(v) <= room) return v;
    }
    return null;
  }
  const cut = /%[0-9A-Fa-f]{2}/.test(row.value)
    ? truncateUriEscaped(row.value, room)
    : truncateUtf8(row.value, room);
  return cut.value.trim() === '' ? null : cut.value.trimEnd();
}

/** The per-line budget: for headers the policy wrote, and for received ones when it says so. */
export function applyHeaderLineBudget(work: HeaderWork, policy: CompiledPolicy): void {
  const { max_bytes: max, incoming } = policy.doc.budgets.header_line;
  for (const row of [...work.rows]) {
    const received = row.original !== null;
    if (received && incoming === 'keep') continue;
    if (headerLineBytes(row.name, row.value) <= max) continue;
    const why = `${row.name} over the ${max}-byte header line budget`;
    const mayCut =
      !policy.neverTruncate(row.name) &&
      (received ? incoming === 'truncate' : row.onExceed === 'truncate');
    const short = mayCut ? shorten(row, max) : null;
    if (short === null) {
      work.drop(row, item(row, 'header_line', why, null));
      continue;
    }
    work.swap(row, { ...row, value: short, original: null });
    work.record('truncate', row.name, row.value, short, row.rule ?? 'budget', why);
    work.dropped.push(item(row, 'header_line', why, short));
  }
}

/**
 * The context budget (ASAPP's 1024 characters for transfer data): headers in a group count in the
 * order of `budgets.context.order`, then in the order written; once one does not fit, it and
 * (with `on_full: stop`, ASAPP's behaviour) every later one is dropped whole.
 */
export function applyContextBudget(work: HeaderWork, policy: CompiledPolicy): void {
  const cfg = policy.doc.budgets.context;
  if (cfg === undefined) return;
  let used = 0;
  let full = false;
  for (const group of cfg.order) {
    for (const row of work.rows.filter((r) => r.group === group && r.original === null)) {
      const bytes = headerLineBytes(row.name, row.value);
      if (!full && used + bytes <= cfg.max_bytes) {
        used += bytes;
        continue;
      }
      if (cfg.on_full === 'stop') full = true;
      work.drop(
        row,
        item(
          row,
          'context',
          `context budget of ${cfg.max_bytes} bytes reached (group ${group})`,
          null,
        ),
      );
    }
  }
}

export interface MessageBudgetOutcome {
  readonly transport: 'tcp' | null;
  readonly reject: { code: number; reason: string } | null;
  readonly note: string | null;
}

/**
 * RFC 3261 §18.1.1: a request within 200 bytes of the path MTU (1300 bytes when it is unknown)
 * must go over a congestion-controlled transport. Over UDP, per the next hop's trunk or the policy:
 * `tcp` switches transport, `drop` drops the policy's own headers, lowest priority first, until
 * the message fits (then `tcp` if it still does not), `reject` answers 513.
 */
export function applyMessageBudget(
  work: HeaderWork,
  policy: CompiledPolicy,
  size: () => number,
  onExceed: 'tcp' | 'drop' | 'reject',
  maxBytes: number,
): MessageBudgetOutcome {
  const limit = maxBytes - policy.doc.budgets.message.reserve_bytes;
  const before = size();
  if (before <= limit) return { transport: null, reject: null, note: null };
  const why = `message of ${before} bytes over the UDP budget of ${limit}`;
  if (onExceed === 'reject')
    return { transport: null, reject: { code: 513, reason: 'Message Too Large' }, note: why };
  if (onExceed === 'drop') {
    const candidates = work.rows
      .map((r, i) => ({ r, i }))
      .filter(
        ({ r }) => r.original === null && !policy.neverTruncate(r.name) && r.rule !== 'diversion',
      )
      .sort((a, b) => a.r.priority - b.r.priority || b.i - a.i);
    for (const { r } of candidates) {
      if (size() <= limit) break;
      work.drop(r, item(r, 'message', why, null));
    }
    if (size() <= limit)
      return { transport: null, reject: null, note: `${why}: dropped headers by priority` };
  }
  return { transport: 'tcp', reject: null, note: `${why}: sent over TCP` };
}
