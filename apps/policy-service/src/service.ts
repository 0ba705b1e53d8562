import { readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { createMetrics, type SipctxMetrics } from '@sipctx/metrics';
import { loadPolicy, type CompiledPolicy, type PolicyIssue } from '@sipctx/policy';
import { createNetstringRpcServer } from '@sipctx/rpc';
import { createMemoryStore, createRedisStore } from '@sipctx/store';
import type { ContextStore } from '@sipctx/policy';
import type { ServiceConfig } from './config.ts';
import { createHttpServer } from './http.ts';
import { createMethods } from './methods.ts';

/**
 * The service: the policy in force, the netstring listener for Kamailio and the HTTP listener.
 * `reload()` reads the policy file again and keeps the old policy when the new one is invalid;
 * `close()` stops accepting, lets requests in flight finish, then closes connections.
 */

export interface RunningService {
  readonly rpcPort: number;
  readonly httpPort: number;
  readonly metrics: SipctxMetrics;
  readonly store: ContextStore;
  policyName(): string;
  reload(): Promise<
    { ok: true; name: string } | { ok: false; issues: readonly PolicyIssue[]; message: string }
  >;
  close(): Promise<void>;
}

async function readPolicy(file: string, env: Readonly<Record<string, string | undefined>>) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return {
      ok: false as const,
      message: `cannot read ${file}: ${(e as Error).message}`,
      issues: [],
    };
  }
  const r = loadPolicy(text, { env });
  return r.ok
    ? { ok: true as const, policy: r.value }
    : { ok: false as const, message: r.error.message, issues: r.error.issues ?? [] };
}

/**
 * The store in `config`: this process's memory, or Redis. A Redis that does not answer within
 * 2 s does not stop the start: the service runs degraded (contexts not kept, counted in
 * `sipctx_store_errors_total`) and picks Redis up when it answers.
 */
async function openStore(
  config: ServiceConfig,
  given: ContextStore | undefined,
  logger: Logger | undefined,
): Promise<{ store: ContextStore; closeStore: () => Promise<void> }> {
  if (given !== undefined) return { store: given, closeStore: async () => undefined };
  const c = config.store;
  if (c !== undefined && c.kind !== 'memory') {
    const redis = createRedisStore(
      c.kind === 'redis'
        ? { url: c.url, prefix: c.prefix }
        : c.kind === 'redis-cluster'
          ? { cluster: c.nodes, prefix: c.prefix }
          : { connection: { sentinels: [...c.sentinels], name: c.master }, prefix: c.prefix },
    );
    const up = await redis.ready(2000);
    logger?.[up ? 'info' : 'warn'](
      { event: 'store', kind: c.kind, prefix: c.prefix, connected: up },
      'store',
    );
    return { store: redis, closeStore: () => redis.close() };
  }
  const memory = createMemoryStore();
  return { store: memory, closeStore: async () => memory.close() };
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

export async function startService(
  config: ServiceConfig,
  env: Readonly<Record<string, string | undefined>> = {},
  options: {
    readonly defaultMetrics?: boolean;
    /** The call-context store; the embedded memory store when not given. */
    readonly store?: ContextStore;
    readonly logger?: Logger;
  } = {},
): Promise<RunningService> {
  const first = await readPolicy(config.policyFile, env);
  if (!first.ok)
    throw new Error(
      `${first.message}${first.issues.map((i) => `\n  ${i.path}: ${i.message}`).join('')}`,
    );
  const holder: { current: CompiledPolicy } = { current: first.policy };
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  metrics.policyInfo.set({ name: metrics.bounded('policy', holder.current.doc.name) }, 1);
  const { store, closeStore } = await openStore(config, options.store, options.logger);
  const methods = createMethods({
    policy: holder,
    metrics,
    store,
    context: config.context,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const sockets = new Set<Socket>();
  const rpc = createNetstringRpcServer(methods, { maxFrameBytes: config.maxFrameBytes });
  rpc.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let ready = false;
  const http = createHttpServer(methods, metrics, () => ready);
  const rpcPort = await listen(rpc, config.rpc.host, config.rpc.port);
  const httpPort = await listen(http, config.http.host, config.http.port);
  ready = true;
  return {
    rpcPort,
    httpPort,
    metrics,
    store,
    policyName: () => holder.current.doc.name,
    async reload() {
      const next = await readPolicy(config.policyFile, env);
      if (!next.ok) {
        metrics.policyReloads.inc({ outcome: 'invalid' });
        return { ok: false, issues: next.issues, message: next.message };
      }
      metrics.policyInfo.reset();
      holder.current = next.policy;
      metrics.policyInfo.set({ name: metrics.bounded('policy', holder.current.doc.name) }, 1);
      metrics.policyReloads.inc({ outcome: 'ok' });
      return { ok: true, name: holder.current.doc.name };
    },
    async close() {
      ready = false;
      const rpcClosed = new Promise((r) => rpc.close(r));
      const httpClosed = new Promise((r) => http.close(r));
      // Kamailio keeps its connection open: give answers in flight a moment, then end it.
      await new Promise((r) => setTimeout(r, 100));
      for (const s of sockets) s.end();
      http.closeIdleConnections();
      await Promise.all([rpcClosed, httpClosed]);
      await closeStore();
    },
  };
}
