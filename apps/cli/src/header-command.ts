import { isToken, lookupHeader, splitList, type ParseOptions } from '@sipctx/sip-codec';
import type { Command, CommandArgs } from './command.ts';
import { invalidInput, success, usageError, type Outcome } from './json-error.ts';
import type { JsonObject } from './uri-view.ts';
import { viewForHeader, type HeaderView } from './views.ts';

const HELP = `Usage: sipctx header [--strict] <Name> <row>...

Parses one or more rows (header values, without "Name:") of one header, in order,
and prints JSON. Headers that hold lists (Diversion, X-Diversion, History-Info,
Contact, Reason, User-to-User…) give "entries" across all rows; Diversion and
History-Info entries carry the RFC parameter names (uri, reason, counter, limit,
privacy, screen, index, rc, mp, np), values unquoted, numbers as numbers, other
parameters as an ordered list. Other known headers give one view per row in
"views"; unknown headers give { name, rows, values }.

Options:
  --strict    reject what the RFCs call invalid (default: tolerant)
  -h, --help  show this help

Example:
  sipctx header Diversion '<sip:+15559876543@acmebank.example>;reason=unconditional;counter=1'

Exit codes: 0 parsed, 2 invalid row (JSON error on stderr with "row"), 64 usage.
`;

/** Every row through one view; the first failing row fails the command and is named. */
function viewRows(
  view: HeaderView,
  rows: readonly string[],
  options: ParseOptions,
): { ok: true; view: JsonObject } | { ok: false; outcome: Outcome } {
  const entries: JsonObject[] = [];
  const views: JsonObject[] = [];
  for (const [row, value] of rows.entries()) {
    if (view.kind === 'list') {
      const r = view.view(value, options);
      if (!r.ok) return { ok: false, outcome: invalidInput(r.error, row) };
      entries.push(...r.value);
    } else {
      const r = view.view(value, options);
      if (!r.ok) return { ok: false, outcome: invalidInput(r.error, row) };
      views.push(r.value);
    }
  }
  return { ok: true, view: view.kind === 'list' ? { entries } : { views } };
}

async function runHeader(args: CommandArgs): Promise<Outcome> {
  const [name, ...rows] = args.positionals;
  if (name === undefined || rows.length === 0) {
    return usageError('expected a header name and at least one row', 'header');
  }
  if (!isToken(name)) return usageError(`"${name}" is not a header name (a token)`, 'header');
  const spec = lookupHeader(name);
  const view = viewForHeader(name);
  const head: JsonObject =
    spec === undefined ? { name, rows } : { name, canonical: spec.name, rfc: spec.rfc, rows };
  if (view === undefined) {
    // No structured codec: list headers are split on top-level commas, others kept whole.
    const values = spec?.list === true ? rows.flatMap(splitList) : rows;
    return success(JSON.stringify({ ...head, values }, null, 2) + '\n');
  }
  const viewed = viewRows(view, rows, { strict: args.values['strict'] === true });
  if (!viewed.ok) return viewed.outcome;
  return success(JSON.stringify({ ...head, ...viewed.view }, null, 2) + '\n');
}

export const headerCommand: Command = {
  name: 'header',
  summary: 'parse rows of one header (Diversion, History-Info, Refer-To…) and print JSON',
  help: HELP,
  options: { strict: { type: 'boolean' } },
  run: runHeader,
};
