import type { Decision, PolicyError } from '@sipctx/policy';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric sipctx exports, in one registry per process (never prom-client's global one, so
 * tests and several services in one process do not collide). Conventions (STYLE.md §10): one
 * prefix, `_total` counters, `_seconds` histograms, and only low-cardinality labels: a method, an
 * outcome, an edit op, a budget name, a policy's rule or trunk name, an error code. Never a number,
 * a Call-ID or a header value. Rule and trunk names come from the policy, so they are bounded by
 * it; as a guard against a policy with thousands of rules, values past `maxLabelValues` per label
 * are counted as `other`.
 */

export const METRIC_PREFIX = 'sipctx_';

/** Seconds: the engine takes tens of microseconds, an RPC round trip up to the 200 ms timeout. */
export const LATENCY_BUCKETS = [
  0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
];

export interface MetricsOptions {
  /** Also export prom-client's process metrics (CPU, memory, event loop lag); default true. */
  readonly defaultMetrics?: boolean;
  /** Distinct values kept per label before `other`; default 200. */
  readonly maxLabelValues?: number;
}

export interface SipctxMetrics {
  readonly registry: Registry;
  readonly rpcRequests: Counter<'method' | 'outcome'>;
  readonly rpcDuration: Histogram<'method'>;
  readonly evaluations: Counter<'action'>;
  readonly evaluationDuration: Histogram;
  readonly headerEdits: Counter<'op' | 'rule'>;
  readonly budgetDrops: Counter<'budget'>;
  readonly trustStrips: Counter<'trunk'>;
  readonly evaluationErrors: Counter<'code'>;
  readonly storeErrors: Counter<'operation'>;
  readonly policyReloads: Counter<'outcome'>;
  readonly policyInfo: Gauge<'name'>;
  /** A label value, or `other` once the label has `maxLabelValues` distinct values. */
  bounded(label: string, value: string): string;
}

export function createMetrics(options: MetricsOptions = {}): SipctxMetrics {
  const registry = new Registry();
  const registers = [registry];
  const p = METRIC_PREFIX;
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });
  const seen = new Map<string, Set<string>>();
  const max = options.maxLabelValues ?? 200;
  return {
    registry,
    rpcRequests: new Counter({
      name: `${p}rpc_requests_total`,
      help: 'JSON-RPC requests answered, by method and outcome (ok, invalid_params, error…)',
      labelNames: ['method', 'outcome'] as const,
      registers,
    }),
    rpcDuration: new Histogram({
      name: `${p}rpc_duration_seconds`,
      help: 'Time from a JSON-RPC request read to its answer written, by method',
      labelNames: ['method'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    evaluations: new Counter({
      name: `${p}evaluations_total`,
      help: 'Policy evaluations, by action (relay, reject, error)',
      labelNames: ['action'] as const,
      registers,
    }),
    evaluationDuration: new Histogram({
      name: `${p}evaluation_duration_seconds`,
      help: 'Time the policy engine took per evaluation',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    headerEdits: new Counter({
      name: `${p}header_edits_total`,
      help: 'Header edits made by decisions, by op and by the rule or stage that made them',
      labelNames: ['op', 'rule'] as const,
      registers,
    }),
    budgetDrops: new Counter({
      name: `${p}budget_drops_total`,
      help: 'Headers, parameters or entries a size budget dropped or shortened, by budget',
      labelNames: ['budget'] as const,
      registers,
    }),
    trustStrips: new Counter({
      name: `${p}trust_strips_total`,
      help: 'Headers stripped or renamed because of trust, by source trunk (unknown when none)',
      labelNames: ['trunk'] as const,
      registers,
    }),
    evaluationErrors: new Counter({
      name: `${p}evaluation_errors_total`,
      help: 'Requests the engine refused (a message that does not parse…), by error code',
      labelNames: ['code'] as const,
      registers,
    }),
    storeErrors: new Counter({
      name: `${p}store_errors_total`,
      help: 'Call-context store operations that failed, by operation',
      labelNames: ['operation'] as const,
      registers,
    }),
    policyReloads: new Counter({
      name: `${p}policy_reloads_total`,
      help: 'Policy reloads, by outcome (ok, or invalid: the old policy was kept)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    policyInfo: new Gauge({
      name: `${p}policy_info`,
      help: 'The policy in force: 1, labelled with its name',
      labelNames: ['name'] as const,
      registers,
    }),
    bounded(label, value) {
      let values = seen.get(label);
      if (values === undefined) seen.set(label, (values = new Set()));
      if (values.has(value)) return value;
      if (values.size >= max) return 'other';
      values.add(value);
      return value;
    },
  };
}

interface Incrementable {
  inc(value?: number): void;
}

const children = new WeakMap<object, Map<string, Incrementable>>();

/**
 * `counter.inc(labels)` hashes its labels on every call (sorting their keys); on the hot path the
 * labelled child is looked up once by a plain key and kept. Counters are never reset, so a kept
 * child stays the one the registry reports.
 */
export function incLabelled<T extends string>(
  counter: Counter<T>,
  labels: Partial<Record<T, string>>,
): void {
  let byKey = children.get(counter);
  if (byKey === undefined) children.set(counter, (byKey = new Map()));
  let key = '';
  for (const k in labels) key += `${k}=${labels[k] ?? ''}\u0000`;
  let child = byKey.get(key);
  if (child === undefined) byKey.set(key, (child = counter.labels(labels)));
  child.inc();
}

/** Counts what one decision did: its action, edits, budget drops and trust strips. */
export function recordDecision(m: SipctxMetrics, decision: Decision, seconds: number): void {
  incLabelled(m.evaluations, { action: decision.action });
  m.evaluationDuration.observe(seconds);
  const trunk = m.bounded('trunk', decision.context.trunk ?? 'unknown');
  for (const e of decision.edits) {
    incLabelled(m.headerEdits, { op: e.op, rule: m.bounded('rule', e.rule) });
    if (e.rule === 'trust' && (e.op === 'strip' || e.op === 'rename')) {
      incLabelled(m.trustStrips, { trunk });
    }
  }
  for (const d of decision.dropped) incLabelled(m.budgetDrops, { budget: d.budget });
}

/** Counts a request the engine refused. */
export function recordEvaluationError(m: SipctxMetrics, error: PolicyError, seconds: number): void {
  m.evaluations.inc({ action: 'error' });
  m.evaluationDuration.observe(seconds);
  m.evaluationErrors.inc({ code: error.code });
}
