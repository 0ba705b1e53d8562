import { isWsp } from './chars.ts';

/**
 * Index just past the quoted-string opening at `pos` (quoted-pairs honoured), or -1 when it is
 * not terminated.
 */
function skipQuoted(value: string, pos: number): number {
  let i = pos + 1;
  for (;;) {
    const quote = value.indexOf('"', i);
    if (quote === -1) return -1;
    const backslash = value.indexOf('\\', i);
    if (backslash === -1 || backslash > quote) return quote + 1;
    i = backslash + 2;
  }
}

/**
 * Index of each top-level comma of `value`: commas inside a quoted-string (quoted-pairs honoured)
 * or inside `<...>` do not count. An unterminated quoted string or "<" swallows the rest of the
 * value, so no comma after it splits. Works with `indexOf` jumps: values are mostly plain text.
 *
 * A bare addr-spec may not hold a comma (RFC 3261 §20.10: a URI with "," ";" or "?" must be in
 * angle brackets), so a comma outside brackets always separates list elements.
 */
export function topLevelCommas(value: string): number[] {
  const commas: number[] = [];
  let i = 0;
  // Next quote and "<" at or after i, refreshed only when i passes them (-1: none left).
  let quote = value.indexOf('"');
  let angle = value.indexOf('<');
  for (;;) {
    const comma = value.indexOf(',', i);
    if (comma === -1) return commas;
    if (quote !== -1 && quote < i) quote = value.indexOf('"', i);
    if (angle !== -1 && angle < i) angle = value.indexOf('<', i);
    if (quote !== -1 && quote < comma && (angle === -1 || quote < angle)) {
      const end = skipQuoted(value, quote);
      i = end === -1 ? value.length : end;
    } else if (angle !== -1 && angle < comma) {
      const close = value.indexOf('>', angle);
      i = close === -1 ? value.length : close + 1;
    } else {
      commas.push(comma);
      i = comma + 1;
    }
  }
}

/** `value.slice(start, end)` without leading and trailing SP / HTAB. */
export function trimWsp(value: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && isWsp(value.charCodeAt(s))) s++;
  while (e > s && isWsp(value.charCodeAt(e - 1))) e--;
  return s === 0 && e === value.length ? value : value.slice(s, e);
}

/**
 * Splits one (unfolded) header row whose grammar is `element *(COMMA element)` into its elements,
 * trimmed, in order. `COMMA = SWS "," SWS` (RFC 3261 §25.1).
 *
 * Tolerated: empty elements (`a,,b`, a trailing ",") are dropped, as RFC 7230 §7 `#rule`
 * recipients do; RFC 3261's `1#` has none, and strict mode reports them with
 * {@link findEmptyListElement}. An empty row gives no element.
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') === -1) return value === '' ? [] : [value];
  const out: string[] = [];
  let start = 0;
  for (const comma of topLevelCommas(value)) {
    const element = trimWsp(value, start, comma);
    if (element !== '') out.push(element);
    start = comma + 1;
  }
  const last = trimWsp(value, start, value.length);
  if (last !== '') out.push(last);
  return out;
}

/**
 * Offset of the first empty element of a list row (`a,,b`, `,a`, `a,`), or -1. An entirely
 * empty row is not reported: some lists may be empty (`Supported:`, RFC 3261 §20.37).
 */
export function findEmptyListElement(value: string): number {
  if (value.indexOf(',') === -1) return -1;
  let start = 0;
  for (const comma of [...topLevelCommas(value), value.length]) {
    if (trimWsp(value, start, comma) === '') return start;
    start = comma + 1;
  }
  return -1;
}

/**
 * Offset of the first quoted-string that is not terminated or "<" that is not closed by ">" in
 * `value`, or -1. Cheap (indexOf jumps): both modes run it on address headers, since an
 * unbalanced address can not be split or read without guessing (RFC 4475 §3.1.2.6).
 */
export function findUnbalanced(value: string): number {
  let i = 0;
  for (;;) {
    const quote = value.indexOf('"', i);
    const angle = value.indexOf('<', i);
    if (quote === -1 && angle === -1) return -1;
    if (quote !== -1 && (angle === -1 || quote < angle)) {
      i = skipQuoted(value, quote);
      if (i === -1) return quote;
    } else {
      i = value.indexOf('>', angle) + 1;
      if (i === 0) return angle;
    }
  }
}
