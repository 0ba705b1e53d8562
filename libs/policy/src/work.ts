import {
  canonicalHeaderName,
  parseDiversion,
  type DiversionEntry,
  type Result,
  type Uri,
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
  readonly group?: string | undefined;
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
  /** Values by key, filled on demand and forgotten for the keys a change touches. */
  #index = new Map<string, readonly string[]>();
  /** Values computed from the rows of one header (`dep`), or from none (`null`). */
  #memo = new Map<string, { readonly dep: string | null; readonly value: unknown }>();

  /** The rows as they stand; changed in place by the methods below, so copy to keep a snapshot. */
  get rows(): readonly Row[] {
    return this.#rows;
  }

  /**
   * Every change ends here, with the keys it touched. Only what was computed from a changed
   * header is forgotten: a parsed Diversion chain survives a rule adding X-Call-Type.
   */
  #commit(changed: readonly string[]): void {
    for (const key of changed) this.#index.delete(key);
    if (this.#memo.size === 0 || changed.length === 0) return;
    for (const [k, m] of this.#memo) {
      if (m.dep !== null && changed.includes(m.dep)) this.#memo.delete(k);
    }
  }

  /** Keeps the rows `keep` accepts, in place; returns the others. */
  #retain(keep: (r: Row) => boolean): Row[] {
    const rows = this.#rows;
    const out: Row[] = [];
    let kept = 0;
    for (const r of rows) {
      if (keep(r)) rows[kept++] = r;
      else out.push(r);
    }
    rows.length = kept;
    return out;
  }

  /**
   * A value computed from the rows of header `dep` (a parsed Diversion chain…), or from none,
   * kept until those rows change.
   */
  /** The last URI parsed for routing (the Request-URI, a destination), by its text. */
  uriCache: { readonly text: string; readonly uri: Uri | null } | null = null;

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
    const key = headerKey(name);
    let values = this.#index.get(key);
    if (values === undefined) {
      const found: string[] = [];
      for (const r of this.#rows) if (r.key === key) found.push(r.value);
      values = found.length === 0 ? NONE : found;
      this.#index.set(key, values);
    }
    return values;
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
    // Object spread is slow on this hot path; the optional field is set instead.
    const edit: Mutable<HeaderEdit> = { op, header, before, after, rule };
    if (reason !== undefined) edit.reason = reason;
    this.edits.push(edit);
  }

  /** Records an edit that was not made, and why (a value that could not be written safely…). */
  refuse(header: string, rule: string, reason: string): void {
    this.record('refuse', header, null, null, rule, reason);
  }

  /**
   * Adds a row at the end when its line is safe to write; a value with CR, LF, NUL or another
   * control character is refused (recorded as `refuse` and kept in `dropped`), never written.
   */
  add(name: string, value: string, rule: string, meta: RowMeta = {}, op: EditOp = 'add'): boolean {
    const line = serializeHeaderLine(name, value);
    if (!line.ok) {
      this.refuse(name, rule, line.error.message);
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
    const key = headerKey(name);
    this.#rows.push(newRow(name, key, value, rule, meta));
    this.#commit([key]);
    this.record(op, name, null, value, rule);
    return true;
  }

  /** Removes every row of `name`, recording each; returns the values removed. */
  remove(name: string, rule: string, op: EditOp = 'remove', reason?: string): string[] {
    const key = headerKey(name);
    return this.removeWhere((r) => r.key === key, rule, op, reason).map((r) => r.value);
  }

  /** Removes every row matching `test`, recording each with `op`. */
  removeWhere(test: (r: Row) => boolean, rule: string, op: EditOp, reason?: string): Row[] {
    const removed = this.#retain((r) => !test(r));
    for (const r of removed) this.record(op, r.name, r.value, null, rule, reason);
    if (removed.length > 0) this.#commit(removed.map((r) => r.key));
    return removed;
  }

  /** Every row of `name` replaced by one row with `value` (added when there was none). */
  replace(name: string, value: string, rule: string, meta: RowMeta = {}): boolean {
    const line = serializeHeaderLine(name, value);
    if (!line.ok) return this.add(name, value, rule, meta);
    const key = headerKey(name);
    const before = this.#retain((r) => r.key !== key).map((r) => r.value);
    this.#rows.push(newRow(name, key, value, rule, meta));
    this.#commit([key]);
    const was = before.length === 0 ? null : before.join(', ');
    this.record(was === null ? 'add' : 'replace', name, was, value, rule);
    return true;
  }

  /** Every row of `name` renamed to `to`, values unchanged, in place. */
  rename(name: string, to: string, rule: string, op: EditOp = 'rename', reason?: string): void {
    const key = headerKey(name);
    const toKey = headerKey(to);
    const rows = this.#rows;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as Row;
      if (r.key !== key) continue;
      this.record(op, r.name, r.value, `${to}: ${r.value}`, rule, reason);
      rows[i] = { ...r, name: to, key: toKey, original: null, rule };
    }
    this.#commit([key, toKey]);
  }

  /** Replaces one row by another (a shortened value), keeping its place. */
  swap(row: Row, next: Row): void {
    const i = this.#rows.indexOf(row);
    if (i !== -1) this.#rows[i] = next;
    this.#commit([row.key, next.key]);
  }

  drop(row: Row, item: DroppedItem): void {
    const i = this.#rows.indexOf(row);
    if (i !== -1) this.#rows.splice(i, 1);
    this.#commit([row.key]);
    this.record('drop', row.name, row.value, null, 'budget', item.reason);
    this.dropped.push(item);
  }
}

function newRow(name: string, key: string, value: string, rule: string, meta: RowMeta): Row {
  const row: Mutable<Row> = {
    name,
    key,
    value,
    original: null,
    rule,
    priority: meta.priority ?? 0,
    onExceed: meta.onExceed ?? 'truncate',
  };
  if (meta.group !== undefined) row.group = meta.group;
  return row;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The rows of a Diversion-style header parsed as one chain, once per version of the rows. */
export function chainOf(work: HeaderWork, name: string): Result<DiversionEntry[]> {
  const key = headerKey(name);
  return work.memo(key === 'diversion' ? 'chain:diversion' : `chain:${key}`, name, () => {
    const rows = work.values(name);
    return rows.length === 0 ? { ok: true as const, value: [] } : parseDiversion(rows);
  });
}
