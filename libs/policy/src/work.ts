import {
  canonicalHeaderName,
  parseDiversion,
  type DiversionEntry,
  type Result,
  headerLineBytes,
  serializeHeaderLine,
  type SipHeader,
} from '@sipctx/sip-codec';
import type { DroppedItem, EditOp, HeaderEdit } from './model.ts';

/**
 * The message's headers while a decision is being made: an ordered list of rows, each either a
 * header read from the request (`original`, untouched) or one the policy wrote. Every change goes
 * through here and is recorded as a {@link HeaderEdit}, so the decision lists exactly what was
 * done and by whom; what no rule touched stays the original row, byte for byte.
 */

const NONE: readonly string[] = [];

export interface Row {
  readonly name: string;
  /** Canonical name, lower-cased: how SIP compares names. */
  readonly key: string;
  readonly value: string;
  /** The header as read, while this row is unchanged; null for a row the policy wrote. */
  readonly original: SipHeader | null;
  readonly rule: string | null;
  /** Higher survives longer when a budget drops headers. */
  readonly priority: number;
  readonly group?: string;
  readonly onExceed: 'truncate' | 'drop';
}

export interface RowMeta {
  readonly priority?: number;
  readonly group?: string;
  readonly onExceed?: 'truncate' | 'drop';
}

const keys = new Map<string, string>();

/** The canonical lower-cased name; memoised, since policies ask for the same few names again. */
export function headerKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = canonicalHeaderName(name).toLowerCase();
    if (keys.size >= 4096) keys.clear(); // names come from messages too: stay bounded
    keys.set(name, key);
  }
  return key;
}

export class HeaderWork {
  #rows: Row[] = [];
  /** Values by key, rebuilt after any change to the rows. */
  #index: Map<string, string[]> | null = null;
  /** Values computed from the rows of one header (`dep`), or from none (`null`). */
  #memo = new Map<string, { readonly dep: string | null; readonly value: unknown }>();

  get rows(): Row[] {
    return this.#rows;
  }

  set rows(rows: Row[]) {
    // Only what was computed from a changed header is forgotten: a parsed Diversion chain
    // survives a rule adding X-Call-Type.
    const before = new Set(this.#rows);
    const after = new Set(rows);
    const changed = new Set<string>();
    for (const r of this.#rows) if (!after.has(r)) changed.add(r.key);
    for (const r of rows) if (!before.has(r)) changed.add(r.key);
    this.#rows = rows;
    this.#index = null;
    for (const [k, m] of this.#memo) if (m.dep !== null && changed.has(m.dep)) this.#memo.delete(k);
  }

  /**
   * A value computed from the rows of header `dep` (a parsed Diversion chain…), or from none,
   * kept until those rows change.
   */
  memo<T>(key: string, dep: string | null, compute: () => T): T {
    const hit = this.#memo.get(key);
    if (hit !== undefined) return hit.value as T;
    const value = compute();
    this.#memo.set(key, { dep: dep === null ? null : headerKey(dep), value });
    return value;
  }

  readonly edits: HeaderEdit[] = [];
  readonly dropped: DroppedItem[] = [];

  constructor(headers: readonly SipHeader[]) {
    this.#rows = headers.map((h) => ({
      name: h.name,
      key: h.canonical.toLowerCase(),
      value: h.value,
      original: h,
      rule: null,
      priority: 0,
      onExceed: 'truncate',
    }));
  }

  values(name: string): readonly string[] {
    if (this.#index === null) {
      const index = new Map<string, string[]>();
      for (const r of this.#rows) {
        const list = index.get(r.key);
        if (list === undefined) index.set(r.key, [r.value]);
        else list.push(r.value);
      }
      this.#index = index;
    }
    return this.#index.get(headerKey(name)) ?? NONE;
  }

  has(name: string): boolean {
    return this.values(name).length > 0;
  }

  record(
    op: EditOp,
    header: string,
    before: string | null,
    after: string | null,
    rule: string,
    reason?: string,
  ): void {
    this.edits.push({
      op,
      header,
      before,
      after,
      rule,
      ...(reason === undefined ? {} : { reason }),
    });
  }

  /**
   * Adds a row at the end when its line is safe to write; a value with CR, LF, NUL or another
   * control character is refused (recorded as `refuse` and kept in `dropped`), never written.
   */
  add(name: string, value: string, rule: string, meta: RowMeta = {}, op: EditOp = 'add'): boolean {
    const line = serializeHeaderLine(name, value);
    if (!line.ok) {
      this.record('refuse', name, null, null, rule, line.error.message);
      this.dropped.push({
        header: name,
        value,
        sent: null,
        bytes: headerLineBytes(name, value),
        budget: 'unsafe',
        reason: `${line.error.code}: ${line.error.message}`,
        rule,
      });
      return false;
    }
    this.rows = [
      ...this.rows,
      {
        name,
        key: headerKey(name),
        value,
        original: null,
        rule,
        priority: meta.priority ?? 0,
        ...(meta.group === undefined ? {} : { group: meta.group }),
        onExceed: meta.onExceed ?? 'truncate',
      },
    ];
    this.record(op, name, null, value, rule);
    return true;
  }

  /** Removes every row of `name`, recording each; returns the values removed. */
  remove(name: string, rule: string, op: EditOp = 'remove', reason?: string): string[] {
    const key = headerKey(name);
    const removed: string[] = [];
    this.rows = this.rows.filter((r) => {
      if (r.key !== key) return true;
      removed.push(r.value);
      this.record(op, r.name, r.value, null, rule, reason);
      return false;
    });
    return removed;
  }

  /** Removes every row matching `test` (by row), recording each with `op`. */
  removeWhere(test: (r: Row) => boolean, rule: string, op: EditOp, reason?: string): Row[] {
    const removed: Row[] = [];
    this.rows = this.rows.filter((r) => {
      if (!test(r)) return true;
      removed.push(r);
      this.record(op, r.name, r.value, null, rule, reason);
      return false;
    });
    return removed;
  }

  /** Every row of `name` replaced by one row with `value` (added when there was none). */
  replace(name: string, value: string, rule: string, meta: RowMeta = {}): boolean {
    const line = serializeHeaderLine(name, value);
    if (!line.ok) return this.add(name, value, rule, meta);
    const key = headerKey(name);
    const before = this.rows.filter((r) => r.key === key).map((r) => r.value);
    this.rows = [
      ...this.rows.filter((r) => r.key !== key),
      {
        name,
        key,
        value,
        original: null,
        rule,
        priority: meta.priority ?? 0,
        ...(meta.group === undefined ? {} : { group: meta.group }),
        onExceed: meta.onExceed ?? 'truncate',
      },
    ];
    this.record(
      before.length === 0 ? 'add' : 'replace',
      name,
      before.length === 0 ? null : before.join(', '),
      value,
      rule,
    );
    return true;
  }

  /** Every row of `name` renamed to `to`, values unchanged, in place. */
  rename(name: string, to: string, rule: string, op: EditOp = 'rename', reason?: string): void {
    const key = headerKey(name);
    this.rows = this.rows.map((r) => {
      if (r.key !== key) return r;
      this.record(op, r.name, r.value, `${to}: ${r.value}`, rule, reason);
      return { ...r, name: to, key: headerKey(to), original: null, rule };
    });
  }

  /** Replaces one row by another (a shortened value), keeping its place. */
  swap(row: Row, next: Row): void {
    this.rows = this.rows.map((r) => (r === row ? next : r));
  }

  drop(row: Row, item: DroppedItem): void {
    this.rows = this.rows.filter((r) => r !== row);
    this.record('drop', row.name, row.value, null, 'budget', item.reason);
    this.dropped.push(item);
  }
}

/** The rows of a Diversion-style header parsed as one chain, once per version of the rows. */
export function chainOf(work: HeaderWork, name: string): Result<DiversionEntry[]> {
  return work.memo(`chain:${headerKey(name)}`, name, () => {
    const rows = work.values(name);
    return rows.length === 0 ? { ok: true as const, value: [] } : parseDiversion(rows);
  });
}
