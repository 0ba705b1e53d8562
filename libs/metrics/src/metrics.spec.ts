import { evaluateMessage, loadPolicy, type CompiledPolicy } from '@sipctx/policy';
import { describe, expect, it } from 'vitest';
import { createMetrics, incLabelled, recordDecision, recordEvaluationError } from './metrics.ts';

const POLICY = `
version: 1
name: metrics-test
trunks:
  - { name: carrier, cidrs: [203.0.113.0/24], trusted: true }
budgets: { header_line: { max_bytes: 80 } }
rules:
  - name: tag-vip
    when: { caller: { equals: '+15551234567' } }
    then:
      headers:
        - { op: add, name: X-Note, value: 'caller {{ caller_number }} {{ var.pad }}' }
`;

function policy(): CompiledPolicy {
  const r = loadPolicy(POLICY);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const INVITE = [
  'INVITE sip:+15557654321@agents.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK1',
  'From: <sip:+15551234567@carrier.example.net>;tag=1',
  'To: <sip:+15557654321@agents.example.com>',
  'Call-ID: call-1@carrier',
  'CSeq: 1 INVITE',
  'X-Secret-Account: 99887766',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function decide(address: string, pad = '') {
  const r = evaluateMessage(
    { message: INVITE, source: { address, port: 5060, transport: 'udp' } },
    { variables: { pad } },
    policy(),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('createMetrics', () => {
  it('registers every metric under one prefix, in its own registry', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    expect(a.registry).not.toBe(b.registry);
    const names = (await a.registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'sipctx_budget_drops_total',
      'sipctx_evaluation_duration_seconds',
      'sipctx_evaluation_errors_total',
      'sipctx_evaluations_total',
      'sipctx_header_edits_total',
      'sipctx_policy_info',
      'sipctx_policy_reloads_total',
      'sipctx_rpc_duration_seconds',
      'sipctx_rpc_requests_total',
      'sipctx_store_errors_total',
      'sipctx_trust_strips_total',
    ]);
  });

  it('adds the process metrics by default, with the prefix', async () => {
    const m = createMetrics();
    const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
    expect(names).toContain('sipctx_process_cpu_user_seconds_total');
  });
});

describe('recordDecision', () => {
  it('counts actions, edits by op and rule, budget drops and trust strips', async () => {
    const m = createMetrics({ defaultMetrics: false });
    recordDecision(m, decide('203.0.113.5'), 0.00004);
    recordDecision(m, decide('203.0.113.5', 'x'.repeat(100)), 0.00006);
    recordDecision(m, decide('192.0.2.1'), 0.00002);
    const text = await m.registry.metrics();
    expect(text).toContain('sipctx_evaluations_total{action="relay"} 3');
    expect(text).toContain('sipctx_header_edits_total{op="add",rule="tag-vip"} 1');
    expect(text).toContain('sipctx_header_edits_total{op="truncate",rule="tag-vip"} 1');
    expect(text).toContain('sipctx_header_edits_total{op="strip",rule="trust"} 1');
    expect(text).toContain('sipctx_budget_drops_total{budget="header_line"} 1');
    expect(text).toContain('sipctx_trust_strips_total{trunk="unknown"} 1');
    expect(text).toContain('sipctx_evaluation_duration_seconds_count 3');
    // Low-cardinality labels only: no number, Call-ID or header value ever reaches the output.
    for (const secret of ['+1555', '99887766', 'call-1', 'X-Secret', 'caller ']) {
      expect(text).not.toContain(secret);
    }
  });

  it('counts refused requests by code', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const r = evaluateMessage(
      { message: 'garbage', source: { address: '127.0.0.1', port: 5060, transport: 'udp' } },
      null,
      policy(),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) recordEvaluationError(m, r.error, 0.00001);
    const text = await m.registry.metrics();
    expect(text).toContain('sipctx_evaluation_errors_total{code="POLICY_BAD_MESSAGE"} 1');
    expect(text).toContain('sipctx_evaluations_total{action="error"} 1');
  });
});

describe('bounded labels', () => {
  it('keeps the first values of a label, then counts the rest as other', () => {
    const m = createMetrics({ defaultMetrics: false, maxLabelValues: 2 });
    expect(['a', 'b', 'c', 'a', 'd'].map((v) => m.bounded('rule', v))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
    ]);
    expect(m.bounded('trunk', 'c')).toBe('c');
  });
});

describe('incLabelled', () => {
  it('counts by labels like inc(labels), keeping each labelled child apart', async () => {
    const m = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 3; i++)
      incLabelled(m.rpcRequests, { method: 'policy.evaluate', outcome: 'ok' });
    incLabelled(m.rpcRequests, { method: 'policy.evaluate', outcome: 'error' });
    // The same values under other keys are another series, never mixed up by the cache key.
    incLabelled(m.rpcRequests, { method: 'ok', outcome: 'policy.evaluate' });
    m.rpcRequests.inc({ method: 'policy.evaluate', outcome: 'ok' });
    const text = await m.registry.metrics();
    expect(text).toContain('sipctx_rpc_requests_total{method="policy.evaluate",outcome="ok"} 4');
    expect(text).toContain('sipctx_rpc_requests_total{method="policy.evaluate",outcome="error"} 1');
    expect(text).toContain('sipctx_rpc_requests_total{method="ok",outcome="policy.evaluate"} 1');
  });

  it('keeps caches per registry: two metric sets do not share children', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    incLabelled(a.evaluations, { action: 'relay' });
    incLabelled(b.evaluations, { action: 'relay' });
    incLabelled(b.evaluations, { action: 'relay' });
    expect(await a.registry.metrics()).toContain('sipctx_evaluations_total{action="relay"} 1');
    expect(await b.registry.metrics()).toContain('sipctx_evaluations_total{action="relay"} 2');
  });
});
