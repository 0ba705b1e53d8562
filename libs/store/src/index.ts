export { StoreError, type StoreErrorCode } from './errors.ts';
export {
  createMemoryStore,
  MAX_KEY_LENGTH,
  type MemoryStore,
  type MemoryStoreOptions,
} from './memory.ts';
export { createRedisStore, type RedisStore, type RedisStoreOptions } from './redis.ts';
export type { ContextStore } from '@sipctx/policy';
