import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts a real Kamailio (Debian's 5.6, installed by `npm test`) for a test, in the foreground
 * (`-DD -E`) so that its PID is ours to stop, with a config written to a temporary directory.
 * Everything listens on 127.0.0.1 on ports the OS said were free.
 */

export interface RunningKamailio {
  readonly pid: number;
  /** What Kamailio wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

export function kamailioInstalled(): boolean {
  return spawnSync('kamailio', ['-v'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Starts Kamailio on `cfg` (its text), with `-A` defines such as `WITH_X` or `NAME=value`. */
export async function startKamailio(
  cfg: string,
  defines: readonly string[] = [],
): Promise<RunningKamailio> {
  if (!kamailioInstalled()) {
    throw new Error(
      'kamailio is not installed: run `npm test` (it installs Debian packages) or ' +
        '`apt-get install kamailio kamailio-json-modules kamailio-extra-modules`',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'sipctx-kamailio-'));
  const file = join(dir, 'kamailio.cfg');
  writeFileSync(file, cfg);
  const a = defines.flatMap((d) => ['-A', d]);
  const check = spawnSync('kamailio', ['-c', '-f', file, ...a], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio -c refused the config:\n${check.stderr}`);
  const child = spawn('kamailio', ['-f', file, '-DD', '-E', '-m', '64', '-M', '8', ...a], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid ?? -1,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killed);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Retries `probe` every 100 ms until it returns true or `ms` pass. */
export async function waitFor(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A port free on both TCP and UDP (a SIP endpoint listening on both), tried a few times. */
export async function freePortBoth(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort('tcp');
    const s = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.bind(port, '127.0.0.1', () => r(true));
    });
    await new Promise<void>((r) => s.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no port free on both TCP and UDP');
}
