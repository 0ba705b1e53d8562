import { headerLineBytes, utf8Length } from './bytes.ts';
import { fail, ok, type Result } from './errors.ts';
import { serializeParam, type Param } from './params.ts';

/**
 * Truncation primitives for size budgets. They never cut inside a UTF-8 sequence, a %-escape, a
 * quoted string or a parameter: structured values lose whole parameters or whole list entries,
 * and every function reports what it dropped as {@link Dropped} rows, so the policy layer can
 * record them and keep them in the call context. Nothing here alters what it keeps.
 */

/**
 * Something a budget removed. `bytes` is what it took on the wire: a parameter with its ";", a
 * list entry with one separator, the UTF-8 bytes of text cut off.
 */
export interface Dropped {
  readonly kind: 'param' | 'entry' | 'text';
  /** The parameter name (kind `param`). */
  readonly name?: string;
  /** The parameter value, the rendered entry, or the text cut off. */
  readonly value?: string;
  readonly bytes: number;
  readonly reason: string;
}

export interface TextCut {
  readonly value: string;
  /** UTF-8 bytes of `s` that are not in `value`. */
  readonly droppedBytes: number;
  /** One `text` row holding the tail that was cut, or none when nothing was. */
  readonly dropped: Dropped[];
}

function overBudget(budgetBytes: number): string {
  return `over the ${budgetBytes}-byte budget`;
}

function textCut(s: string, end: number, maxBytes: number): TextCut {
  const value = s.slice(0, end);
  const tail = s.slice(end);
  const droppedBytes = utf8Length(tail);
  const dropped: Dropped[] =
    tail === ''
      ? []
      : [{ kind: 'text', value: tail, bytes: droppedBytes, reason: overBudget(maxBytes) }];
  return { value, droppedBytes, dropped };
}

/** UTF-8 bytes and UTF-16 units of the code point at `i` (a lone surrogate is 3 bytes, U+FFFD). */
function codePointAt(s: string, i: number): { bytes: number; units: number } {
  const c = s.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  const n = s.charCodeAt(i + 1);
  if (c >= 0xd800 && c <= 0xdbff && n >= 0xdc00 && n <= 0xdfff) return { bytes: 4, units: 2 };
  return { bytes: 3, units: 1 };
}

/** Index in `s` of the end of the longest prefix whose UTF-8 form fits in `maxBytes`. */
function utf8PrefixEnd(s: string, maxBytes: number): number {
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = codePointAt(s, i);
    if (bytes + cp.bytes > maxBytes) break;
    bytes += cp.bytes;
    i += cp.units;
  }
  return i;
}

/**
 * The longest prefix of `s` whose UTF-8 form fits in `maxBytes`, cut at a code point boundary
 * (never between the two halves of a surrogate pair). For free text only, where a policy allows
 * cutting at all.
 */
export function truncateUtf8(s: string, maxBytes: number): TextCut {
  return textCut(s, utf8PrefixEnd(s, maxBytes), maxBytes);
}

/** The byte a `%XX` escape at `i` stands for, or -1 when there is none there. */
function escapedByte(s: string, i: number): number {
  if (i < 0 || s.charCodeAt(i) !== 0x25) return -1;
  const hex = s.slice(i + 1, i + 3);
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? parseInt(hex, 16) : -1;
}

/**
 * Where an escaped UTF-8 sequence that `end` would split starts (`%C3` without its `%A9`), or
 * `end` when the escapes before `end` end a whole sequence.
 */
function escapedSequenceStart(s: string, end: number): number {
  let continuation = 0;
  let at = end - 3;
  let byte = escapedByte(s, at);
  while (byte >= 0x80 && byte <= 0xbf && continuation < 3) {
    continuation++;
    at -= 3;
    byte = escapedByte(s, at);
  }
  const needed = byte >= 0xf0 ? 3 : byte >= 0xe0 ? 2 : byte >= 0xc0 ? 1 : 0;
  return continuation < needed ? at : end;
}

/**
 * Like {@link truncateUtf8} for an escaped URI component (`caf%C3%A9`): the cut never falls inside
 * a `%XX` escape, nor between the escapes of one UTF-8 sequence, so it may keep up to 11 bytes
 * less than `maxBytes`.
 */
export function truncateUriEscaped(s: string, maxBytes: number): TextCut {
  let end = utf8PrefixEnd(s, maxBytes);
  if (end < s.length) {
    if (s.charCodeAt(end - 1) === 0x25) end -= 1;
    else if (s.charCodeAt(end - 2) === 0x25) end -= 2;
    end = escapedSequenceStart(s, end);
  }
  return textCut(s, end, maxBytes);
}

/**
 * The shared core: which items stay when whole items are dropped, lowest priority first (ties:
 * the later item first), until `sizes` (each item's bytes) plus `separatorBytes` between kept
 * items fit in `budgetBytes`. Items marked in `pinned` are never dropped.
 */
function keepWithinBudget(
  sizes: readonly number[],
  priorities: readonly number[],
  pinned: readonly boolean[],
  separatorBytes: number,
  budgetBytes: number,
): { alive: boolean[]; bytes: number } {
  const alive = sizes.map(() => true);
  let count = sizes.length;
  let bytes = sizes.reduce((a, b) => a + b, 0) + Math.max(0, count - 1) * separatorBytes;
  const order = sizes
    .map((_, index) => index)
    .sort((a, b) => (priorities[a] as number) - (priorities[b] as number) || b - a);
  for (const index of order) {
    if (bytes <= budgetBytes) break;
    if (pinned[index] === true) continue;
    alive[index] = false;
    count--;
    bytes -= (sizes[index] as number) + (count > 0 ? separatorBytes : 0);
  }
  return { alive, bytes };
}

export interface ParamsFit {
  /** The parameters kept, in their original order. */
  readonly params: Param[];
  readonly dropped: Param[];
  /** Bytes of the kept parameters as `serializeParams` renders them (`;a=1;b`). */
  readonly bytes: number;
  readonly fits: boolean;
  /** One `param` row per dropped parameter, in their original order. */
  readonly report: Dropped[];
}

/**
 * Drops whole parameters, lowest priority first (ties: the later one first), until the rendered
 * list (`;a=1;b`, as `serializeParams` writes it) fits in `budgetBytes`. Names in `keep` are never
 * dropped (compared without case, as parameter names are); when only they are left and the list
 * still does not fit, `fits` is false. A parameter that cannot be rendered is an error: a budget
 * never hides an unsafe value by dropping it.
 */
export function fitParams(
  params: readonly Param[],
  budgetBytes: number,
  priority: (p: Param, index: number) => number,
  options: { readonly keep?: readonly string[] } = {},
): Result<ParamsFit> {
  const keep = new Set((options.keep ?? []).map((n) => n.toLowerCase()));
  const sizes: number[] = [];
  for (const p of params) {
    const r = serializeParam(p);
    if (!r.ok) return r;
    sizes.push(1 + utf8Length(r.value)); // the ";" before it
  }
  const priorities = params.map((p, i) => priority(p, i));
  const pinned = params.map((p) => keep.has(p.name.toLowerCase()));
  const { alive, bytes } = keepWithinBudget(sizes, priorities, pinned, 0, budgetBytes);
  const report: Dropped[] = [];
  params.forEach((p, i) => {
    if (alive[i] === true) return;
    const row = {
      kind: 'param',
      name: p.name,
      bytes: sizes[i] as number,
      reason: overBudget(budgetBytes),
    } as const;
    report.push(p.value === null ? row : { ...row, value: p.value });
  });
  return ok({
    params: params.filter((_, i) => alive[i]),
    dropped: params.filter((_, i) => !alive[i]),
    bytes,
    fits: bytes <= budgetBytes,
    report,
  });
}

export interface EntriesFit<T> {
  /** The entries kept, in their original order. */
  readonly kept: T[];
  readonly dropped: T[];
  /** Bytes of the kept entries rendered and joined with the separator. */
  readonly bytes: number;
  readonly fits: boolean;
  /** One `entry` row per dropped entry (its rendered form), in their original order. */
  readonly report: Dropped[];
}

/**
 * Drops whole entries of a comma list (a Diversion chain, a list of variables), lowest priority
 * first (ties: the later one first), until the entries rendered and joined with `separator` fit
 * in `budgetBytes`. An entry that cannot be rendered is an error, never dropped silently.
 */
export function fitEntries<T>(
  entries: readonly T[],
  render: (entry: T) => Result<string>,
  separator: string,
  budgetBytes: number,
  priority: (entry: T, index: number) => number,
): Result<EntriesFit<T>> {
  const rendered: string[] = [];
  for (const e of entries) {
    const r = render(e);
    if (!r.ok) return r;
    rendered.push(r.value);
  }
  const sizes = rendered.map(utf8Length);
  const priorities = entries.map((e, i) => priority(e, i));
  const sep = utf8Length(separator);
  const pinned = entries.map(() => false);
  const { alive, bytes } = keepWithinBudget(sizes, priorities, pinned, sep, budgetBytes);
  const report: Dropped[] = [];
  rendered.forEach((value, i) => {
    if (alive[i] === true) return;
    report.push({
      kind: 'entry',
      value,
      bytes: (sizes[i] as number) + sep,
      reason: overBudget(budgetBytes),
    });
  });
  return ok({
    kept: entries.filter((_, i) => alive[i]),
    dropped: entries.filter((_, i) => !alive[i]),
    bytes,
    fits: bytes <= budgetBytes,
    report,
  });
}

/**
 * Checks a rendered header against a per-line budget, the line as on the wire
 * (`Name: value\r\n`, see `headerLineBytes`): the value when it fits, SIP_TOO_LARGE with both
 * sizes otherwise. Never cuts.
 */
export function fitHeaderValue(name: string, value: string, maxLineBytes: number): Result<string> {
  const bytes = headerLineBytes(name, value);
  if (bytes <= maxLineBytes) return ok(value);
  return fail(
    'SIP_TOO_LARGE',
    `${name} would take ${bytes} bytes on the wire, over the ${maxLineBytes}-byte budget`,
    value,
    0,
  );
}
