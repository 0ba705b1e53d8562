import {
  diversionToHistoryInfo,
  historyInfoToDiversion,
  parseDiversion,
  parseHistoryInfo,
  parseUri,
  serializeDiversionRows,
  validateHistoryInfoIndices,
  type ParseOptions,
  type Result,
  type SipError,
} from '@sipctx/sip-codec';
import type { Command, CommandArgs } from './command.ts';
import { invalidInput, success, usageError, type Outcome } from './json-error.ts';

const HELP = `Usage: sipctx convert --to history-info|diversion [--request-uri <uri>] [--strict] <row>...

Maps header rows as RFC 7544 specifies and prints the resulting header values,
one row per line:

  --to history-info  the rows are Diversion values (most recent diversion first);
                     prints History-Info rows in the order the targets were tried,
                     each diversion reason becoming the next target's cause.
                     --request-uri adds the final target (the request's R-URI).
  --to diversion     the rows are History-Info values; prints Diversion rows, most
                     recent first (reasons from the causes, Privacy history→full).

Options:
  --to <header>        history-info or diversion (required)
  --request-uri <uri>  the Request-URI, the last History-Info target (history-info only)
  --strict             parse the rows strictly; History-Info indexes must follow
                       RFC 7044 §10.3
  -h, --help           show this help

Example:
  sipctx convert --to history-info --request-uri sip:+12065551234@voice.example.com \\
    '<sip:+15559876543@acmebank.example>;reason=unconditional'

Exit codes: 0 converted, 2 invalid row (JSON error on stderr with "row"), 64 usage.
`;

/** Parses every row with `parse`, in order; a failing row is named in the error. */
function parseRows<T>(
  rows: readonly string[],
  parse: (row: string, options: ParseOptions) => Result<T[]>,
  options: ParseOptions,
): { ok: true; entries: T[] } | { ok: false; outcome: Outcome } {
  const entries: T[] = [];
  for (const [row, value] of rows.entries()) {
    const r = parse(value, options);
    if (!r.ok) return { ok: false, outcome: invalidInput(r.error, row) };
    entries.push(...r.value);
  }
  return { ok: true, entries };
}

function printRows(r: Result<string[]>): Outcome {
  return r.ok ? success(r.value.map((row) => row + '\n').join('')) : invalidInput(r.error);
}

function withContext(error: SipError, context: string): SipError {
  return { ...error, message: `${context}: ${error.message}` };
}

function toHistoryInfo(
  rows: readonly string[],
  requestUri: string | null,
  options: ParseOptions,
): Outcome {
  if (requestUri !== null) {
    const uri = parseUri(requestUri, { strict: true });
    if (!uri.ok) return invalidInput(withContext(uri.error, '--request-uri'));
  }
  const parsed = parseRows(rows, parseDiversion, options);
  if (!parsed.ok) return parsed.outcome;
  return printRows(diversionToHistoryInfo(parsed.entries, requestUri));
}

function toDiversion(rows: readonly string[], options: ParseOptions): Outcome {
  const parsed = parseRows(rows, parseHistoryInfo, options);
  if (!parsed.ok) return parsed.outcome;
  if (options.strict === true) {
    const valid = validateHistoryInfoIndices(parsed.entries);
    if (!valid.ok) return invalidInput(valid.error);
  }
  const mapped = historyInfoToDiversion(parsed.entries);
  return mapped.ok ? printRows(serializeDiversionRows(mapped.value)) : invalidInput(mapped.error);
}

async function runConvert(args: CommandArgs): Promise<Outcome> {
  const to = args.values['to'];
  const requestUri = args.values['request-uri'];
  const rows = args.positionals;
  if (to !== 'history-info' && to !== 'diversion') {
    return usageError('--to must be history-info or diversion', 'convert');
  }
  if (rows.length === 0) return usageError('expected at least one row', 'convert');
  const options: ParseOptions = { strict: args.values['strict'] === true };
  if (to === 'diversion') {
    if (requestUri !== undefined) {
      return usageError('--request-uri applies to --to history-info only', 'convert');
    }
    return toDiversion(rows, options);
  }
  return toHistoryInfo(rows, requestUri === undefined ? null : String(requestUri), options);
}

export const convertCommand: Command = {
  name: 'convert',
  summary: 'map Diversion rows to History-Info rows or back (RFC 7544)',
  help: HELP,
  options: {
    to: { type: 'string' },
    'request-uri': { type: 'string' },
    strict: { type: 'boolean' },
  },
  run: runConvert,
};
