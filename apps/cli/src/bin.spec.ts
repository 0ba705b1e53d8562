/**
 * The built bin, spawned as a user runs it: exit codes, stdout JSON, and stderr exactly one JSON
 * line without a stack trace. Builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INVITE } from './testing/sip-messages.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const bin = resolve(root, 'apps/cli/bin/sipctx.js');

// tsc --build is incremental: it rebuilds dist/ (and the codec's) only when sources changed, so a
// stale dist/ is never what gets tested.
beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '--build', 'apps/cli/tsconfig.app.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
});

function sipctx(args: string[], input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneJsonLine(stderr: string): Record<string, unknown> {
  expect(stderr.endsWith('\n')).toBe(true);
  const lines = stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('bin/sipctx.js', () => {
  it('--help exits 0 and lists the commands', () => {
    const r = sipctx(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const c of ['parse', 'header', 'convert']) expect(r.stdout).toContain(c);
  });

  it('parse - exits 0 with JSON on stdout', () => {
    const r = sipctx(['parse', '-'], INVITE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).startLine.method).toBe('INVITE');
  });

  it.each([
    [['parse', '-'], 'garbage\r\n\r\n', 2, /^SIP_/],
    [['header', 'Replaces', '--strict', 'abc@host'], '', 2, /^SIP_/],
    [['frobnicate'], '', 64, /^CLI_USAGE$/],
    [['parse', '--nope', '-'], '', 64, /^CLI_USAGE$/],
    [['parse', 'apps/cli/no-such-file.sip'], '', 66, /^CLI_NO_INPUT$/],
    [['check', 'apps/cli/no-such-policy.yaml'], '', 66, /^CLI_NO_INPUT$/],
    [['eval', '--policy', 'apps/cli/no-such-policy.yaml', '-'], '', 66, /^CLI_NO_INPUT$/],
  ])('%j (stdin %j) exits %i with one JSON error line on stderr', (args, input, code, pattern) => {
    const r = sipctx(args, input);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(String(oneJsonLine(r.stderr)['code'])).toMatch(pattern);
  });
});
