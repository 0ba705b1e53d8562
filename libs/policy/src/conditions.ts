import type { Cidr } from './cidr.ts';
import { matchesAny, parseCidr } from './cidr.ts';
import type { Condition } from './schema.ts';
import { inTimeWindow, validateTimeWindow, type TimeWindow } from './time-window.ts';

/**
 * Rule conditions, compiled once into closures over a {@link MatchEnv}. Every field of a condition
 * must hold (AND); `any`, `all` and `not` combine conditions. Regexes are compiled at load time,
 * so a bad pattern is a policy error, never an evaluation error.
 */

/** What conditions read during an evaluation. Numbers are E.164 when they could be normalised. */
export interface MatchEnv {
  readonly method: string;
  readonly inDialog: boolean;
  readonly trunk: string | null;
  readonly trusted: boolean;
  readonly sourceAddress: string;
  readonly caller: string | null;
  readonly callerAnonymous: boolean;
  readonly callee: string | null;
  readonly originalCalled: string | null;
  readonly now: Date;
  /** Values of every row of a header (name compared as SIP does), in order. */
  header(name: string): readonly string[];
  variable(name: string): string | null;
  inSet(set: string, value: string): boolean;
}

export type Matcher = (env: MatchEnv) => boolean;

export interface ConditionProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

export interface ConditionContext {
  readonly sets: ReadonlySet<string>;
  readonly trunks: ReadonlySet<string>;
  /** Normalises a number written in the policy the way caller/callee numbers are. */
  normalizeNumber(n: string): string;
}

const ALWAYS: Matcher = () => true;

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function regex(
  pattern: string,
  flags: string,
  path: (string | number)[],
  problems: ConditionProblem[],
): RegExp | null {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    problems.push({ path, message: `not a valid regular expression: ${(e as Error).message}` });
    return null;
  }
}

type NumberField = 'caller' | 'callee' | 'original_called';
const NUMBER_ENV = {
  caller: 'caller',
  callee: 'callee',
  original_called: 'originalCalled',
} as const;

function compileNumber(
  field: NumberField,
  m: NonNullable<Condition['caller']>,
  path: (string | number)[],
  ctx: ConditionContext,
  problems: ConditionProblem[],
): Matcher[] {
  const key = NUMBER_ENV[field];
  const out: Matcher[] = [];
  if (m.present !== undefined) {
    const want = m.present;
    out.push((env) => (env[key] !== null) === want);
  }
  if (m.anonymous !== undefined) {
    if (field !== 'caller') problems.push({ path: [...path, 'anonymous'], message: 'caller only' });
    const want = m.anonymous;
    out.push((env) => env.callerAnonymous === want);
  }
  const equals = new Set(list(m.equals).map((n) => ctx.normalizeNumber(n)));
  if (equals.size > 0) out.push((env) => env[key] !== null && equals.has(env[key] as string));
  const prefixes = list(m.prefix);
  if (prefixes.length > 0) {
    out.push((env) => {
      const n = env[key];
      return n !== null && prefixes.some((p) => n.startsWith(p));
    });
  }
  if (m.regex !== undefined) {
    const re = regex(m.regex, '', [...path, 'regex'], problems);
    if (re !== null) out.push((env) => env[key] !== null && re.test(env[key] as string));
  }
  if (m.in_set !== undefined) {
    const set = m.in_set;
    if (!ctx.sets.has(set)) {
      problems.push({ path: [...path, 'in_set'], message: `no set named "${set}" under sets` });
    }
    out.push((env) => env[key] !== null && env.inSet(set, env[key] as string));
  }
  return out;
}

function compileHeader(
  h: Extract<NonNullable<Condition['header']>, { name: string }>,
  path: (string | number)[],
  problems: ConditionProblem[],
): Matcher {
  const name = h.name;
  const fold = h.case_sensitive !== true;
  const norm = (s: string): string => (fold ? s.toLowerCase() : s);
  const tests: ((v: string) => boolean)[] = [];
  if (h.equals !== undefined) {
    const want = norm(h.equals);
    tests.push((v) => norm(v) === want);
  }
  if (h.contains !== undefined) {
    const want = norm(h.contains);
    tests.push((v) => norm(v).includes(want));
  }
  if (h.regex !== undefined) {
    const re = regex(h.regex, fold ? 'i' : '', [...path, 'regex'], problems);
    if (re !== null) tests.push((v) => re.test(v));
  }
  const present = h.present ?? (tests.length > 0 ? true : undefined);
  if (present === false) return (env) => env.header(name).length === 0;
  if (present === undefined) {
    problems.push({ path, message: 'say what to test: present, equals, contains or regex' });
  }
  // Any row satisfying every value test makes the condition true.
  return (env) => {
    const rows = env.header(name);
    return rows.length > 0 && (tests.length === 0 || rows.some((v) => tests.every((t) => t(v))));
  };
}

function compileVariable(
  v: Extract<NonNullable<Condition['variable']>, { name: string }>,
  path: (string | number)[],
  ctx: ConditionContext,
  problems: ConditionProblem[],
): Matcher {
  const tests: ((value: string, env: MatchEnv) => boolean)[] = [];
  if (v.equals !== undefined) {
    const want = v.equals;
    tests.push((value) => value === want);
  }
  if (v.regex !== undefined) {
    const re = regex(v.regex, '', [...path, 'regex'], problems);
    if (re !== null) tests.push((value) => re.test(value));
  }
  if (v.in_set !== undefined) {
    const set = v.in_set;
    if (!ctx.sets.has(set))
      problems.push({ path: [...path, 'in_set'], message: `no set "${set}"` });
    tests.push((value, env) => env.inSet(set, value));
  }
  const present = v.present ?? (tests.length > 0 ? true : undefined);
  if (present === undefined) problems.push({ path, message: 'say what to test' });
  const name = v.name;
  if (present === false) return (env) => env.variable(name) === null;
  return (env) => {
    const value = env.variable(name);
    return value !== null && tests.every((t) => t(value, env));
  };
}

/** Compiles a condition; problems are appended to `problems` (the matcher is then meaningless). */
export function compileCondition(
  c: Condition | undefined,
  path: (string | number)[],
  ctx: ConditionContext,
  problems: ConditionProblem[],
): Matcher {
  if (c === undefined) return ALWAYS;
  const all: Matcher[] = [];
  const methods = new Set(list(c.method).map((m) => m.toUpperCase()));
  if (methods.size > 0) all.push((env) => methods.has(env.method.toUpperCase()));
  if (c.in_dialog !== undefined) {
    const want = c.in_dialog;
    all.push((env) => env.inDialog === want);
  }
  if (c.trusted !== undefined) {
    const want = c.trusted;
    all.push((env) => env.trusted === want);
  }
  const trunks = list(c.trunk);
  for (const t of trunks) {
    if (!ctx.trunks.has(t)) problems.push({ path: [...path, 'trunk'], message: `no trunk "${t}"` });
  }
  if (trunks.length > 0) all.push((env) => env.trunk !== null && trunks.includes(env.trunk));
  if (c.source !== undefined) {
    const cidrs: Cidr[] = [];
    c.source.forEach((s, i) => {
      const r = parseCidr(s);
      if (r.ok) cidrs.push(r.value);
      else problems.push({ path: [...path, 'source', i], message: r.error.message });
    });
    all.push((env) => matchesAny(cidrs, env.sourceAddress));
  }
  for (const f of ['caller', 'callee', 'original_called'] as const) {
    const m = c[f];
    if (m !== undefined) all.push(...compileNumber(f, m, [...path, f], ctx, problems));
  }
  const headers = c.header === undefined ? [] : Array.isArray(c.header) ? c.header : [c.header];
  headers.forEach((h, i) => {
    const p = Array.isArray(c.header) ? [...path, 'header', i] : [...path, 'header'];
    all.push(compileHeader(h, p, problems));
  });
  const vars =
    c.variable === undefined ? [] : Array.isArray(c.variable) ? c.variable : [c.variable];
  vars.forEach((v, i) => {
    const p = Array.isArray(c.variable) ? [...path, 'variable', i] : [...path, 'variable'];
    all.push(compileVariable(v, p, ctx, problems));
  });
  if (c.time !== undefined) {
    const w = c.time as TimeWindow;
    for (const message of validateTimeWindow(w))
      problems.push({ path: [...path, 'time'], message });
    all.push((env) => inTimeWindow(w, env.now));
  }
  if (c.any !== undefined) {
    const subs = c.any.map((s, i) => compileCondition(s, [...path, 'any', i], ctx, problems));
    all.push((env) => subs.some((m) => m(env)));
  }
  if (c.all !== undefined) {
    const subs = c.all.map((s, i) => compileCondition(s, [...path, 'all', i], ctx, problems));
    all.push((env) => subs.every((m) => m(env)));
  }
  if (c.not !== undefined) {
    const sub = compileCondition(c.not, [...path, 'not'], ctx, problems);
    all.push((env) => !sub(env));
  }
  if (all.length === 0) return ALWAYS;
  if (all.length === 1) return all[0] as Matcher;
  return (env) => all.every((m) => m(env));
}
