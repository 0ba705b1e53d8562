/**
 * Store failures, coded. The service counts them (`sipctx_store_errors_total{operation}`) and goes
 * on without stored context: a store problem never fails a call.
 */
export type StoreErrorCode =
  /** A Call-ID or set name that is empty, too long, or not text. */
  | 'STORE_BAD_KEY'
  /** The in-memory store holds its maximum number of live calls. */
  | 'STORE_FULL'
  /** The backing store (Redis) did not answer. */
  | 'STORE_UNAVAILABLE';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
