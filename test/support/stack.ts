import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, until } from './wait.ts';

/**
 * The product's processes for e2e tests and the benchmark, each started here and stopped by its
 * PID: the built sipctx-policy-service, Kamailio on kamailio/kamailio.cfg, and sipp. Everything
 * listens on 127.0.0.1, on ports the OS said were free.
 */

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited (at once when it already has). */
  exited(): Promise<void>;
  /** SIGTERM (or `signal`), SIGKILL after 5 s; resolves when it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnProc(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Bounded: a long benchmark run must not grow memory without end.
  const keep = (d: Buffer) => {
    output += d.toString('utf8');
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited: () => done,
    async stop(signal = 'SIGTERM') {
      if (!running()) return;
      child.kill(signal);
      const killer = setTimeout(() => running() && child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(killer);
    },
  };
}

export interface StackPorts {
  readonly sip: number;
  readonly rpc: number;
  readonly http: number;
  readonly admin: number;
  readonly adminUdp: number;
}

export async function stackPorts(): Promise<StackPorts> {
  return {
    sip: await freePort(),
    rpc: await freePort(),
    http: await freePort(),
    admin: await freePort(),
    adminUdp: await freePort(),
  };
}

/** The built service on `policy`; resolves once its /readyz says ready. */
export async function startPolicyService(
  ports: StackPorts,
  policy: string,
  env: Record<string, string> = {},
): Promise<Proc> {
  const service = spawnProc(
    process.execPath,
    [
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the service's time goes
      ...(process.env['SIPCTX_SERVICE_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== ''),
      join(ROOT, 'apps/policy-service/bin/sipctx-policy-service.js'),
    ],
    {
      env: {
        SIPCTX_POLICY: policy,
        SIPCTX_RPC_LISTEN: `127.0.0.1:${ports.rpc}`,
        SIPCTX_HTTP_LISTEN: `127.0.0.1:${ports.http}`,
        ...env,
      },
    },
  );
  const ready = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${ports.http}/readyz`)).status === 200;
    } catch {
      return false;
    }
  };
  const up = await until(async () => service.child.exitCode !== null || (await ready()), 20_000);
  if (!up || service.child.exitCode !== null) {
    await service.stop();
    throw new Error(`the policy service did not start:\n${service.output()}`);
  }
  return service;
}

/**
 * Kamailio on `cfg` (kamailio/kamailio.cfg by default) with the stack's ports as -A overrides and
 * `defines`; resolves once janssonrpcc connected to the service (unless `connected` is false).
 */
export async function startKamailioProc(
  ports: StackPorts,
  options: {
    defines?: readonly string[];
    cfg?: string;
    shmMb?: number;
    connected?: boolean;
  } = {},
): Promise<Proc> {
  const defines = [
    `SIPCTX_LISTEN=udp:127.0.0.1:${ports.sip}`,
    `SIPCTX_LISTEN_TCP=tcp:127.0.0.1:${ports.sip}`,
    `SIPCTX_RPC_SERVER="conn=policy;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
    `SIPCTX_RPC_NOTIFY="conn=notify;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
    `SIPCTX_ADMIN_PORT=${ports.admin}`,
    `SIPCTX_ADMIN_RPC_UDP="udp:127.0.0.1:${ports.adminUdp}"`,
    ...(options.defines ?? []),
  ];
  const kamailio = spawnProc('kamailio', [
    '-f',
    options.cfg ?? join(ROOT, 'kamailio/kamailio.cfg'),
    '-DD',
    '-E',
    '-m',
    String(options.shmMb ?? 64),
    '-M',
    '8',
    ...defines.flatMap((d) => ['-A', d]),
  ]);
  const ready = () =>
    options.connected === false
      ? kamailio.output().includes('init_tcp()') || kamailio.output().includes('Listening on')
      : // Both groups, policy and notify, connected to the service.
        kamailio.output().split('Connected to host').length - 1 >= 2;
  const up = await until(() => ready() || kamailio.child.exitCode !== null, 20_000);
  if (!up || kamailio.child.exitCode !== null) {
    await kamailio.stop();
    throw new Error(`kamailio did not start:\n${kamailio.output()}`);
  }
  return kamailio;
}

/** sipp as the agent platform (a UAS scenario), recording what it receives when `trace` names a file. */
export function startSippUas(options: {
  scenario: string;
  port: number;
  trace?: string;
  extra?: readonly string[];
}): Proc {
  return spawnProc('sipp', [
    '-sf',
    options.scenario,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.port),
    '-nostdin',
    ...(options.trace === undefined ? [] : ['-trace_msg', '-message_file', options.trace]),
    ...(options.extra ?? []),
  ]);
}

export interface SippResult {
  readonly status: number | null;
  readonly output: string;
  /** From sipp's final screen: calls that succeeded and failed. */
  readonly successful: number;
  readonly failed: number;
}

/** Runs a sipp UAC to completion (bounded by `-timeout` and a kill after `killAfterMs`). */
export async function runSippUac(options: {
  scenario: string;
  /** The Request-URI host:port (the agent side); requests go to `proxy` with -rsa. */
  target: string;
  proxy: string;
  service?: string;
  localIp?: string;
  calls?: number;
  rate?: number;
  keys?: Readonly<Record<string, string>>;
  extra?: readonly string[];
  timeoutS?: number;
}): Promise<SippResult> {
  const timeout = options.timeoutS ?? 30;
  const uac = spawnProc('sipp', [
    options.target,
    '-rsa',
    options.proxy,
    '-sf',
    options.scenario,
    '-s',
    options.service ?? '+15557654321',
    '-i',
    options.localIp ?? '127.0.0.1',
    '-p',
    String(await freePort()),
    '-m',
    String(options.calls ?? 1),
    '-r',
    String(options.rate ?? 10),
    '-nostdin',
    '-timeout',
    `${timeout}s`,
    ...Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
    ...(options.extra ?? []),
  ]);
  // sipp prints its screens when interrupted: SIGINT first, SIGKILL 5 s later.
  const killer = setTimeout(() => void uac.stop('SIGINT'), (timeout + 15) * 1000);
  await uac.exited();
  clearTimeout(killer);
  const out = uac.output();
  const count = (label: string) => {
    const m = new RegExp(`${label}\\s+\\|\\s+(\\d+)\\s+\\|\\s+(\\d+)`).exec(out);
    return m === null ? -1 : Number(m[2]);
  };
  return {
    status: uac.child.exitCode,
    output: out,
    successful: count('Successful call'),
    failed: count('Failed call'),
  };
}

/** The messages of a sipp -trace_msg file, each as text with LF line ends. */
export function tracedMessages(trace: string): string[] {
  const text = trace.replace(/\r/g, '');
  const out: string[] = [];
  const re = /^(INVITE|ACK|BYE|REFER|UPDATE|CANCEL|OPTIONS) [^\n]+ SIP\/2\.0\n[\s\S]*?\n\n/gm;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

/** A header's values in a traced message, in order. */
export function headerValues(message: string, name: string): string[] {
  const lines = message.split('\n');
  const prefix = `${name.toLowerCase()}:`;
  return lines
    .filter((l) => l.toLowerCase().startsWith(prefix))
    .map((l) => l.slice(prefix.length).trim());
}

/** A redis-server on `port` (loopback, no persistence); resolves once it accepts connections. */
export async function startRedisProc(port: number): Promise<Proc> {
  const redis = spawnProc('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const up = await until(
    () => redis.output().includes('Ready to accept connections') || redis.child.exitCode !== null,
    10_000,
  );
  if (!up || redis.child.exitCode !== null) {
    await redis.stop();
    throw new Error(`redis-server did not start:\n${redis.output()}`);
  }
  return redis;
}
