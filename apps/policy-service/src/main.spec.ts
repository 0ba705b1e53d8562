import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The process as systemd or `npm start` runs it: environment in, JSON lines out, signals. */

const main = new URL('./main.ts', import.meta.url).pathname;
const node = ['--import', 'tsx', '--conditions=@sipctx/source', main];
const dir = mkdtempSync(join(tmpdir(), 'sipctx-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parent's environment without any SIPCTX_ variable, so only what a test sets counts. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('SIPCTX_')),
);

type Line = Record<string, unknown>;

/** Spawns the service; `until` waits (bounded) for a stdout line that matches. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, node, {
    env: { ...cleanEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const l of parts) lines.push(JSON.parse(l) as Line);
  });
  const until = async (event: string, match: (l: Line) => boolean = () => true) => {
    const found = () => lines.find((l) => l['event'] === event && match(l));
    const deadline = Date.now() + 20_000;
    while (found() === undefined) {
      if (Date.now() > deadline) throw new Error(`no ${event}: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return found() as Line;
  };
  return { child, lines, until };
}

/** `health.check` over HTTP JSON-RPC: the name of the policy in force. */
async function policyInForce(httpPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'health.check' }),
  });
  const body = (await res.json()) as { result?: { policy?: string } };
  return body.result?.policy ?? `no result: ${JSON.stringify(body)}`;
}

/** Polls `health.check` until the policy in force is `name` (bounded). */
async function untilPolicy(httpPort: number, name: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let current = await policyInForce(httpPort);
  while (current !== name) {
    if (Date.now() > deadline) throw new Error(`policy still ${current}, not ${name}`);
    await new Promise((r) => setTimeout(r, 50));
    current = await policyInForce(httpPort);
  }
}

function stopped(child: ReturnType<typeof spawn>): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('sipctx-policy-service', () => {
  it('bad configuration: exit 78 with every problem on stderr', () => {
    const r = spawnSync(process.execPath, node, {
      env: { ...cleanEnv, SIPCTX_POLICY: '', SIPCTX_RPC_LISTEN: 'nowhere' },
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
      env: { ...cleanEnv, SIPCTX_POLICY: file },
      encoding: 'utf8',
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('SERVICE_START');
    expect(r.stderr).toContain('rules[0].when.trunk');
  });

  it('starts, reloads on SIGHUP, stops on SIGTERM with exit 0', async () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 1\nname: one\n');
    // No file watch here: the reload below can only come from the signal.
    const { child, lines, until } = start({
      SIPCTX_POLICY: file,
      SIPCTX_RPC_LISTEN: '127.0.0.1:0',
      SIPCTX_HTTP_LISTEN: '127.0.0.1:0',
      SIPCTX_WATCH_POLICY: 'false',
    });
    const up = await until('listening');
    expect(up).toMatchObject({ policy: 'one' });
    const health = await fetch(`http://127.0.0.1:${up['http'] as number}/healthz`);
    expect(health.status).toBe(200);
    writeFileSync(file, 'version: 1\nname: two\n');
    child.kill('SIGHUP');
    expect(await until('reload')).toMatchObject({
      level: 'info',
      service: 'sipctx-policy-service',
      trigger: 'SIGHUP',
      outcome: 'ok',
      policy: 'two',
    });
    expect(lines.some((l) => l['event'] === 'policy_watch')).toBe(false);
    expect(await stopped(child)).toBe(0);
    expect(lines.some((l) => l['event'] === 'stopping')).toBe(true);
  }, 30_000);

  it('a configuration file with problems: exit 78, naming the file, line and key', () => {
    const config = join(dir, 'bad-config.yaml');
    writeFileSync(config, 'policy: policy.yaml\nrpc_listn: 127.0.0.1:0\nlog_level: loud\n');
    const r = spawnSync(process.execPath, node, {
      env: { ...cleanEnv, SIPCTX_CONFIG: config },
      encoding: 'utf8',
    });
    expect(r.status).toBe(78);
    const error = JSON.parse(r.stderr.trim().split('\n').at(-1) as string) as {
      code: string;
      problems: string[];
    };
    expect(error.code).toBe('SERVICE_CONFIG');
    expect(error.problems).toEqual([
      expect.stringContaining(`${config}:2:1: rpc_listn: unknown key`),
      expect.stringContaining(`${config}:3:1: log_level: "loud" is not a log level`),
    ]);
  });

  it('starts from a configuration file and reloads the policy when its file changes', async () => {
    const etc = join(dir, 'etc');
    mkdirSync(etc);
    const policy = join(etc, 'watched.yaml');
    writeFileSync(policy, 'version: 1\nname: first\n');
    const config = join(etc, 'sipctx.yaml');
    writeFileSync(
      config,
      [
        'policy: watched.yaml',
        'rpc_listen: 127.0.0.1:0',
        'http_listen: 127.0.0.1:0',
        'log_level: info',
        'context: { ttl_seconds: 60, grace_seconds: 5 }',
      ].join('\n'),
    );
    const { child, until } = start({ SIPCTX_CONFIG: config });
    const up = await until('listening');
    expect(up).toMatchObject({ level: 'info', service: 'sipctx-policy-service', policy: 'first' });
    expect(await until('policy_watch')).toMatchObject({ file: policy });
    const http = up['http'] as number;
    expect(await policyInForce(http)).toBe('first');

    // Saved as an editor does: a new file renamed over the old one. No SIGHUP.
    writeFileSync(`${policy}.tmp`, 'version: 1\nname: second\n');
    renameSync(`${policy}.tmp`, policy);
    await untilPolicy(http, 'second');
    expect(await until('reload', (l) => l['outcome'] === 'ok')).toMatchObject({
      trigger: 'file',
      policy: 'second',
    });

    // An invalid policy is logged with its issues and the old one stays in force.
    writeFileSync(
      policy,
      'version: 1\nname: third\nrules: [{ name: a, when: { trunk: x }, then: {} }]\n',
    );
    const invalid = await until('reload', (l) => l['outcome'] === 'invalid');
    expect(invalid).toMatchObject({ level: 'warn', trigger: 'file' });
    expect(invalid['issues']).toEqual(
      expect.arrayContaining([
        { path: expect.stringContaining('rules[0].when.trunk'), message: expect.any(String) },
      ]),
    );
    expect(await policyInForce(http)).toBe('second');
    expect(await stopped(child)).toBe(0);
  }, 60_000);
});
