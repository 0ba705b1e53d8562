import type { StoredContext } from './model.ts';

/**
 * What the policy service needs from a call-context store. The engine itself never calls it (it
 * is pure): the service reads a call's context and the store-backed set members a policy names
 * before evaluating, and writes the decision's context after. `libs/store` implements it in memory
 * (the embedded default) and on Redis, and runs one contract test suite against both.
 *
 * Every method is one round trip; `merge` is atomic in the store (never read-then-write from Node).
 */
export interface ContextStore {
  /** The call's context, or null when there is none (never stored, expired, or ended). */
  get(callId: string): Promise<StoredContext | null>;
  /**
   * Merges `patch` into the call's context atomically: variables and state key by key, `flow`
   * replaced when given, `dropped` appended. Creates the context when absent and (re)sets its TTL.
   */
  merge(callId: string, patch: StoredContext, ttlSeconds: number): Promise<void>;
  /** Ends a call: its context stays readable for `graceSeconds`, then goes. */
  end(callId: string, graceSeconds: number): Promise<void>;
  /** Members of a named set (a VIP list…) among `values`, in one round trip. */
  membersOf(set: string, values: readonly string[]): Promise<ReadonlySet<string>>;
  addMembers(set: string, values: readonly string[]): Promise<void>;
  removeMembers(set: string, values: readonly string[]): Promise<void>;
}
