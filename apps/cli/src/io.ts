import { readFile } from 'node:fs/promises';

/**
 * Everything a command does to the outside world, injected so that tests run the commands
 * in-process with fakes and the real process only appears in main.ts.
 */
export interface Io {
  /** Writes text to standard output as is (commands end their lines themselves). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  readonly readFile: (path: string) => Promise<Uint8Array>;
  /** The environment, for a policy's `env:NAME` key references. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Reads a whole stream into one buffer. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The Io of the running process. */
export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
    readFile: (path) => readFile(path),
    env: process.env,
  };
}
