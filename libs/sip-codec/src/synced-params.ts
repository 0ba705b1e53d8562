import { getParam, withoutParam, withParam, type Param } from './params.ts';

/**
 * Headers such as Reason, Replaces, User-to-User and Referred-By expose some of their parameters as
 * fields (`cause`, `toTag`, `encoding`, `cid`…) next to the ordered `params` list they were read
 * from. When serializing, the field wins: this brings the list in line with it, and leaves the list
 * untouched (position, spelling, quoting, duplicates) whenever it already says the same thing.
 *
 * `read` gives what the written parameter means as the field would hold it (a cause written `016`
 * means "16"; a cause written `abc` means nothing, null). A null field therefore keeps a written
 * parameter that means nothing (a flag, an unparseable value): nothing read is lost.
 */
export function syncParam(
  params: readonly Param[],
  name: string,
  value: string | null,
  quoted: boolean,
  read: (written: Param) => string | null = (p) => p.value,
): Param[] {
  const current = getParam(params, name);
  const written = current === undefined ? null : read(current);
  if (written === value) return [...params];
  if (value === null) return withoutParam(params, name);
  return withParam(params, name, value, quoted);
}

/** Adds a flag parameter (`;early-only`) when `on` and it is missing; removes it when not `on`. */
export function syncFlag(params: readonly Param[], name: string, on: boolean): Param[] {
  const present = getParam(params, name) !== undefined;
  if (on === present) return [...params];
  return on ? [...params, { name, value: null, quoted: false }] : withoutParam(params, name);
}
