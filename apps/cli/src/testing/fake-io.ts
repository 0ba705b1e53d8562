import type { Io } from '../io.ts';
import { run } from '../run.ts';

export interface FakeRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An in-memory Io: standard input, files and environment from the arguments, output captured. */
export function fakeIo(
  stdin: string | Uint8Array = '',
  files: Readonly<Record<string, string | Uint8Array>> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): Io & { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? Buffer.from(x) : x);
  return {
    out,
    err,
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    readStdin: async () => bytes(stdin),
    readFile: async (path) => {
      const content = files[path];
      if (content === undefined)
        throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return bytes(content);
    },
    env,
  };
}

/** Runs a command line in-process against a fake Io. */
export async function runCli(
  argv: readonly string[],
  stdin?: string | Uint8Array,
  files?: Readonly<Record<string, string | Uint8Array>>,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<FakeRun> {
  const io = fakeIo(stdin, files, env);
  const exitCode = await run(argv, io);
  return { exitCode, stdout: io.out.join(''), stderr: io.err.join('') };
}

/** The single JSON error line a failing run wrote to stderr. */
export function stderrJson(r: FakeRun): Record<string, unknown> {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}`);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}
