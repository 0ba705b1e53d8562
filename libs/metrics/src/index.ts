export {
  createMetrics,
  incLabelled,
  LATENCY_BUCKETS,
  METRIC_PREFIX,
  recordDecision,
  recordEvaluationError,
} from './metrics.ts';
export type { MetricsOptions, SipctxMetrics } from './metrics.ts';
