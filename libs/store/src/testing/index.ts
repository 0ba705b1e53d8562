// For other projects' tests: a real redis-server on a free loopback port, and the store contract.
export {
  redisInstalled,
  startRedis,
  startRedisCluster,
  type RunningRedis,
  type RunningRedisCluster,
} from './redis-server.ts';
export { contextStoreContract, type StoreHarness } from './contract.ts';
