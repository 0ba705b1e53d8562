import type { ContextStore, DroppedItem } from '@sipctx/policy';
import { describe, expect, it } from 'vitest';

/**
 * The ContextStore contract, one suite for every implementation (memory now, Redis with issue 6).
 * `open` gives a fresh, empty store and a way to let time pass: the memory store moves its clock,
 * Redis really waits.
 */
export interface StoreHarness {
  readonly store: ContextStore;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

const drop = (header: string): DroppedItem => ({
  header,
  value: 'x'.repeat(10),
  sent: null,
  bytes: 10,
  budget: 'header_line',
  reason: 'over 1024 bytes',
  rule: 'r1',
});

const facts = {
  caller_number: '+15551234567',
  callee_number: '+15557654321',
  original_called_number: null,
  redirect_reason: null,
  trunk: 'carrier',
  trusted: true,
};

export function contextStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  const withStore = (run: (h: StoreHarness) => Promise<void>) => async () => {
    const h = await open();
    try {
      await run(h);
    } finally {
      await h.close();
    }
  };

  describe(`${name}: the ContextStore contract`, () => {
    it(
      'has no context for an unknown call',
      withStore(async ({ store }) => {
        expect(await store.get('nobody@example.com')).toBeNull();
      }),
    );

    it(
      'creates a context on the first merge and merges variables and state key by key',
      withStore(async ({ store }) => {
        await store.merge('c1', { variables: { a: '1', b: '2' }, state: { tier: 'vip' } }, 60);
        await store.merge('c1', { variables: { b: '3', c: '4' }, state: { n: 2, ok: true } }, 60);
        const got = await store.get('c1');
        expect(got?.variables).toEqual({ a: '1', b: '3', c: '4' });
        expect(got?.state).toEqual({ tier: 'vip', n: 2, ok: true });
        expect(typeof got?.updated_at).toBe('string');
        expect(got?.ended_at).toBeUndefined();
      }),
    );

    it(
      'replaces the flow and the call facts only when given, and appends dropped items',
      withStore(async ({ store }) => {
        await store.merge('c2', { flow: 'vip', call: facts, dropped: [drop('X-A')] }, 60);
        await store.merge('c2', { variables: { k: 'v' }, dropped: [drop('X-B')] }, 60);
        let got = await store.get('c2');
        expect(got?.flow).toBe('vip');
        expect(got?.call).toEqual(facts);
        expect(got?.dropped?.map((d) => d.header)).toEqual(['X-A', 'X-B']);
        await store.merge('c2', { flow: null }, 60);
        got = await store.get('c2');
        expect(got?.flow).toBeNull();
      }),
    );

    it(
      'keeps calls apart',
      withStore(async ({ store }) => {
        await store.merge('c3', { variables: { who: 'three' } }, 60);
        await store.merge('c4', { variables: { who: 'four' } }, 60);
        expect((await store.get('c3'))?.variables).toEqual({ who: 'three' });
        expect((await store.get('c4'))?.variables).toEqual({ who: 'four' });
      }),
    );

    it(
      'keeps a "__proto__" variable as data, never as a prototype',
      withStore(async ({ store }) => {
        const variables = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<
          string,
          string
        >;
        await store.merge('c5', { variables }, 60);
        const got = await store.get('c5');
        expect(Object.keys(got?.variables ?? {}).sort()).toEqual(['__proto__', 'constructor']);
        expect(Object.getPrototypeOf(got?.variables)).not.toBe('x');
        expect(({} as Record<string, unknown>)['x']).toBeUndefined();
      }),
    );

    it(
      'expires a context after its TTL, and a merge renews the TTL',
      withStore(async ({ store, advance }) => {
        await store.merge('c6', { variables: { a: '1' } }, 1);
        await store.merge('c7', { variables: { a: '1' } }, 1);
        await advance(600);
        await store.merge('c7', { variables: { b: '2' } }, 1);
        await advance(600);
        expect(await store.get('c6')).toBeNull();
        expect((await store.get('c7'))?.variables).toEqual({ a: '1', b: '2' });
      }),
    );

    it(
      'ends a call: readable during the grace period, marked ended, then gone',
      withStore(async ({ store, advance }) => {
        await store.merge('c8', { variables: { a: '1' } }, 60);
        await store.end('c8', 1);
        const ended = await store.get('c8');
        expect(ended?.variables).toEqual({ a: '1' });
        expect(typeof ended?.ended_at).toBe('string');
        // A late request (a retransmitted BYE's neighbour) does not revive an ended call.
        await store.merge('c8', { variables: { b: '2' } }, 60);
        await advance(1200);
        expect(await store.get('c8')).toBeNull();
      }),
    );

    it(
      'ends an unknown call without creating it',
      withStore(async ({ store }) => {
        await store.end('never-seen', 30);
        expect(await store.get('never-seen')).toBeNull();
      }),
    );

    it(
      'answers set membership for many values in one call',
      withStore(async ({ store }) => {
        await store.addMembers('vip', ['+1555', '+1666', '+1777']);
        await store.removeMembers('vip', ['+1666']);
        const found = await store.membersOf('vip', ['+1555', '+1666', '+1888']);
        expect([...found].sort()).toEqual(['+1555']);
        expect((await store.membersOf('empty', ['+1555'])).size).toBe(0);
      }),
    );

    it(
      'refuses empty and oversized keys with STORE_BAD_KEY',
      withStore(async ({ store }) => {
        await expect(store.get('')).rejects.toMatchObject({ code: 'STORE_BAD_KEY' });
        await expect(store.merge('x'.repeat(1025), {}, 60)).rejects.toMatchObject({
          code: 'STORE_BAD_KEY',
        });
        await expect(store.membersOf('', ['a'])).rejects.toMatchObject({ code: 'STORE_BAD_KEY' });
      }),
    );
  });
}
