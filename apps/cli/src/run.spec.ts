import { describe, expect, it } from 'vitest';
import { run } from './run.ts';
import { fakeIo, runCli, stderrJson } from './testing/fake-io.ts';

describe('sipctx help', () => {
  it.each([[['--help']], [['-h']], [['help']]])('%j prints the global help', async (argv) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    for (const command of ['parse', 'header', 'convert', 'check', 'eval']) {
      expect(r.stdout).toContain(command);
    }
    expect(r.stdout).toContain('Exit codes');
  });

  it.each([
    [['parse', '--help'], 'sipctx parse'],
    [['parse', '-h'], 'sipctx parse'],
    [['header', '--help'], 'sipctx header'],
    [['convert', '--help'], 'sipctx convert'],
    [['check', '--help'], 'sipctx check'],
    [['eval', '--help'], 'sipctx eval'],
    [['help', 'header'], 'sipctx header'],
    [['--help', 'convert'], 'sipctx convert'],
    [['help', 'nope'], 'Commands:'],
  ])('%j prints help', async (argv, text) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(text);
  });
});

describe('usage errors', () => {
  it.each([
    [[], 'a command is expected', 'sipctx --help'],
    [['frobnicate'], 'unknown command "frobnicate"', 'sipctx --help'],
    [['parse', '--bogus', 'x'], "Unknown option '--bogus'", 'sipctx parse --help'],
    [['parse', '--transport'], "'--transport <value>' argument missing", 'sipctx parse --help'],
    [['header', '--strict=yes', 'From', 'x'], '--strict', 'sipctx header --help'],
  ])('%j is exit 64 CLI_USAGE', async (argv, message, hint) => {
    const r = await runCli(argv);
    expect(r.exitCode).toBe(64);
    expect(r.stdout).toBe('');
    const error = stderrJson(r);
    expect(error['code']).toBe('CLI_USAGE');
    expect(String(error['message'])).toContain(message);
    expect(error['hint']).toBe(hint);
  });
});

function thrower(value: unknown): never {
  throw value;
}

describe('internal errors', () => {
  it('turns an unexpected exception into exit 70 CLI_INTERNAL without a stack', async () => {
    const exploding = new Proxy(new Uint8Array(4), {
      // `then` is read when the promise resolves; everything else explodes inside the codec.
      get: (target, key) => (key === 'then' ? undefined : thrower(new Error('boom'))),
    });
    const io = { ...fakeIo(), readStdin: async () => exploding };
    const err: string[] = [];
    const exitCode = await run(['parse', '-'], { ...io, stderr: (t) => void err.push(t) });
    expect(exitCode).toBe(70);
    expect(err).toEqual(['{"code":"CLI_INTERNAL","message":"boom"}\n']);
  });

  it('reports a thrown non-Error value by its string', async () => {
    const io = fakeIo();
    const err: string[] = [];
    const exitCode = await run(['parse', '-'], {
      ...io,
      stderr: (t) => void err.push(t),
      readStdin: async () =>
        new Proxy(new Uint8Array(1), {
          get: (target, key) => (key === 'then' ? undefined : thrower('plain')),
        }),
    });
    expect(exitCode).toBe(70);
    expect(err).toEqual(['{"code":"CLI_INTERNAL","message":"plain"}\n']);
  });
});
