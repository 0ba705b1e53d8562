import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * A real redis-server for a test, on a free loopback port, without persistence, started and
 * stopped by its PID. `npm test` installs Debian's redis-server when it is missing.
 */
export interface RunningRedis {
  readonly port: number;
  /** Stops it (SIGTERM, SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>;
}

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** A redis-server on `port` (loopback, no persistence, plus `extra`); resolves once it is ready. */
async function spawnRedis(
  port: number,
  extra: readonly string[],
  cwd?: string,
): Promise<ChildProcess> {
  const c = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Ours to stop: a server that never got ready is not left behind.
      c.kill('SIGKILL');
      reject(new Error(`redis-server did not start:\n${out}`));
    }, 10_000);
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited:\n${out}`));
    });
  });
  return c;
}

export async function startRedis(): Promise<RunningRedis> {
  if (!redisInstalled()) {
    throw new Error(
      'redis-server is not installed: run `npm test` (it installs Debian packages) or `apt-get install redis-server`',
    );
  }
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = await spawnRedis(port, []);
  };
  await start();
  return {
    port,
    start,
    async stop() {
      const c = child;
      if (c === null || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const killer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      child = null;
    },
  };
}

export interface RunningRedisCluster {
  /** The masters' ports (each with its bus on port + 10000). */
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/** A port free for the server and for its cluster bus (port + 10000), both on loopback. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (taken.has(port)) continue;
    if ((await free(port)) && (await free(port + 10000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

/** A Redis Cluster of `masters` nodes (no replicas), slots assigned, state ok. */
export async function startRedisCluster(dir: string, masters = 3): Promise<RunningRedisCluster> {
  if (!redisInstalled()) throw new Error('redis-server is not installed: run `npm test`');
  const taken = new Set<number>();
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const killer = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      ports.push(port);
      children.push(
        await spawnRedis(
          port,
          [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '2000',
          ],
          dir,
        ),
      );
    }
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create:\n${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const info = spawnSync('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'], {
        encoding: 'utf8',
      });
      if (info.stdout.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) throw new Error(`the cluster did not come up:\n${info.stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { ports, stop };
}

export interface RunningSentinel {
  /** The sentinel's port; the master it watches is named `sipctx`. */
  readonly port: number;
  readonly masterName: string;
  stop(): Promise<void>;
}

/** A Sentinel watching `master` (a running redis-server) under the name `sipctx`. */
export async function startSentinel(dir: string, master: RunningRedis): Promise<RunningSentinel> {
  const port = await freePort();
  const conf = join(dir, `sentinel-${port}.conf`);
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `sentinel monitor sipctx 127.0.0.1 ${master.port} 1`,
      'sentinel down-after-milliseconds sipctx 2000',
      '',
    ].join('\n'),
  );
  const c = spawn('redis-server', [conf, '--sentinel'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sentinel did not start:\n${out}`)), 10_000);
    c.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (out.includes('+monitor master sipctx')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    port,
    masterName: 'sipctx',
    async stop() {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
  };
}
