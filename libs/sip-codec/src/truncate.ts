import { utf8Length } from './bytes.ts';
import { ok, type Result } from './errors.ts';
import { serializeParams, type Param } from './params.ts';

/**
 * Truncation primitives for size budgets. They never cut inside a UTF-8 sequence, a %-escape, a
 * quoted string or a parameter: structured values lose whole parameters or whole list entries,
 * and every function reports exactly what it dropped so the caller can record and keep it.
 */

/** Something a budget removed. `bytes` is what it took on the wire (separator included). */
export interface Dropped {
  readonly kind: 'param' | 'entry' | 'text';
  readonly name?: string;
  readonly value?: string;
  readonly bytes: number;
  readonly reason: string;
}

export interface TextCut {
  readonly value: string;
  readonly droppedBytes: number;
}

function codePointBytes(s: string, i: number): { bytes: number; units: number } {
  const c = s.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  const n = s.charCodeAt(i + 1);
  if (c >= 0xd800 && c <= 0xdbff && n >= 0xdc00 && n <= 0xdfff) return { bytes: 4, units: 2 };
  return { bytes: 3, units: 1 };
}

/**
 * The longest prefix of `s` whose UTF-8 form fits in `maxBytes`, cut at a code point boundary
 * (never between the two halves of a surrogate pair). For free text only, where a policy allows
 * cutting at all.
 */
export function truncateUtf8(s: string, maxBytes: number): TextCut {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = codePointBytes(s, i);
    if (bytes + cp.bytes > maxBytes) break;
    bytes += cp.bytes;
    i += cp.units;
  }
  return { value: s.slice(0, i), droppedBytes: utf8Length(s) - bytes };
}

/** Like {@link truncateUtf8}, and never ends inside a `%XX` escape of an escaped URI component. */
export function truncateUriEscaped(s: string, maxBytes: number): TextCut {
  const cut = truncateUtf8(s, maxBytes);
  let end = cut.value.length;
  const pct = cut.value.lastIndexOf('%', end - 1);
  if (pct !== -1 && pct >= end - 2 && pct + 3 > end) end = pct;
  const value = s.slice(0, end);
  return { value, droppedBytes: utf8Length(s) - utf8Length(value) };
}

/** Which of `items` to drop, lowest priority first; ties drop the later item first. */
function dropOrder<T>(items: readonly T[], priority: (item: T, index: number) => number): number[] {
  return items
    .map((item, index) => ({ index, p: priority(item, index) }))
    .sort((a, b) => a.p - b.p || b.index - a.index)
    .map((x) => x.index);
}

export interface ParamsFit {
  readonly params: Param[];
  readonly dropped: Param[];
  /** Bytes of the kept parameters as `serializeParams` renders them. */
  readonly bytes: number;
  readonly fits: boolean;
}

function paramsBytes(params: readonly Param[]): Result<number> {
  const s = serializeParams(params);
  return s.ok ? ok(utf8Length(s.value)) : s;
}

/**
 * Drops whole parameters, lowest priority first, until the rendered list (`;a=1;b`) fits in
 * `budgetBytes`. Names in `keep` are never dropped (compared without case); when only they are
 * left and it still does not fit, `fits` is false. The kept parameters stay in their order.
 */
export function fitParams(
  params: readonly Param[],
  budgetBytes: number,
  priority: (p: Param, index: number) => number,
  options: { readonly keep?: readonly string[] } = {},
): Result<ParamsFit> {
  const keep = new Set((options.keep ?? []).map((n) => n.toLowerCase()));
  const alive = params.map(() => true);
  const current = () => params.filter((_, i) => alive[i]);
  let size = paramsBytes(params);
  if (!size.ok) return size;
  for (const index of dropOrder(params, priority)) {
    if (size.value <= budgetBytes) break;
    if (keep.has((params[index] as Param).name.toLowerCase())) continue;
    alive[index] = false;
    size = paramsBytes(current());
    /* c8 ignore next -- a subset of a list that rendered renders too */
    if (!size.ok) return size;
  }
  const kept = current();
  return ok({
    params: kept,
    dropped: params.filter((_, i) => !alive[i]),
    bytes: size.value,
    fits: size.value <= budgetBytes,
  });
}

export interface EntriesFit<T> {
  readonly kept: T[];
  readonly dropped: T[];
  readonly bytes: number;
  readonly fits: boolean;
}

/**
 * Drops whole entries of a list (a Diversion chain, a list of variables), lowest priority first,
 * until the entries rendered and joined with `separator` fit in `budgetBytes`. Kept entries stay in
 * their order. An entry that cannot be rendered is an error, never dropped silently.
 */
export function fitEntries<T>(
  entries: readonly T[],
  render: (entry: T) => Result<string>,
  separator: string,
  budgetBytes: number,
  priority: (entry: T, index: number) => number,
): Result<EntriesFit<T>> {
  const sizes: number[] = [];
  for (const e of entries) {
    const r = render(e);
    if (!r.ok) return r;
    sizes.push(utf8Length(r.value));
  }
  const sep = utf8Length(separator);
  const alive = entries.map(() => true);
  const total = () => {
    let n = 0;
    let count = 0;
    sizes.forEach((s, i) => {
      if (alive[i]) {
        n += s;
        count++;
      }
    });
    return n + Math.max(0, count - 1) * sep;
  };
  let bytes = total();
  for (const index of dropOrder(entries, priority)) {
    if (bytes <= budgetBytes) break;
    alive[index] = false;
    bytes = total();
  }
  return ok({
    kept: entries.filter((_, i) => alive[i]),
    dropped: entries.filter((_, i) => !alive[i]),
    bytes,
    fits: bytes <= budgetBytes,
  });
}

/**
 * Checks a rendered header against a per-line budget (the line as on the wire, `Name: value\r\n`):
 * the value when it fits, SIP_TOO_LARGE with both sizes otherwise. Never cuts.
 */
export function fitHeaderValue(name: string, value: string, maxLineBytes: number): Result<string> {
  const bytes = utf8Length(name) + utf8Length(value) + 4;
  if (bytes <= maxLineBytes) return ok(value);
  return {
    ok: false,
    error: {
      code: 'SIP_TOO_LARGE',
      message: `${name} would take ${bytes} bytes on the wire, over the ${maxLineBytes}-byte budget`,
      offset: 0,
      input: value,
    },
  };
}
