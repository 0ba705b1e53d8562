import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory.ts';
import { contextStoreContract } from './testing/contract.ts';

function clock() {
  let t = Date.parse('2026-11-25T10:00:00Z');
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

contextStoreContract('memory', async () => {
  const c = clock();
  const store = createMemoryStore({ now: c.now });
  return {
    store,
    advance: async (ms) => c.advance(ms),
    close: async () => store.close(),
  };
});

describe('memory store bounds', () => {
  it('refuses a new call with STORE_FULL when full, and makes room once calls expire', async () => {
    const c = clock();
    const store = createMemoryStore({ maxCalls: 2, now: c.now });
    await store.merge('a', {}, 1);
    await store.merge('b', {}, 10);
    await expect(store.merge('c', {}, 10)).rejects.toMatchObject({ code: 'STORE_FULL' });
    // A call already in the store can still be updated when full.
    await store.merge('b', { variables: { k: 'v' } }, 10);
    c.advance(1500);
    await store.merge('c', {}, 10);
    expect(store.size()).toBe(2);
    store.close();
  });

  it('keeps the newest dropped items and says how many older ones it let go', async () => {
    const store = createMemoryStore({ maxDropped: 3 });
    const item = (n: number) => ({
      header: `X-${n}`,
      value: null,
      sent: null,
      bytes: n,
      budget: 'message' as const,
      reason: 'r',
      rule: null,
    });
    await store.merge('d', { dropped: [item(1), item(2)] }, 60);
    await store.merge('d', { dropped: [item(3), item(4), item(5)] }, 60);
    const got = await store.get('d');
    expect(got?.dropped?.map((d) => d.header)).toEqual(['*', 'X-3', 'X-4', 'X-5']);
    expect(got?.dropped?.[0]?.reason).toBe('2 older dropped items not kept by the store');
    store.close();
  });

  it('sweeps expired calls on its timer', async () => {
    const store = createMemoryStore({ sweepMs: 10 });
    await store.merge('short', {}, 0.001);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.size()).toBe(0);
    store.close();
  });

  it('ending with no grace removes the call at once', async () => {
    const store = createMemoryStore();
    await store.merge('e', { variables: { a: '1' } }, 60);
    await store.end('e', 0);
    expect(await store.get('e')).toBeNull();
    store.close();
  });

  it('hands out copies: changing what get returned does not change the store', async () => {
    const store = createMemoryStore();
    await store.merge('f', { variables: { a: '1' } }, 60);
    const got = await store.get('f');
    (got?.variables as Record<string, string>)['a'] = 'changed';
    expect((await store.get('f'))?.variables).toEqual({ a: '1' });
    store.close();
  });
});
