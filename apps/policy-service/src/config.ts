/**
 * The service's configuration, from environment variables (a systemd unit's `Environment=`, or a
 * shell). Every problem is listed at once, as for policy files. Listeners default to loopback.
 */

export interface Listen {
  readonly host: string;
  readonly port: number;
}

export interface ServiceConfig {
  /** The policy file, reloaded on SIGHUP. */
  readonly policyFile: string;
  /** Netstring JSON-RPC for Kamailio's janssonrpcc. */
  readonly rpc: Listen;
  /** HTTP: JSON-RPC at /rpc, /metrics, /healthz, /readyz. */
  readonly http: Listen;
  readonly maxFrameBytes: number;
  /** Call context in the store: its TTL, and how long it stays readable after BYE/CANCEL. */
  readonly context: { readonly ttlSeconds: number; readonly graceSeconds: number };
}

export const CONFIG_ENV = {
  policyFile: 'SIPCTX_POLICY',
  rpc: 'SIPCTX_RPC_LISTEN',
  http: 'SIPCTX_HTTP_LISTEN',
  maxFrameBytes: 'SIPCTX_MAX_FRAME_BYTES',
} as const;

function listen(text: string, name: string, problems: string[]): Listen {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port > 65535) {
    problems.push(`${name}: "${text}" is not host:port (e.g. 127.0.0.1:8090, [::1]:8090)`);
    return { host: '127.0.0.1', port: 0 };
  }
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}

export function readConfig(
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; config: ServiceConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const policyFile = env[CONFIG_ENV.policyFile] ?? '';
  if (policyFile === '') problems.push(`${CONFIG_ENV.policyFile}: the policy file is required`);
  const rpc = listen(env[CONFIG_ENV.rpc] ?? '127.0.0.1:8090', CONFIG_ENV.rpc, problems);
  const http = listen(env[CONFIG_ENV.http] ?? '127.0.0.1:8091', CONFIG_ENV.http, problems);
  const frameText = env[CONFIG_ENV.maxFrameBytes] ?? '1048576';
  const maxFrameBytes = Number(frameText);
  if (!/^\d+$/.test(frameText) || maxFrameBytes < 4096) {
    problems.push(
      `${CONFIG_ENV.maxFrameBytes}: "${frameText}" is not a byte count of at least 4096`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      policyFile,
      rpc,
      http,
      maxFrameBytes,
      context: { ttlSeconds: 3600, graceSeconds: 30 },
    },
  };
}
