import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type Command } from './command.ts';
import { success } from './json-error.ts';

const command = (options: Command['options']): Command => ({
  name: 'demo',
  summary: '',
  help: '',
  options,
  run: async () => success(''),
});

describe('parseCommandArgs', () => {
  it('adds --help / -h to every command', () => {
    const r = parseCommandArgs(command({}), ['-h', 'x']);
    expect(r).toEqual({ ok: true, args: { values: { help: true }, positionals: ['x'] } });
  });

  it('turns a wrong command line into a usage outcome', () => {
    const r = parseCommandArgs(command({}), ['--nope']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.outcome).toMatchObject({ exitCode: 64, error: { code: 'CLI_USAGE' } });
  });

  it('lets a broken option table (a bug of ours) propagate', () => {
    const broken = command({ n: { type: 'number' as 'string' } });
    expect(() => parseCommandArgs(broken, [])).toThrow();
  });
});
