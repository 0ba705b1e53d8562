import {
  parseMessage,
  type ParseOptions,
  type SipError,
  type SipHeader,
  type SipMessage,
} from '@sipctx/sip-codec';
import type { Command, CommandArgs } from './command.ts';
import type { Io } from './io.ts';
import { invalidInput, success, usageError, type Outcome } from './json-error.ts';
import { readInput } from './read-input.ts';
import type { JsonObject } from './uri-view.ts';
import { viewForHeader } from './views.ts';

const HELP = `Usage: sipctx parse [--strict] [--transport udp|stream] <file|->

Parses one SIP message (a file, or standard input with "-") and prints it as JSON:
the start line, every header in order (name as written, canonical name, value,
list elements), a structured view of each header the codec knows, and the body.

Options:
  --strict               reject what RFC 3261/4475 call invalid, including a header
                         whose structured view fails (default: tolerant)
  --transport udp|stream how the message arrived (default: udp, as the codec). udp:
                         bytes after Content-Length are discarded and counted in
                         discardedBytes; stream: Content-Length is mandatory
  -h, --help             show this help

Exit codes: 0 parsed, 2 invalid SIP (one JSON error on stderr), 64 usage, 66 unreadable file.
`;

type Transport = 'udp' | 'stream';
const TRANSPORTS: readonly string[] = ['udp', 'stream'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text when it is valid UTF-8, base64 otherwise; the length in bytes either way. */
function bodyView(body: Uint8Array): JsonObject {
  try {
    return { length: body.length, encoding: 'utf-8', text: utf8.decode(body) };
  } catch {
    return {
      length: body.length,
      encoding: 'base64',
      base64: Buffer.from(body).toString('base64'),
    };
  }
}

function startLineView(message: SipMessage): JsonObject {
  return message.kind === 'request'
    ? {
        kind: message.kind,
        method: message.method,
        requestUri: message.requestUri,
        version: message.version,
      }
    : {
        kind: message.kind,
        version: message.version,
        status: message.status,
        reason: message.reason,
      };
}

function errorView(error: SipError): JsonObject {
  return { error: { code: error.code, message: error.message, offset: error.offset } };
}

/** A header line's structured view: its entries, its fields, or the error its value gave. */
function structuredView(
  header: SipHeader,
  options: ParseOptions,
): { view?: JsonObject; error?: SipError } {
  const spec = viewForHeader(header.canonical);
  if (spec === undefined) return {};
  if (spec.kind === 'list') {
    const r = spec.view(header.value, options);
    return r.ok ? { view: { entries: r.value } } : { view: errorView(r.error), error: r.error };
  }
  const r = spec.view(header.value, options);
  return r.ok ? { view: r.value } : { view: errorView(r.error), error: r.error };
}

/** The whole message as JSON; in strict mode the first header whose view fails fails it all. */
export function messageView(message: SipMessage, options: ParseOptions): Outcome {
  const headers: JsonObject[] = [];
  for (const [index, header] of message.headers.entries()) {
    const structured = structuredView(header, options);
    if (structured.error !== undefined && options.strict === true) {
      return invalidInput(structured.error, index);
    }
    headers.push({
      name: header.name,
      canonical: header.canonical,
      value: header.value,
      values: [...header.values],
      ...(structured.view === undefined ? {} : { structured: structured.view }),
    });
  }
  const view: JsonObject = {
    startLine: startLineView(message),
    headers,
    body: bodyView(message.body),
    discardedBytes: message.discardedBytes,
  };
  return success(JSON.stringify(view, null, 2) + '\n');
}

async function runParse(args: CommandArgs, io: Io): Promise<Outcome> {
  const transport = String(args.values['transport'] ?? 'udp');
  if (!TRANSPORTS.includes(transport)) {
    return usageError('--transport must be udp or stream', 'parse');
  }
  if (args.positionals.length !== 1) {
    return usageError('expected exactly one <file> or "-" for standard input', 'parse');
  }
  const input = await readInput(io, args.positionals[0] as string);
  if (!input.ok) return input.outcome;
  const strict = args.values['strict'] === true;
  const parsed = parseMessage(input.bytes, { strict, transport: transport as Transport });
  if (!parsed.ok) return invalidInput(parsed.error);
  return messageView(parsed.value, { strict });
}

export const parseCommand: Command = {
  name: 'parse',
  summary: 'parse a SIP message (file or "-") and print it as JSON',
  help: HELP,
  options: { strict: { type: 'boolean' }, transport: { type: 'string' } },
  run: runParse,
};
