import {
  addDiversionEntry,
  headerLineBytes,
  capDiversionChain,
  diversionCount,
  diversionLimit,
  diversionToHistoryInfo,
  historyInfoRowsToDiversion,
  serializeDiversionEntry,
  type DiversionEntry,
} from '@sipctx/sip-codec';
import type { CompiledPolicy, CompiledTrunk } from './compile.ts';
import { chainOf, type HeaderWork } from './work.ts';

/**
 * Diversion chaining (RFC 5806) per `policy.diversion`:
 * - `none`: the received chain is removed; only an entry a rule adds is sent;
 * - `propagate`: the received chain goes on unchanged and nothing is added;
 * - `stack`: a rule's entry is added, on top (RFC order, most recent first) or at the bottom (the
 *   Diversion guide's "keep ours last"), its counter per `counter`.
 * A chain longer than `max_chain` diversions, or past a `limit` an entry sets, is a loop sign:
 * `reject` the request, `skip` adding ours, or `trim` the oldest received entries. Received
 * entries are re-sent exactly as written; a received chain that does not parse is left alone.
 */

export interface ChainOutcome {
  readonly reject: { code: number; reason: string } | null;
  readonly notes: string[];
  /** The chain as sent, most recent first, for History-Info mapping. */
  readonly chain: DiversionEntry[];
}

function render(entry: DiversionEntry, ours: DiversionEntry | null): string | null {
  if (entry !== ours) return entry.raw;
  const r = serializeDiversionEntry(entry);
  return r.ok ? r.value : null;
}

export function applyDiversion(
  work: HeaderWork,
  policy: CompiledPolicy,
  ours: { entry: DiversionEntry; rule: string } | null,
): ChainOutcome {
  const cfg = policy.doc.diversion;
  const name = cfg.header;
  const notes: string[] = [];
  const rows = work.values(name);
  const parsed = chainOf(work, name);
  if (!parsed.ok) {
    if (ours !== null) {
      work.refuse(
        name,
        ours.rule,
        `the received ${name} chain does not parse: ${parsed.error.message}`,
      );
    }
    return { reject: null, notes, chain: [] };
  }
  let received = parsed.value;
  if (cfg.mode === 'none' && rows.length > 0) {
    work.remove(name, 'diversion', 'remove', 'diversion.mode is none');
    received = [];
  }
  let added: DiversionEntry | null = null;
  if (ours !== null) {
    if (cfg.mode === 'propagate') {
      work.refuse(name, ours.rule, 'diversion.mode is propagate: the chain is passed on unchanged');
    } else added = ours.entry;
  }
  const count = diversionCount(received) + (added === null ? 0 : 1);
  const tooLong = count > cfg.max_chain || (added !== null && diversionLimit(received).exceeded);
  if (tooLong) {
    const why = `diversion chain of ${count} over the maximum of ${cfg.max_chain} (or its limit)`;
    if (cfg.on_max === 'reject')
      return {
        reject: { code: cfg.reject_code, reason: 'Too Many Diversions' },
        notes: [why],
        chain: received,
      };
    if (cfg.on_max === 'skip') {
      if (added !== null) work.refuse(name, ours?.rule ?? 'diversion', why);
      notes.push(why);
      added = null;
    } else {
      const capped = capDiversionChain(
        received,
        Math.max(0, cfg.max_chain - (added === null ? 0 : 1)),
      );
      for (const d of capped.dropped) {
        work.dropped.push({
          header: name,
          value: d.raw,
          sent: null,
          bytes: headerLineBytes(name, d.raw),
          budget: 'diversion_chain',
          reason: why,
          rule: 'diversion',
        });
      }
      received = capped.chain;
      notes.push(`${why}: ${capped.dropped.length} oldest entries trimmed`);
    }
  }
  const changed = added !== null || received.length !== parsed.value.length;
  if (!changed) return { reject: null, notes, chain: received };
  const chain =
    added === null
      ? received
      : addDiversionEntry(received, added, { position: cfg.position, counter: cfg.counter });
  const oursInChain = added === null ? null : (chain.find((e) => !received.includes(e)) ?? null);
  if (
    cfg.position === 'bottom' &&
    received.length === parsed.value.length &&
    oursInChain !== null
  ) {
    // Ours goes last: the received rows stay as they are and one row is appended.
    const value = render(oursInChain, oursInChain);
    if (value !== null) work.add(name, value, ours?.rule ?? 'diversion');
    else work.refuse(name, ours?.rule ?? 'diversion', 'our entry could not be rendered');
    return { reject: null, notes, chain };
  }
  work.remove(name, 'diversion', 'remove', 'chain rewritten');
  for (const e of chain) {
    const value = render(e, oursInChain);
    const rule = e === oursInChain ? (ours?.rule ?? 'diversion') : 'diversion';
    if (value !== null) work.add(name, value, rule);
    else work.refuse(name, rule, 'our entry could not be rendered');
  }
  return { reject: null, notes, chain };
}

/**
 * What the next hop wants to read redirections from (`trunks[].redirect_headers`): History-Info
 * (RFC 7044) produced from the Diversion chain per RFC 7544, Diversion mapped from a received
 * History-Info, or both. `as-received` (the default) leaves them as they are.
 */
export function applyRedirectHeaders(
  work: HeaderWork,
  policy: CompiledPolicy,
  trunk: CompiledTrunk | null,
  chain: DiversionEntry[],
  requestUri: string,
): void {
  const want = trunk?.redirect_headers ?? 'as-received';
  if (want === 'as-received') return;
  const name = policy.doc.diversion.header;
  if ((want === 'history-info' || want === 'both') && chain.length > 0) {
    const rows = diversionToHistoryInfo(chain, requestUri);
    if (!rows.ok) {
      work.refuse('History-Info', 'history-info', rows.error.message);
      return;
    }
    work.remove(
      'History-Info',
      'history-info',
      'remove',
      `${trunk?.name} wants History-Info from ${name}`,
    );
    for (const row of rows.value) work.add('History-Info', row, 'history-info');
    if (want === 'history-info')
      work.remove(name, 'history-info', 'remove', `mapped to History-Info for ${trunk?.name}`);
    return;
  }
  if (want === 'diversion' && chain.length === 0 && work.has('History-Info') && !work.has(name)) {
    const mapped = historyInfoRowsToDiversion(work.values('History-Info'));
    if (!mapped.ok) return;
    for (const e of mapped.value) {
      const value = serializeDiversionEntry(e);
      if (value.ok) work.add(name, value.value, 'history-info', {}, 'add');
    }
  }
}
