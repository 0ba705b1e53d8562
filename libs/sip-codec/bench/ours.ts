/**
 * Our codec as benchmark variants: the message parser in tolerant and strict mode, on text and on
 * bytes, and "ours + structured", which also parses the headers `sip` and drachtio-sip structure
 * (plus Diversion) with the codec's header functions. Loaded dynamically so the
 * harness still runs, and says so, while a module is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../src/errors.ts';
import type { SipMessage } from '../src/message-model.ts';
import type { BenchParser } from './competitors.ts';

type ParseMessage = (
  input: Uint8Array | string,
  options?: { strict?: boolean; transport?: 'udp' | 'stream' },
) => Result<SipMessage>;
type HeaderParser = (value: string, options?: { strict?: boolean }) => Result<unknown>;

/**
 * Canonical header name → the codec function that structures its value: what `sip` (Via, From,
 * To, CSeq, Contact, Route, Record-Route) and drachtio-sip (also P-Asserted-Identity) structure,
 * plus Diversion, which neither does. History-Info is left out: no competitor parses it.
 */
const STRUCTURED_HEADERS: Readonly<Record<string, string>> = {
  From: 'parseNameAddr',
  To: 'parseNameAddr',
  Contact: 'parseNameAddrList',
  'Record-Route': 'parseNameAddrList',
  Route: 'parseNameAddrList',
  'P-Asserted-Identity': 'parseNameAddrList',
  Via: 'parseVia',
  CSeq: 'parseCSeq',
  Diversion: 'parseDiversion',
};

export interface OursLoad {
  readonly parsers: BenchParser[];
  /** Lines for the report: what is missing or skipped. */
  readonly notes: string[];
}

function oursRows(output: unknown, name: string): unknown[] {
  const message = (output as { message?: SipMessage }).message ?? (output as SipMessage);
  return message.headers.filter((h) => h.canonical === name).map((h) => h.value);
}

function variant(
  name: string,
  scored: boolean,
  parse: BenchParser['parse'],
  accepts: BenchParser['accepts'],
): BenchParser {
  const mode = name.includes('strict') ? 'strict' : 'tolerant';
  return { name, ours: true, timed: true, scored, mode, parse, accepts, rows: oursRows };
}

/** Structures the headers named in STRUCTURED_HEADERS with the functions that exist. */
function structurer(functions: Map<string, HeaderParser>) {
  return (message: SipMessage): unknown[] => {
    const out: unknown[] = [];
    for (const header of message.headers) {
      const fnName = STRUCTURED_HEADERS[header.canonical];
      const fn = fnName === undefined ? undefined : functions.get(fnName);
      if (fn) out.push(fn(header.value));
    }
    return out;
  };
}

export async function loadOurs(): Promise<OursLoad> {
  const notes: string[] = [];
  if (!existsSync(join(import.meta.dirname, '..', 'src', 'message.ts'))) {
    return {
      parsers: [],
      notes: ['ours: src/message.ts does not exist yet, our rows are skipped'],
    };
  }
  let parseMessage: ParseMessage;
  try {
    ({ parseMessage } = (await import('../src/message.ts')) as unknown as {
      parseMessage: ParseMessage;
    });
  } catch (error) {
    return {
      parsers: [],
      notes: [`ours: src/message.ts does not load (${String(error)}), skipped`],
    };
  }
  let codec: Record<string, unknown> = {};
  try {
    codec = (await import('../src/index.ts')) as unknown as Record<string, unknown>;
  } catch (error) {
    notes.push(`ours + structured: src/index.ts does not load (${String(error)})`);
  }
  const functions = new Map<string, HeaderParser>();
  for (const fnName of new Set(Object.values(STRUCTURED_HEADERS))) {
    const fn = codec[fnName];
    if (typeof fn === 'function') functions.set(fnName, fn as HeaderParser);
    else notes.push(`ours + structured: ${fnName} is not exported by src/index.ts yet, skipped`);
  }
  const structure = structurer(functions);
  const tolerant = { strict: false };
  const strict = { strict: true };
  const value = (r: Result<SipMessage>) => (r.ok ? r.value : undefined);
  const wire = (m: { bytes: Uint8Array; transport: 'udp' | 'stream' | undefined }, s: boolean) =>
    parseMessage(m.bytes, m.transport ? { strict: s, transport: m.transport } : { strict: s }).ok;
  const parsers = [
    variant(
      'ours tolerant',
      true,
      (m) => value(parseMessage(m.text, tolerant)),
      (m) => wire(m, false),
    ),
    variant(
      'ours tolerant (bytes in)',
      false,
      (m) => value(parseMessage(m.bytes, tolerant)),
      (m) => wire(m, false),
    ),
    variant(
      'ours strict',
      true,
      (m) => value(parseMessage(m.text, strict)),
      (m) => wire(m, true),
    ),
    variant(
      'ours + structured',
      false,
      (m) => {
        const message = value(parseMessage(m.text, tolerant));
        return message && { message, structured: structure(message) };
      },
      (m) => wire(m, false),
    ),
  ];
  return { parsers, notes };
}
