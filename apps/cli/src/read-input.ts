import type { Io } from './io.ts';
import { noInput, type Outcome } from './json-error.ts';

/** The bytes of a file or, for "-", standard input; an unreadable one is exit 66. */
export async function readInput(
  io: Io,
  source: string,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; outcome: Outcome }> {
  try {
    return { ok: true, bytes: source === '-' ? await io.readStdin() : await io.readFile(source) };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const what = source === '-' ? 'standard input' : source;
    return { ok: false, outcome: noInput(`cannot read ${what}: ${reason}`) };
  }
}
