import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from './redis.ts';
import { contextStoreContract } from './testing/contract.ts';
import {
  startRedis,
  startSentinel,
  type RunningRedis,
  type RunningSentinel,
} from './testing/redis-server.ts';

/** The Redis store through Sentinel (ioredis asks the sentinel for the master): the same contract. */

let dir: string;
let master: RunningRedis;
let sentinel: RunningSentinel;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipctx-sentinel-'));
  master = await startRedis();
  sentinel = await startSentinel(dir, master);
}, 30_000);

afterAll(async () => {
  await sentinel?.stop();
  await master?.stop();
  rmSync(dir, { recursive: true, force: true });
});

contextStoreContract('redis via sentinel', async () => {
  const store = createRedisStore({
    connection: {
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      name: sentinel.masterName,
    },
    prefix: `s${n++}:`,
  });
  expect(await store.ready(10_000)).toBe(true);
  return {
    store,
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    close: () => store.close(),
  };
});

describe('redis store via sentinel', () => {
  it('writes to the master the sentinel names', async () => {
    const store = createRedisStore({
      connection: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'sipctx' },
      prefix: 'where:',
    });
    expect(await store.ready(10_000)).toBe(true);
    await store.merge('m1', { variables: { a: '1' } }, 60);
    const { Redis } = await import('ioredis');
    const direct = new Redis({ port: master.port });
    expect(await direct.exists('where:ctx:m1')).toBe(1);
    direct.disconnect();
    await store.close();
  });
});
