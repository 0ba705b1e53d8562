import type {
  CallFacts,
  ContextStore,
  DroppedItem,
  StateValue,
  StoredContext,
} from '@sipctx/policy';
import { StoreError } from './errors.ts';

/**
 * The embedded store: one process's calls in a Map. It is the default for a single service
 * instance (`npm start`); several instances share Redis instead (issue 6). Same contract as the
 * Redis store (see testing/contract.ts): merge is atomic because Node runs it in one turn.
 *
 * Memory is bounded: at most `maxCalls` contexts and `maxDropped` dropped items per call (the
 * newest kept, the count of the others recorded), expired contexts swept every `sweepMs`.
 */

export interface MemoryStoreOptions {
  readonly maxCalls?: number;
  readonly maxDropped?: number;
  readonly sweepMs?: number;
  /** The clock, in milliseconds (tests move it). */
  readonly now?: () => number;
}

export interface MemoryStore extends ContextStore {
  /** Live (unexpired) contexts. */
  size(): number;
  /** Stops the sweep timer. */
  close(): void;
}

interface Entry {
  variables: Record<string, string>;
  state: Record<string, StateValue>;
  flow: string | null | undefined;
  dropped: DroppedItem[];
  droppedOverflow: number;
  call: CallFacts | undefined;
  updatedAt: number;
  endedAt: number | undefined;
  expiresAt: number;
}

/** Call-IDs are at most this long (RFC 3261 sets no limit; real ones are under 100 bytes). */
export const MAX_KEY_LENGTH = 1024;

export function checkKey(kind: string, key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new StoreError(
      'STORE_BAD_KEY',
      `${kind} must be text of 1 to ${MAX_KEY_LENGTH} characters`,
    );
  }
  return key;
}

function assignOwn<V>(target: Record<string, V>, patch: Readonly<Record<string, V>> | undefined) {
  if (patch === undefined) return;
  for (const key of Object.keys(patch)) {
    // defineProperty: a "__proto__" variable stays an own property instead of a prototype swap.
    Object.defineProperty(target, key, {
      value: patch[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

function snapshot(e: Entry): StoredContext {
  const dropped =
    e.droppedOverflow === 0
      ? [...e.dropped]
      : [
          {
            header: '*',
            value: null,
            sent: null,
            bytes: 0,
            budget: 'context' as const,
            reason: `${e.droppedOverflow} older dropped items not kept by the store`,
            rule: null,
          },
          ...e.dropped,
        ];
  return {
    variables: { ...e.variables },
    state: { ...e.state },
    ...(e.flow === undefined ? {} : { flow: e.flow }),
    dropped,
    ...(e.call === undefined ? {} : { call: { ...e.call } }),
    updated_at: new Date(e.updatedAt).toISOString(),
    ...(e.endedAt === undefined ? {} : { ended_at: new Date(e.endedAt).toISOString() }),
  };
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxCalls = options.maxCalls ?? 200_000;
  const maxDropped = options.maxDropped ?? 256;
  const now = options.now ?? Date.now;
  const calls = new Map<string, Entry>();
  const sets = new Map<string, Set<string>>();

  const live = (callId: string): Entry | undefined => {
    const e = calls.get(callId);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now()) {
      calls.delete(callId);
      return undefined;
    }
    return e;
  };
  const sweep = () => {
    const t = now();
    for (const [id, e] of calls) if (e.expiresAt <= t) calls.delete(id);
  };
  const timer = setInterval(sweep, options.sweepMs ?? 1000);
  timer.unref();

  return {
    async get(callId) {
      const e = live(checkKey('Call-ID', callId));
      return e === undefined ? null : snapshot(e);
    },
    async merge(callId, patch, ttlSeconds) {
      checkKey('Call-ID', callId);
      let e = live(callId);
      if (e === undefined) {
        if (calls.size >= maxCalls) sweep();
        if (calls.size >= maxCalls) {
          throw new StoreError('STORE_FULL', `the memory store holds ${maxCalls} calls`);
        }
        e = {
          variables: Object.create(null) as Record<string, string>,
          state: Object.create(null) as Record<string, StateValue>,
          flow: undefined,
          dropped: [],
          droppedOverflow: 0,
          call: undefined,
          updatedAt: now(),
          endedAt: undefined,
          expiresAt: 0,
        };
        calls.set(callId, e);
      }
      assignOwn(e.variables, patch.variables);
      assignOwn(e.state, patch.state);
      if (patch.flow !== undefined) e.flow = patch.flow;
      if (patch.call !== undefined) e.call = { ...patch.call };
      if (patch.dropped !== undefined && patch.dropped.length > 0) {
        e.dropped.push(...patch.dropped);
        const over = e.dropped.length - maxDropped;
        if (over > 0) {
          e.dropped.splice(0, over);
          e.droppedOverflow += over;
        }
      }
      e.updatedAt = now();
      // An ended call keeps its (shorter) grace expiry; a late request does not revive it.
      if (e.endedAt === undefined) e.expiresAt = e.updatedAt + ttlSeconds * 1000;
    },
    async end(callId, graceSeconds) {
      const e = live(checkKey('Call-ID', callId));
      if (e === undefined || e.endedAt !== undefined) return;
      e.endedAt = now();
      e.expiresAt = Math.min(e.expiresAt, e.endedAt + graceSeconds * 1000);
      if (graceSeconds === 0) calls.delete(callId);
    },
    async membersOf(set, values) {
      const members = sets.get(checkKey('set name', set));
      const found = new Set<string>();
      if (members !== undefined) for (const v of values) if (members.has(v)) found.add(v);
      return found;
    },
    async addMembers(set, values) {
      checkKey('set name', set);
      let members = sets.get(set);
      if (members === undefined) sets.set(set, (members = new Set()));
      for (const v of values) members.add(v);
    },
    async removeMembers(set, values) {
      const members = sets.get(checkKey('set name', set));
      if (members === undefined) return;
      for (const v of values) members.delete(v);
      if (members.size === 0) sets.delete(set);
    },
    size() {
      sweep();
      return calls.size;
    },
    close() {
      clearInterval(timer);
    },
  };
}
