import type { DiversionEntry } from './diversion.ts';

/**
 * Diversion chains (RFC 5806 §4): a list of entries, most recent diversion first. Each entry's
 * counter says how many diversions that entry stands for; an entry without counter counts as 1.
 */

/** Total number of diversions the chain records: the sum of counters, a missing one counting 1. */
export function diversionCount(chain: readonly DiversionEntry[]): number {
  return chain.reduce((n, e) => n + (e.counter ?? 1), 0);
}

export interface AddDiversionOptions {
  /**
   * `top`: RFC 5806 order, the newest entry first (the default). `bottom`: "keep ours last", as the
   * Diversion guide asks of a platform that wants a fixed place to read its own entry from.
   */
  readonly position?: 'top' | 'bottom';
  /**
   * `one` (default): the new entry stands for one diversion, `counter=1` (RFC 5806 semantics).
   * `total`: the new entry's counter is the chain's total plus one, for receivers that read the
   * counter as a running total. `keep`: the entry's own counter, or none, is left as given.
   */
  readonly counter?: 'one' | 'total' | 'keep';
}

/** A new chain with `entry` added; the input chain is not changed. */
export function addDiversionEntry(
  chain: readonly DiversionEntry[],
  entry: DiversionEntry,
  options: AddDiversionOptions = {},
): DiversionEntry[] {
  const mode = options.counter ?? 'one';
  const counter =
    mode === 'keep' ? entry.counter : mode === 'one' ? 1 : Math.min(99, diversionCount(chain) + 1);
  const added: DiversionEntry = { ...entry, counter };
  return options.position === 'bottom' ? [...chain, added] : [added, ...chain];
}

export interface CappedChain {
  readonly chain: DiversionEntry[];
  readonly dropped: DiversionEntry[];
}

/**
 * Caps a chain at `max` entries (loop protection, header budgets). `drop: 'oldest'` (default)
 * drops from the end of an RFC-ordered chain; `newest` drops from the top. What is dropped is
 * returned, never lost.
 */
export function capDiversionChain(
  chain: readonly DiversionEntry[],
  max: number,
  options: { readonly drop?: 'oldest' | 'newest' } = {},
): CappedChain {
  const keep = Math.max(0, Math.floor(max));
  if (chain.length <= keep) return { chain: [...chain], dropped: [] };
  if (options.drop === 'newest') {
    return {
      chain: chain.slice(chain.length - keep),
      dropped: chain.slice(0, chain.length - keep),
    };
  }
  return { chain: chain.slice(0, keep), dropped: chain.slice(keep) };
}

/**
 * The smallest `limit` any entry sets (RFC 5806: the maximum number of diversions allowed), or
 * null when none does; `exceeded` is true once the chain's count reaches it.
 */
export function diversionLimit(chain: readonly DiversionEntry[]): {
  limit: number | null;
  exceeded: boolean;
} {
  let limit: number | null = null;
  for (const e of chain)
    if (e.limit !== null && (limit === null || e.limit < limit)) limit = e.limit;
  return { limit, exceeded: limit !== null && diversionCount(chain) >= limit };
}
