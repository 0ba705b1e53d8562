import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The process as systemd or `npm start` runs it: environment in, JSON lines out, signals. */

const main = new URL('./main.ts', import.meta.url).pathname;
const node = ['--import', 'tsx', '--conditions=@sipctx/source', main];
const dir = mkdtempSync(join(tmpdir(), 'sipctx-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sipctx-policy-service', () => {
  it('bad configuration: exit 78 with every problem on stderr', () => {
    const r = spawnSync(process.execPath, node, {
      env: { ...process.env, SIPCTX_POLICY: '', SIPCTX_RPC_LISTEN: 'nowhere' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(78);
    const error = JSON.parse(r.stderr.trim().split('\n').at(-1) as string) as {
      code: string;
      problems: string[];
    };
    expect(error.code).toBe('SERVICE_CONFIG');
    expect(error.problems).toHaveLength(2);
  });

  it('an invalid policy: exit 78, saying why', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'version: 1\nname: bad\nrules: [{ name: a, when: { trunk: x }, then: {} }]\n',
    );
    const r = spawnSync(process.execPath, node, {
      env: { ...process.env, SIPCTX_POLICY: file },
      encoding: 'utf8',
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('SERVICE_START');
    expect(r.stderr).toContain('rules[0].when.trunk');
  });

  it('starts, reloads on SIGHUP, stops on SIGTERM with exit 0', async () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 1\nname: one\n');
    const child = spawn(process.execPath, node, {
      env: {
        ...process.env,
        SIPCTX_POLICY: file,
        SIPCTX_RPC_LISTEN: '127.0.0.1:0',
        SIPCTX_HTTP_LISTEN: '127.0.0.1:0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const l of parts) lines.push(JSON.parse(l) as Record<string, unknown>);
    });
    const until = async (event: string) => {
      const deadline = Date.now() + 20_000;
      while (!lines.some((l) => l['event'] === event)) {
        if (Date.now() > deadline) throw new Error(`no ${event}: ${JSON.stringify(lines)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return lines.find((l) => l['event'] === event) as Record<string, unknown>;
    };
    const up = await until('listening');
    expect(up).toMatchObject({ policy: 'one' });
    const health = await fetch(`http://127.0.0.1:${up['http'] as number}/healthz`);
    expect(health.status).toBe(200);
    writeFileSync(file, 'version: 1\nname: two\n');
    child.kill('SIGHUP');
    expect(await until('reload')).toMatchObject({ ok: true, name: 'two' });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.some((l) => l['event'] === 'stopping')).toBe(true);
  }, 30_000);
});
