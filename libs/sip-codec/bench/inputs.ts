/**
 * The benchmark's inputs: one realistic carrier INVITE and the RFC 4475 torture messages, read from
 * disk as bytes. Nothing here parses SIP beyond what the report needs (header lines of a fixture
 * known to be well formed, to know which rows and which Diversion params a lossless parser keeps).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchMessage {
  /** File name relative to the lib, for the report. */
  readonly file: string;
  /** The exact bytes, as received on the wire. */
  readonly bytes: Uint8Array;
  /** The same bytes as a Buffer, which `sip` and drachtio-sip decode themselves. */
  readonly buffer: Buffer;
  /** UTF-8 decoded text: what every parser gets in the throughput runs. */
  readonly text: string;
}

export type Verdict = 'valid' | 'invalid' | 'app';

export interface TortureMessage extends BenchMessage {
  readonly section: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** What the manifest expects from our parser: kept as written (accept/reject or a code). */
  readonly strictExpect: unknown;
  readonly tolerantExpect: unknown;
  /** 'udp' or 'stream' when the manifest says how the message arrived. */
  readonly transport: 'udp' | 'stream' | undefined;
}

const LIB_DIR = join(import.meta.dirname, '..');
const decoder = new TextDecoder('utf-8');

function readMessage(relative: string): BenchMessage {
  const buffer = readFileSync(join(LIB_DIR, relative));
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { file: relative, bytes, buffer, text: decoder.decode(bytes) };
}

/**
 * The carrier INVITEs: every test-data/carrier/invite-*.sip that carries a Diversion header
 * (written with the test data, in the style of the vendor pages) and this folder's own fixture.
 */
export function loadCarrierInvites(): BenchMessage[] {
  const found: BenchMessage[] = [];
  const dir = join(LIB_DIR, 'test-data', 'carrier');
  if (existsSync(dir)) {
    const names = readdirSync(dir)
      .filter((n) => n.startsWith('invite-') && n.endsWith('.sip'))
      .sort();
    for (const name of names) {
      const message = readMessage(join('test-data', 'carrier', name));
      if (/\r\nDiversion:/i.test(message.text)) found.push(message);
    }
  }
  return [...found, readMessage(join('bench', 'fixtures', 'carrier-invite.sip'))];
}

interface ManifestEntry {
  file: string;
  section?: string;
  title?: string;
  verdict: Verdict;
  strictExpect?: unknown;
  tolerantExpect?: unknown;
  transport?: 'udp' | 'stream';
}

/** The RFC 4475 messages listed in test-data/rfc4475/manifest.json, or null when it is absent. */
export function loadTorture(): TortureMessage[] | null {
  const manifestPath = join(LIB_DIR, 'test-data', 'rfc4475', 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const entries = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestEntry[];
  return entries.map((entry) => ({
    ...readMessage(join('test-data', 'rfc4475', entry.file)),
    section: entry.section ?? '',
    title: entry.title ?? entry.file,
    verdict: entry.verdict,
    strictExpect: entry.strictExpect,
    tolerantExpect: entry.tolerantExpect,
    transport: entry.transport,
  }));
}

/** Header lines of a fixture known to be well formed (no folds): name and trimmed value, in order. */
export function fixtureHeaderLines(message: BenchMessage): { name: string; value: string }[] {
  const head = message.text.slice(0, message.text.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}
