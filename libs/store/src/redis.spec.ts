import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from './redis.ts';
import { contextStoreContract } from './testing/contract.ts';
import { startRedis, type RunningRedis } from './testing/redis-server.ts';

/** The Redis store against a real redis-server: the same contract as the memory store. */

let redis: RunningRedis;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  await redis?.stop();
});

// Each store gets its own prefix: the contract's calls never meet another test's.
async function open(extra: Parameters<typeof createRedisStore>[0] = {}): Promise<RedisStore> {
  const store = createRedisStore({
    connection: { port: redis.port },
    prefix: `t${n++}:`,
    ...extra,
  });
  expect(await store.ready(5000)).toBe(true);
  return store;
}

contextStoreContract('redis', async () => {
  const store = await open();
  return {
    store,
    // Redis keeps real time: let it pass.
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => store.close(),
  };
});

describe('redis store', () => {
  it('keeps everything under its prefix, one JSON value per call with a TTL', async () => {
    const store = await open({ prefix: 'layout:' });
    await store.merge('c1', { variables: { a: '1' } }, 60);
    await store.addMembers('vip', ['+1555']);
    expect((await store.client.keys('layout:*')).sort()).toEqual([
      'layout:ctx:c1',
      'layout:set:vip',
    ]);
    const ttl = await store.client.pttl('layout:ctx:c1');
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.close();
  });

  it('keeps the newest dropped items and says how many older ones went, as the memory store', async () => {
    const store = await open({ maxDropped: 2 });
    const item = (h: string) => ({
      header: h,
      value: null,
      sent: null,
      bytes: 1,
      budget: 'message' as const,
      reason: 'r',
      rule: null,
    });
    await store.merge('d', { dropped: [item('X-1'), item('X-2'), item('X-3')] }, 60);
    const got = await store.get('d');
    expect(got?.dropped?.map((d) => d.header)).toEqual(['*', 'X-2', 'X-3']);
    await store.close();
  });

  it('merges atomically: concurrent merges from several clients lose no key', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => open({ prefix: 'race:' })));
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (stores[i % 3] as RedisStore).merge('race', { variables: { [`k${i}`]: String(i) } }, 60),
      ),
    );
    const got = await (stores[0] as RedisStore).get('race');
    expect(Object.keys(got?.variables ?? {})).toHaveLength(60);
    for (const s of stores) await s.close();
  });

  it('Redis down: every operation fails fast with STORE_UNAVAILABLE; back up, it works again by itself', async () => {
    const store = await open({ prefix: 'outage:', commandTimeoutMs: 200 });
    await store.merge('o1', { variables: { a: '1' } }, 60);
    await redis.stop();
    const started = Date.now();
    await expect(store.get('o1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.merge('o2', {}, 60)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.end('o1', 5)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.membersOf('vip', ['a'])).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    await redis.start();
    // ioredis reconnects on its own; no data survives (no persistence), but the store answers.
    const deadline = Date.now() + 15_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      try {
        await store.merge('o3', { variables: { b: '2' } }, 60);
        back = true;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(back).toBe(true);
    expect((await store.get('o3'))?.variables).toEqual({ b: '2' });
    await store.close();
  }, 30_000);

  it('ready() says false when no Redis answers in time', async () => {
    const store = createRedisStore({ connection: { port: 1 }, prefix: 'none:' });
    expect(await store.ready(300)).toBe(false);
    await expect(store.get('x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });

  it('reads a context written by another version with fields missing', async () => {
    const store = await open({ prefix: 'old:' });
    await store.client.set('old:ctx:bare', '{"dropped":{}}');
    expect(await store.get('bare')).toEqual({ variables: {}, state: {}, dropped: [] });
    await store.close();
  });

  it('takes an empty list of values without asking Redis, and a client of the caller', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis({ port: redis.port, lazyConnect: false });
    const store = createRedisStore({ client, prefix: 'own:' });
    expect(await store.ready(5000)).toBe(true);
    expect(await store.ready(5000)).toBe(true);
    await store.addMembers('s', []);
    await store.removeMembers('s', []);
    expect((await store.membersOf('s', [])).size).toBe(0);
    expect(await client.exists('own:set:s')).toBe(0);
    await store.merge('g', {}, 0.0001);
    expect(await client.pttl('own:ctx:g')).toBeLessThanOrEqual(1);
    await store.close();
  });
});
