/**
 * The npm SIP parsers we compare against, each behind the same small interface. Every call is made
 * the way the library's own transport makes it; a throw or an `undefined` result is a reject (the
 * caller wraps every call in try/catch).
 */
import { createRequire } from 'node:module';
import { Core } from 'sip.js';
import type { BenchMessage, TortureMessage } from './inputs.ts';

export interface BenchParser {
  readonly name: string;
  readonly ours: boolean;
  /** False for variants that only appear in the correctness table. */
  readonly timed: boolean;
  /** False for variants whose acceptance is another row's (same parser, other input form). */
  readonly scored: boolean;
  /** Ours only: which manifest expectation (strictExpect / tolerantExpect) applies. */
  readonly mode?: 'strict' | 'tolerant';
  /** Throughput run: parses the decoded text (or bytes, for a bytes variant); undefined = reject. */
  readonly parse: (message: BenchMessage) => unknown;
  /** Correctness run: true when the parser accepts the message as it arrives on the wire. */
  readonly accepts: (message: TortureMessage) => boolean;
  /** Lossless check: what the output exposes for one header name, one element per row it keeps. */
  readonly rows: (output: unknown, name: string) => unknown[];
}

const require = createRequire(import.meta.url);

/** `sip` 0.0.6 (kirm/sip.js): `parse()` returns undefined on what its regexes do not match. */
interface SipLibMessage {
  method?: string;
  status?: number;
  headers: Record<string, unknown>;
}
const sipLib = require('sip') as { parse(data: string | Buffer): SipLibMessage | undefined };

/** drachtio-sip 0.6: `parseSipMessage(s, lazy)`; `new SipMessage(s)` is the lazy, split-only path. */
interface DrachtioMessage {
  headers: Record<string, unknown>;
}
const drachtio = require('drachtio-sip') as {
  SipMessage: new (data: string) => DrachtioMessage;
  parser: {
    parseSipMessage(data: string | Buffer, lazy?: boolean): DrachtioMessage | undefined;
    getHeaderName(name: string): string;
  };
};

const silentLogger = {
  error: () => undefined,
  warn: () => undefined,
  log: () => undefined,
  debug: () => undefined,
} as unknown as Core.Logger;

/** One row per array element; a string is a single row (libraries that join repeats). */
function asRows(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * `sip`'s stream/UDP transport drops a parsed message unless it has Via, Call-ID, To, From and
 * CSeq (`checkMessage` in sip.js, not exported): replicated here so its acceptance is not
 * understated.
 */
function sipTransportAccepts(m: SipLibMessage | undefined): boolean {
  if (!m) return false;
  const h = m.headers;
  const via = h['via'];
  return (
    (m.method !== undefined || (m.status !== undefined && m.status >= 100 && m.status <= 999)) &&
    Array.isArray(via) &&
    via.length > 0 &&
    Boolean(h['call-id'] && h['to'] && h['from'] && h['cseq'])
  );
}

function sipRows(output: unknown, name: string): unknown[] {
  return asRows((output as SipLibMessage).headers[name.toLowerCase()]);
}

function drachtioRows(output: unknown, name: string): unknown[] {
  return asRows((output as DrachtioMessage).headers[drachtio.parser.getHeaderName(name)]);
}

export const competitors: readonly BenchParser[] = [
  {
    name: 'sip 0.0.6',
    ours: false,
    timed: true,
    scored: true,
    parse: (m) => sipLib.parse(m.text),
    accepts: (m) => sipLib.parse(m.buffer) !== undefined,
    rows: sipRows,
  },
  {
    name: 'sip 0.0.6 + transport checks',
    ours: false,
    timed: false,
    scored: true,
    parse: (m) => sipLib.parse(m.text),
    accepts: (m) => sipTransportAccepts(sipLib.parse(m.buffer)),
    rows: sipRows,
  },
  {
    name: 'drachtio-sip 0.6 full',
    ours: false,
    timed: true,
    scored: true,
    parse: (m) => drachtio.parser.parseSipMessage(m.text, false),
    accepts: (m) => drachtio.parser.parseSipMessage(m.buffer, false) !== undefined,
    rows: drachtioRows,
  },
  {
    name: 'drachtio-sip 0.6 split only',
    ours: false,
    timed: true,
    scored: true,
    parse: (m) => new drachtio.SipMessage(m.text),
    accepts: (m) => {
      new drachtio.SipMessage(m.buffer.toString('utf8'));
      return true;
    },
    rows: drachtioRows,
  },
  {
    name: 'sip.js 0.21.2',
    ours: false,
    timed: true,
    scored: true,
    parse: (m) => Core.Parser.parseMessage(m.text, silentLogger),
    accepts: (m) => Core.Parser.parseMessage(m.text, silentLogger) !== undefined,
    rows: (output, name) =>
      (output as { getHeaders(n: string): string[] }).getHeaders(name.toLowerCase()),
  },
];
