import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type YAMLMap } from 'yaml';

/**
 * The service's configuration: an optional file named by `SIPCTX_CONFIG` (YAML, or JSON, which YAML
 * reads), then environment variables (a systemd unit's `Environment=`, or a shell), which win over
 * the file. Every problem is listed at once, as for policy files; a problem in the file names its
 * line and column. Listeners default to loopback.
 */

export interface Listen {
  readonly host: string;
  readonly port: number;
}

export interface ServiceConfig {
  /** The policy file, reloaded on SIGHUP and, when `watchPolicy`, on change. */
  readonly policyFile: string;
  /** Netstring JSON-RPC for Kamailio's janssonrpcc. */
  readonly rpc: Listen;
  /** HTTP: JSON-RPC at /rpc, /metrics, /healthz, /readyz. */
  readonly http: Listen;
  readonly maxFrameBytes: number;
  /** A pino level: fatal, error, warn, info, debug, trace or silent. */
  readonly logLevel: string;
  /** Reload the policy when its file changes, as well as on SIGHUP. */
  readonly watchPolicy: boolean;
  /** Call context in the store: its TTL, and how long it stays readable after BYE/CANCEL. */
  readonly context: { readonly ttlSeconds: number; readonly graceSeconds: number };
  /** Where call contexts live: this process's memory, or a Redis several instances share. */
  readonly store?: StoreConfig;
}

export type StoreConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'redis'; readonly url: string; readonly prefix: string }
  | {
      readonly kind: 'redis-sentinel';
      readonly sentinels: readonly Listen[];
      readonly master: string;
      readonly prefix: string;
    }
  | { readonly kind: 'redis-cluster'; readonly nodes: readonly Listen[]; readonly prefix: string };

export const CONFIG_ENV = {
  configFile: 'SIPCTX_CONFIG',
  policyFile: 'SIPCTX_POLICY',
  rpc: 'SIPCTX_RPC_LISTEN',
  http: 'SIPCTX_HTTP_LISTEN',
  maxFrameBytes: 'SIPCTX_MAX_FRAME_BYTES',
  logLevel: 'SIPCTX_LOG_LEVEL',
  watchPolicy: 'SIPCTX_WATCH_POLICY',
  ttlSeconds: 'SIPCTX_CONTEXT_TTL_SECONDS',
  graceSeconds: 'SIPCTX_CONTEXT_GRACE_SECONDS',
  redisUrl: 'SIPCTX_REDIS_URL',
  redisSentinels: 'SIPCTX_REDIS_SENTINELS',
  redisMaster: 'SIPCTX_REDIS_MASTER',
  redisCluster: 'SIPCTX_REDIS_CLUSTER',
  redisPrefix: 'SIPCTX_REDIS_PREFIX',
} as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Readonly<Record<string, string | undefined>>;
export type ReadText = (path: string) => string;
type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; expected: string };

/** A value from the file, with where it was written, for the problem message. */
interface FileValue {
  readonly label: string;
  readonly value: unknown;
}

/** The file's whole vocabulary: its top-level keys, and the keys under `context`. */
const FILE_KEYS = [
  'policy',
  'rpc_listen',
  'http_listen',
  'max_frame_bytes',
  'log_level',
  'watch_policy',
  'context',
  'redis_url',
  'redis_sentinels',
  'redis_master',
  'redis_cluster',
  'redis_prefix',
];
const CONTEXT_KEYS = ['ttl_seconds', 'grace_seconds'];

function readConfigFile(
  file: string,
  readText: ReadText,
  problems: string[],
): Map<string, FileValue> {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    problems.push(`${CONFIG_ENV.configFile}: cannot read ${file}: ${(e as Error).message}`);
    return new Map();
  }
  const lines = new LineCounter();
  // prettyErrors off: the message stays one line and the position is ours to format.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${at(e.pos[0])}: ${e.message}`);
    return new Map();
  }
  const values = new Map<string, FileValue>();
  if (doc.contents === null) return values;
  if (!isMap(doc.contents)) {
    problems.push(`${at(doc.contents.range[0])}: the configuration must be a mapping of keys`);
    return values;
  }
  const where = { at, toJS: (node: unknown) => (isNode(node) ? node.toJS(doc) : null) };
  collect(doc.contents, '', FILE_KEYS, where, values, problems);
  const policy = values.get('policy');
  // A relative policy path means "beside this file", not "wherever the service was started".
  if (policy !== undefined && typeof policy.value === 'string' && policy.value !== '') {
    values.set('policy', { ...policy, value: resolve(dirname(file), policy.value) });
  }
  return values;
}

function collect(
  map: YAMLMap,
  prefix: string,
  known: readonly string[],
  where: { at(offset: number): string; toJS(node: unknown): unknown },
  values: Map<string, FileValue>,
  problems: string[],
): void {
  for (const pair of map.items) {
    const keyNode = isNode(pair.key) ? pair.key : null;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(pair.key);
    const label = `${where.at(keyNode?.range?.[0] ?? 0)}: ${prefix}${key}`;
    if (!known.includes(key)) {
      problems.push(`${label}: unknown key (expected one of ${known.join(', ')})`);
    } else if (prefix === '' && key === 'context') {
      if (isMap(pair.value)) collect(pair.value, 'context.', CONTEXT_KEYS, where, values, problems);
      else problems.push(`${label}: must be a mapping (${CONTEXT_KEYS.join(', ')})`);
    } else {
      values.set(`${prefix}${key}`, { label, value: where.toJS(pair.value) });
    }
  }
}

/** The environment wins over the file; an empty variable counts as unset. */
function setting<T>(
  env: Env,
  envName: string,
  file: ReadonlyMap<string, FileValue>,
  fileKey: string,
  fallback: T,
  check: Check<T>,
  problems: string[],
): T {
  const text = env[envName];
  const source =
    text !== undefined && text !== '' ? { label: envName, value: text } : file.get(fileKey);
  if (source === undefined) return fallback;
  const r = check(source.value);
  if (r.ok) return r.value;
  problems.push(`${source.label}: ${JSON.stringify(source.value)} is not ${r.expected}`);
  return fallback;
}

const hostPort: Check<Listen> = (value) => {
  const m =
    typeof value === 'string' ? /^(\[[0-9a-fA-F:]+\]|[^:[\]]+):(\d{1,5})$/.exec(value) : null;
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port > 65535) {
    return { ok: false, expected: 'host:port (e.g. 127.0.0.1:8090, [::1]:8090)' };
  }
  return { ok: true, value: { host: (m[1] as string).replace(/^\[|\]$/g, ''), port } };
};

/** A whole number from the file, or digits from the environment (or a quoted number in YAML). */
const integerAtLeast =
  (min: number, expected: string): Check<number> =>
  (value) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : NaN;
    return Number.isSafeInteger(n) && n >= min ? { ok: true, value: n } : { ok: false, expected };
  };

const flag: Check<boolean> = (value) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === 'true' || text === '1') return { ok: true, value: true };
  if (text === 'false' || text === '0') return { ok: true, value: false };
  return { ok: false, expected: 'true, false, 1 or 0' };
};

const logLevel: Check<string> = (value) =>
  typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)
    ? { ok: true, value }
    : { ok: false, expected: `a log level (${LOG_LEVELS.join(', ')})` };

const redisUrl: Check<string> = (value) =>
  typeof value === 'string' && /^rediss?:\/\/[^\s]+$/.test(value)
    ? { ok: true, value }
    : { ok: false, expected: 'a redis:// or rediss:// URL (redis://127.0.0.1:6379/0)' };

/** `host:port` items: a YAML list, or one comma-separated string (the environment's form). */
const hostPortList: Check<Listen[]> = (value) => {
  const items =
    typeof value === 'string'
      ? value.split(',').map((v) => v.trim())
      : Array.isArray(value)
        ? value
        : null;
  const out: Listen[] = [];
  for (const item of items ?? []) {
    const r = hostPort(item);
    if (!r.ok)
      return {
        ok: false,
        expected: 'a list of host:port (a comma-separated string from the environment)',
      };
    out.push(r.value);
  }
  return out.length > 0
    ? { ok: true, value: out }
    : {
        ok: false,
        expected: 'a list of host:port (a comma-separated string from the environment)',
      };
};

const masterName: Check<string> = (value) =>
  typeof value === 'string' && /^[\w.-]{1,64}$/.test(value)
    ? { ok: true, value }
    : { ok: false, expected: 'a Sentinel master name (letters, digits, . _ -)' };

const keyPrefix: Check<string> = (value) =>
  typeof value === 'string' && /^[\x21-\x7e]{1,64}$/.test(value)
    ? { ok: true, value }
    : { ok: false, expected: 'a key prefix of 1 to 64 printable characters' };

const path: Check<string> = (value) =>
  typeof value === 'string' && value !== ''
    ? { ok: true, value }
    : { ok: false, expected: 'a file path' };

type Get = <T>(envName: string, fileKey: string, fallback: T, check: Check<T>) => T;

/** The memory store, unless exactly one way to reach Redis is given. */
function readStore(get: Get, problems: string[]): StoreConfig {
  const url = get(CONFIG_ENV.redisUrl, 'redis_url', '', redisUrl);
  const sentinels = get<Listen[]>(CONFIG_ENV.redisSentinels, 'redis_sentinels', [], hostPortList);
  const cluster = get<Listen[]>(CONFIG_ENV.redisCluster, 'redis_cluster', [], hostPortList);
  const master = get(CONFIG_ENV.redisMaster, 'redis_master', '', masterName);
  const prefix = get(CONFIG_ENV.redisPrefix, 'redis_prefix', 'sipctx:', keyPrefix);
  const given = [url !== '', sentinels.length > 0, cluster.length > 0].filter(Boolean).length;
  if (given > 1) {
    problems.push(
      `${CONFIG_ENV.redisUrl}, ${CONFIG_ENV.redisSentinels}, ${CONFIG_ENV.redisCluster}: give one of them`,
    );
  }
  if (sentinels.length > 0 && master === '') {
    problems.push(`${CONFIG_ENV.redisMaster}: the Sentinel master name is required with sentinels`);
  }
  if (url !== '') return { kind: 'redis', url, prefix };
  if (sentinels.length > 0) return { kind: 'redis-sentinel', sentinels, master, prefix };
  if (cluster.length > 0) return { kind: 'redis-cluster', nodes: cluster, prefix };
  return { kind: 'memory' };
}

export function readConfig(
  env: Env,
  readText: ReadText = (p) => readFileSync(p, 'utf8'),
): { ok: true; config: ServiceConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const configFile = env[CONFIG_ENV.configFile] ?? '';
  const file =
    configFile === ''
      ? new Map<string, FileValue>()
      : readConfigFile(configFile, readText, problems);
  const get = <T>(envName: string, fileKey: string, fallback: T, check: Check<T>): T =>
    setting(env, envName, file, fileKey, fallback, check, problems);
  const hasPolicy = (env[CONFIG_ENV.policyFile] ?? '') !== '' || file.has('policy');
  if (!hasPolicy) {
    problems.push(
      `${CONFIG_ENV.policyFile}: the policy file is required (or \`policy\` in ${CONFIG_ENV.configFile})`,
    );
  }
  const policyFile = get(CONFIG_ENV.policyFile, 'policy', '', path);
  const config: ServiceConfig = {
    policyFile,
    rpc: get(CONFIG_ENV.rpc, 'rpc_listen', { host: '127.0.0.1', port: 8090 }, hostPort),
    http: get(CONFIG_ENV.http, 'http_listen', { host: '127.0.0.1', port: 8091 }, hostPort),
    maxFrameBytes: get(
      CONFIG_ENV.maxFrameBytes,
      'max_frame_bytes',
      1048576,
      integerAtLeast(4096, 'a byte count of at least 4096'),
    ),
    logLevel: get(CONFIG_ENV.logLevel, 'log_level', 'info', logLevel),
    watchPolicy: get(CONFIG_ENV.watchPolicy, 'watch_policy', true, flag),
    context: {
      ttlSeconds: get(
        CONFIG_ENV.ttlSeconds,
        'context.ttl_seconds',
        3600,
        integerAtLeast(1, 'a whole number of seconds, at least 1'),
      ),
      graceSeconds: get(
        CONFIG_ENV.graceSeconds,
        'context.grace_seconds',
        30,
        integerAtLeast(0, 'a whole number of seconds'),
      ),
    },
  };
  const store = readStore(get, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: { ...config, store } };
}
