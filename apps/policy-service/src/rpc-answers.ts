/** What every method answers through: jayson's callback, and the JSON-RPC errors they share. */

export type Callback = (
  error: { code: number; message: string; data?: unknown } | null,
  result?: unknown,
) => void;

/** Counts and logs a failed store operation; gives null, for a `.catch` to go on without it. */
export type StoreFailed = (operation: string, callId?: string | null) => (e?: unknown) => null;

/** -32602 with a stable code: `RPC_BAD_PARAMS`, or the engine's `POLICY_…`. */
export function badParams(message: string, code = 'RPC_BAD_PARAMS') {
  return { code: -32602, message, data: { code } };
}
