import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from './redis.ts';
import { contextStoreContract } from './testing/contract.ts';
import { startRedisCluster, type RunningRedisCluster } from './testing/redis-server.ts';

/** The Redis store on a real 3-master Redis Cluster: the same contract, keys spread over slots. */

let dir: string;
let cluster: RunningRedisCluster;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipctx-cluster-'));
  cluster = await startRedisCluster(dir, 3);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function open(prefix = `c${n++}:`): Promise<RedisStore> {
  const store = createRedisStore({
    cluster: cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    prefix,
    commandTimeoutMs: 1000,
  });
  expect(await store.ready(10_000)).toBe(true);
  return store;
}

contextStoreContract('redis cluster', async () => {
  const store = await open();
  return {
    store,
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => store.close(),
  };
});

describe('redis store on a cluster', () => {
  it('spreads calls over the masters: every master holds some', async () => {
    const store = await open('spread:');
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.merge(`call-${i}`, { variables: { i: String(i) } }, 60),
      ),
    );
    for (let i = 0; i < 60; i += 7) {
      expect((await store.get(`call-${i}`))?.variables).toEqual({ i: String(i) });
    }
    const { Redis } = await import('ioredis');
    for (const port of cluster.ports) {
      const node = new Redis({ port, lazyConnect: false });
      expect(await node.dbsize()).toBeGreaterThan(0);
      node.disconnect();
    }
    await store.close();
  }, 30_000);
});
