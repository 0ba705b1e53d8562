/**
 * Mutated torture messages: every RFC 4475 message and carrier message, with random bytes
 * replaced, inserted or deleted (CR, LF, NUL, quotes, brackets, commas and colons favoured, since
 * they are what the grammar turns on), through the parser in both modes and, when accepted,
 * through the serializer and back. Nothing may throw; an accepted message must re-serialize to
 * bytes that parse to the same headers (or be refused with a code), so no mutation can smuggle a
 * header through a round trip.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage } from './message.ts';
import { serializeMessage } from './serialize-message.ts';

const DATA = join(import.meta.dirname, '../test-data');
const corpus: Uint8Array[] = [
  ...readdirSync(join(DATA, 'rfc4475'))
    .filter((f) => f.endsWith('.dat'))
    .map((f) => new Uint8Array(readFileSync(join(DATA, 'rfc4475', f)))),
  ...readdirSync(join(DATA, 'carrier')).map(
    (f) => new Uint8Array(readFileSync(join(DATA, 'carrier', f))),
  ),
];

const interesting = fc.constantFrom(
  ...[0x0d, 0x0a, 0x00, 0x22, 0x3c, 0x3e, 0x2c, 0x3a, 0x3b, 0x20, 0x5c, 0x25, 0xff, 0xc3],
);
const byte = fc.oneof(interesting, fc.integer({ min: 0, max: 255 }));
const edit = fc.record({
  kind: fc.constantFrom('replace', 'insert', 'delete'),
  at: fc.nat(),
  byte,
});

function mutate(
  input: Uint8Array,
  edits: readonly { kind: string; at: number; byte: number }[],
): Uint8Array {
  const bytes = Array.from(input);
  for (const e of edits) {
    const at = bytes.length === 0 ? 0 : e.at % bytes.length;
    if (e.kind === 'replace') bytes[at] = e.byte;
    else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
    else bytes.splice(at, 1);
  }
  return new Uint8Array(bytes);
}

describe('mutated messages', () => {
  it('never throw, and what is accepted round-trips or is refused with a code', () => {
    fc.assert(
      fc.property(
        fc.nat(corpus.length - 1),
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (which, edits, strict) => {
          const input = mutate(corpus[which] as Uint8Array, edits);
          const parsed = parseMessage(input, { strict });
          if (!parsed.ok) return parsed.error.code.startsWith('SIP_');
          const out = serializeMessage(parsed.value);
          if (!out.ok) return out.error.code.startsWith('SIP_');
          const again = parseMessage(out.value, { strict: false });
          expect(again.ok).toBe(true);
          if (!again.ok) return false;
          const names = (m: typeof parsed.value) =>
            m.headers.map((h) => `${h.canonical}: ${h.value}`);
          expect(names(again.value)).toEqual(names(parsed.value));
          return true;
        },
      ),
      { numRuns: 1500 },
    );
  });
});
