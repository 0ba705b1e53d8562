/**
 * What each parser gets right, next to how fast it is: acceptance of the RFC 4475 torture messages
 * (valid and "app" messages should be accepted, invalid ones rejected) and whether the output of
 * the carrier INVITE is lossless (repeated headers as separate ordered rows, Diversion entries and
 * their parameters kept), found by inspecting what each library returns.
 */
import { basename } from 'node:path';
import type { BenchParser } from './competitors.ts';
import { fixtureHeaderLines, type BenchMessage, type TortureMessage } from './inputs.ts';

export interface Score {
  readonly validAccepted: number;
  readonly validTotal: number;
  readonly invalidRejected: number;
  readonly invalidTotal: number;
  /** Files it got wrong, for the report. */
  readonly wrong: string[];
  /** Ours only: messages where it did what the manifest's strictExpect/tolerantExpect says. */
  readonly asExpected: number;
  readonly unexpected: string[];
}

function accepts(parser: BenchParser, message: TortureMessage): boolean {
  try {
    return parser.accepts(message);
  } catch {
    return false;
  }
}

export function score(parser: BenchParser, messages: readonly TortureMessage[]): Score {
  let validAccepted = 0;
  let validTotal = 0;
  let invalidRejected = 0;
  let invalidTotal = 0;
  const wrong: string[] = [];
  const unexpected: string[] = [];
  for (const message of messages) {
    const accepted = accepts(parser, message);
    if (parser.mode) {
      const expect = parser.mode === 'strict' ? message.strictExpect : message.tolerantExpect;
      if ((expect === 'accept') !== accepted)
        unexpected.push(`${basename(message.file)} (expected ${String(expect)})`);
    }
    if (message.verdict === 'invalid') {
      invalidTotal++;
      if (!accepted) invalidRejected++;
      else wrong.push(`${basename(message.file)} (invalid, accepted)`);
    } else {
      validTotal++;
      if (accepted) validAccepted++;
      else wrong.push(`${basename(message.file)} (${message.verdict}, rejected)`);
    }
  }
  const asExpected = messages.length - unexpected.length;
  return {
    validAccepted,
    validTotal,
    invalidRejected,
    invalidTotal,
    wrong,
    asExpected,
    unexpected,
  };
}

export interface Lossless {
  /** Every repeated header comes back as one row per line, in order, text unchanged. */
  readonly rows: boolean;
  readonly rowsDetail: string;
  /** Every Diversion line's text can be found in the output. */
  readonly diversionText: boolean;
  /** Every Diversion parameter (outside the URIs) is found as a parsed name/value pair. */
  readonly diversionParams: boolean;
  readonly paramsDetail: string;
}

/** Strings and name/value pairs reachable from a library's output (cycles and depth bounded). */
function collect(root: unknown): { strings: string[]; pairs: Set<string> } {
  const strings: string[] = [];
  const pairs = new Set<string>();
  const seen = new Set<object>();
  const walk = (value: unknown, depth: number): void => {
    if (typeof value === 'string') strings.push(value);
    if (typeof value !== 'object' || value === null || depth > 12 || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record['name'] === 'string' && typeof record['value'] === 'string') {
      pairs.add(`${record['name'].toLowerCase()}=${record['value']}`);
    }
    if (value instanceof Map) {
      for (const [k, v] of value) if (typeof v === 'string') pairs.add(`${String(k)}=${v}`);
    }
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === 'string') pairs.add(`${key.toLowerCase()}=${child}`);
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return { strings, pairs };
}

/** `;name=value` parameters written outside `<…>` in the fixture's Diversion lines. */
function diversionParams(lines: readonly { name: string; value: string }[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const outside = line.value.replace(/<[^>]*>/g, '');
    for (const m of outside.matchAll(/;\s*([A-Za-z0-9-]+)\s*=\s*([^;,\s]+)/g)) {
      found.add(`${(m[1] ?? '').toLowerCase()}=${m[2] ?? ''}`);
    }
  }
  return [...found];
}

function rowsMatch(
  parser: BenchParser,
  output: unknown,
  name: string,
  expected: string[],
): boolean {
  const rows = parser.rows(output, name);
  if (rows.length !== expected.length) return false;
  return rows.every((row, i) => typeof row !== 'string' || row.trim() === expected[i]);
}

function losslessOne(parser: BenchParser, invite: BenchMessage) {
  const lines = fixtureHeaderLines(invite);
  const byName = new Map<string, string[]>();
  for (const line of lines) byName.set(line.name, [...(byName.get(line.name) ?? []), line.value]);
  const repeated = [...byName].filter(([, values]) => values.length > 1);
  const diversionLines = lines.filter((l) => l.name.toLowerCase() === 'diversion');
  const wanted = diversionParams(diversionLines);
  let output: unknown;
  try {
    output = parser.parse(invite);
  } catch {
    output = undefined;
  }
  if (output === undefined) {
    return { lost: ['(rejected)'], textKept: false, wanted: wanted.length, missing: wanted.length };
  }
  const { strings, pairs } = collect(output);
  return {
    lost: repeated
      .filter(([name, values]) => !rowsMatch(parser, output, name, values))
      .map(([n]) => n),
    textKept: diversionLines.every((l) => strings.some((s) => s.includes(l.value))),
    wanted: wanted.length,
    missing: wanted.filter((p) => !pairs.has(p)).length,
  };
}

/** The lossless criteria over every carrier INVITE: yes only when they hold for all of them. */
export function lossless(parser: BenchParser, invites: readonly BenchMessage[]): Lossless {
  const results = invites.map((invite) => losslessOne(parser, invite));
  const lost = [...new Set(results.flatMap((r) => r.lost))];
  const wanted = results.reduce((n, r) => n + r.wanted, 0);
  const missing = results.reduce((n, r) => n + r.missing, 0);
  return {
    rows: lost.length === 0,
    rowsDetail: lost.length === 0 ? 'all' : `lost ${lost.join(', ')}`,
    diversionText: results.every((r) => r.textKept),
    diversionParams: missing === 0,
    paramsDetail: missing === 0 ? `${wanted} found` : `${missing}/${wanted} missing`,
  };
}
