import type { ContextStore, DroppedItem, StoredContext } from '@sipctx/policy';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { StoreError } from './errors.ts';
import { checkKey } from './memory.ts';

/**
 * The shared store: call contexts in Redis (ioredis), for several service instances. Same
 * contract as the memory store (testing/contract.ts). Every operation is one round trip: `merge`
 * and `end` are Lua scripts, so a read-modify-write never happens from Node. A context is one JSON
 * string under `<prefix>ctx:<Call-ID>` with a millisecond TTL; sets are Redis sets under
 * `<prefix>set:<name>`. Every operation touches one key, so a Redis Cluster routes each by its
 * slot (`cluster` option, or a `Cluster` client of the caller's).
 *
 * The service must keep answering when Redis is down: commands fail at once instead of queueing
 * (`enableOfflineQueue: false`), time out after `commandTimeoutMs`, and come back by themselves
 * when ioredis reconnects. Every failure is `StoreError('STORE_UNAVAILABLE')`.
 */

export interface RedisStoreOptions {
  /** An ioredis client to use (its options are the caller's), or connection options. */
  readonly client?: Redis | Cluster;
  /** A Redis Cluster: its seed nodes (the client finds the rest and routes by key slot). */
  readonly cluster?: readonly { readonly host: string; readonly port: number }[];
  /** `redis://[user:password@]host:port/db` (or `rediss://` for TLS). */
  readonly url?: string;
  readonly connection?: RedisOptions;
  /** Every key starts with it (default `sipctx:`). */
  readonly prefix?: string;
  readonly maxDropped?: number;
  readonly commandTimeoutMs?: number;
  /** The clock for `updated_at` / `ended_at`, in milliseconds. */
  readonly now?: () => number;
}

export interface RedisStore extends ContextStore {
  readonly client: Redis | Cluster;
  /**
   * Whether the first connection is up within `timeoutMs`. Commands fail until it is (nothing is
   * queued); a service starts anyway and runs degraded until Redis answers.
   */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

// KEYS[1] the context; ARGV: patch JSON, TTL ms, now (ISO), the dropped items kept at most.
const MERGE = `
local cur = redis.call('GET', KEYS[1])
local ctx
if cur then ctx = cjson.decode(cur) else ctx = { variables = {}, state = {}, dropped = {}, overflow = 0 } end
local p = cjson.decode(ARGV[1])
if type(p.variables) == 'table' then for k, v in pairs(p.variables) do ctx.variables[k] = v end end
if type(p.state) == 'table' then for k, v in pairs(p.state) do ctx.state[k] = v end end
if p.flow ~= nil then ctx.flow = p.flow end
if p.call ~= nil then ctx.call = p.call end
if type(ctx.dropped) ~= 'table' then ctx.dropped = {} end
if type(p.dropped) == 'table' then
  for _, d in ipairs(p.dropped) do ctx.dropped[#ctx.dropped + 1] = d end
end
local over = #ctx.dropped - tonumber(ARGV[4])
if over > 0 then
  local kept = {}
  for i = over + 1, #ctx.dropped do kept[#kept + 1] = ctx.dropped[i] end
  ctx.dropped = kept
  ctx.overflow = (ctx.overflow or 0) + over
end
ctx.updated_at = ARGV[3]
if ctx.ended_at ~= nil then
  redis.call('SET', KEYS[1], cjson.encode(ctx), 'KEEPTTL')
else
  redis.call('SET', KEYS[1], cjson.encode(ctx), 'PX', ARGV[2])
end
return 1
`;

// KEYS[1] the context; ARGV: grace ms, now (ISO). An ended call keeps the shorter expiry.
const END = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local ctx = cjson.decode(cur)
if ctx.ended_at ~= nil then return 0 end
local grace = tonumber(ARGV[1])
if grace == 0 then redis.call('DEL', KEYS[1]) return 1 end
ctx.ended_at = ARGV[2]
local left = redis.call('PTTL', KEYS[1])
if left > 0 and left < grace then grace = left end
redis.call('SET', KEYS[1], cjson.encode(ctx), 'PX', grace)
return 1
`;

interface Stored {
  variables?: Record<string, string>;
  state?: Record<string, string | number | boolean>;
  flow?: string | null;
  dropped?: DroppedItem[] | Record<string, never>;
  overflow?: number;
  call?: StoredContext['call'];
  updated_at?: string;
  ended_at?: string;
}

/** Lua's cjson writes an empty table as `{}`: lists and maps come back as what they are. */
function fromJson(text: string): StoredContext {
  const s = JSON.parse(text) as Stored;
  const dropped = Array.isArray(s.dropped) ? s.dropped : [];
  const overflow = s.overflow ?? 0;
  return {
    variables: s.variables ?? {},
    state: s.state ?? {},
    ...(s.flow === undefined ? {} : { flow: s.flow }),
    dropped:
      overflow === 0
        ? dropped
        : [
            {
              header: '*',
              value: null,
              sent: null,
              bytes: 0,
              budget: 'context',
              reason: `${overflow} older dropped items not kept by the store`,
              rule: null,
            },
            ...dropped,
          ],
    ...(s.call === undefined ? {} : { call: s.call }),
    ...(s.updated_at === undefined ? {} : { updated_at: s.updated_at }),
    ...(s.ended_at === undefined ? {} : { ended_at: s.ended_at }),
  };
}

async function attempt<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new StoreError('STORE_UNAVAILABLE', `redis ${operation}: ${(e as Error).message}`);
  }
}

export function createRedisStore(options: RedisStoreOptions = {}): RedisStore {
  const prefix = options.prefix ?? 'sipctx:';
  const maxDropped = options.maxDropped ?? 256;
  const now = options.now ?? Date.now;
  const defaults: RedisOptions = {
    host: '127.0.0.1',
    port: 6379,
    // Fail at once while disconnected; ioredis reconnects by itself.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 200,
    ...options.connection,
  };
  const client =
    options.client ??
    (options.cluster !== undefined
      ? new Cluster([...options.cluster], {
          enableOfflineQueue: false,
          redisOptions: {
            maxRetriesPerRequest: 1,
            commandTimeout: options.commandTimeoutMs ?? 200,
            ...options.connection,
          },
        })
      : options.url === undefined
        ? new Redis(defaults)
        : new Redis(options.url, defaults));
  // An unhandled 'error' event would crash the process; failures reach callers as StoreError.
  client.on('error', () => undefined);
  // EVALSHA with a fallback to EVAL: the scripts are sent once per connection, not per call.
  client.defineCommand('sipctxMerge', { numberOfKeys: 1, lua: MERGE });
  client.defineCommand('sipctxEnd', { numberOfKeys: 1, lua: END });
  const scripts = client as unknown as {
    sipctxMerge(key: string, ...args: string[]): Promise<number>;
    sipctxEnd(key: string, ...args: string[]): Promise<number>;
  };
  const ctxKey = (callId: string) => `${prefix}ctx:${checkKey('Call-ID', callId)}`;
  const setKey = (name: string) => `${prefix}set:${checkKey('set name', name)}`;
  const iso = () => new Date(now()).toISOString();

  return {
    client,
    ready(timeoutMs) {
      if (client.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          client.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        client.on('ready', onReady);
      });
    },
    async get(callId) {
      const key = ctxKey(callId);
      const text = await attempt('GET', () => client.get(key));
      return text === null ? null : fromJson(text);
    },
    async merge(callId, patch, ttlSeconds) {
      const key = ctxKey(callId);
      const body = JSON.stringify(patch);
      const ttl = String(Math.max(1, Math.round(ttlSeconds * 1000)));
      await attempt('merge', () => scripts.sipctxMerge(key, body, ttl, iso(), String(maxDropped)));
    },
    async end(callId, graceSeconds) {
      const key = ctxKey(callId);
      const grace = String(Math.max(0, Math.round(graceSeconds * 1000)));
      await attempt('end', () => scripts.sipctxEnd(key, grace, iso()));
    },
    async membersOf(set, values) {
      const key = setKey(set);
      if (values.length === 0) return new Set();
      const flags = await attempt('SMISMEMBER', () => client.smismember(key, ...values));
      return new Set(values.filter((_, i) => flags[i] === 1));
    },
    async addMembers(set, values) {
      const key = setKey(set);
      if (values.length > 0) await attempt('SADD', () => client.sadd(key, ...values));
    },
    async removeMembers(set, values) {
      const key = setKey(set);
      if (values.length > 0) await attempt('SREM', () => client.srem(key, ...values));
    },
    async close() {
      client.disconnect();
    },
  };
}
