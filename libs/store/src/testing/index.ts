// For other projects' tests: a real redis-server on a free loopback port, and the store contract.
export {
  redisInstalled,
  startRedis,
  startRedisCluster,
  startSentinel,
  type RunningRedis,
  type RunningRedisCluster,
  type RunningSentinel,
} from './redis-server.ts';
export { contextStoreContract, type StoreHarness } from './contract.ts';
