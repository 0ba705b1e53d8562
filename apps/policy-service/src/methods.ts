import { incLabelled, type SipctxMetrics } from '@sipctx/metrics';
import { loadPolicy, type CompiledPolicy, type ContextStore } from '@sipctx/policy';
import jayson from 'jayson';
import type { Logger } from 'pino';
import { createEvaluate, isCallId } from './evaluate-method.ts';
import { badParams, type Callback, type StoreFailed } from './rpc-answers.ts';

/**
 * The method table, the same for the netstring transport (Kamailio) and HTTP (tools, agents):
 * - `policy.evaluate {msg, src, port, proto, in_dialog?, call_id?}` → the flat decision
 *   kamailio.cfg reads. An in-dialog request is evaluated with the call's stored context; the
 *   decision's context is written back before the answer is sent;
 * - `context.get {call_id}` → the stored context (-32001 `CONTEXT_NOT_FOUND` when there is none);
 * - `context.end {call_id}` → BYE/CANCEL: the context stays readable for the grace period;
 * - `policy.check {text}` → `{ok, name?, issues}`, without touching the policy in force;
 * - `health.check` → `{status, policy}`.
 * Bad params are JSON-RPC -32602 with `data.code` (`RPC_BAD_PARAMS`, or the engine's `POLICY_…`).
 * A store failure is counted and the request goes on without stored context: it never fails a call.
 */

export interface PolicyHolder {
  readonly current: CompiledPolicy;
}

export interface MethodDeps {
  readonly policy: PolicyHolder;
  readonly metrics: SipctxMetrics;
  readonly store: ContextStore;
  readonly context: { readonly ttlSeconds: number; readonly graceSeconds: number };
  /** Evaluations and store failures, with the Call-ID; nothing is logged without one. */
  readonly logger?: Logger;
}

function callIdParam(p: unknown): string | null {
  const id = (p as { call_id?: unknown } | null)?.call_id;
  return isCallId(id) ? id : null;
}

export function createMethods(deps: MethodDeps): jayson.Server {
  const { policy, metrics, store } = deps;
  const { graceSeconds } = deps.context;
  const { logger } = deps;
  const storeFailed: StoreFailed =
    (operation, callId = null) =>
    (e) => {
      metrics.storeErrors.inc({ operation });
      logger?.warn(
        {
          event: 'store_error',
          operation,
          call_id: callId,
          code: (e as { code?: string } | undefined)?.code ?? 'STORE_UNAVAILABLE',
          err: e instanceof Error ? e : undefined,
        },
        'store_error',
      );
      return null;
    };
  /** A failed store operation, counted and logged, as the JSON-RPC error a tool gets back. */
  const storeAnswer = (operation: string, callId: string, e: unknown) => {
    storeFailed(operation, callId)(e);
    return {
      code: -32002,
      message: `the store failed: ${(e as Error).message}`,
      data: { code: (e as { code?: string }).code ?? 'STORE_UNAVAILABLE' },
    };
  };
  const timed = (method: string, run: (params: unknown, cb: Callback) => void) => {
    // The labelled child, looked up once: labels are hashed on every call otherwise.
    const duration = metrics.rpcDuration.labels({ method });
    return (params: unknown, cb: Callback) => {
      const started = process.hrtime.bigint();
      run(params, (error, result) => {
        duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
        incLabelled(metrics.rpcRequests, { method, outcome: error === null ? 'ok' : 'error' });
        cb(error, result);
      });
    };
  };
  return new jayson.Server({
    'policy.evaluate': timed('policy.evaluate', createEvaluate(deps, storeFailed)),
    'context.get': timed('context.get', (params, cb) => {
      const callId = callIdParam(params);
      if (callId === null) return cb(badParams('call_id must be the Call-ID'));
      void store.get(callId).then(
        (context) =>
          context === null
            ? cb({
                code: -32001,
                message: 'no context for this Call-ID',
                data: { code: 'CONTEXT_NOT_FOUND' },
              })
            : cb(null, { call_id: callId, ...context }),
        (e: unknown) => cb(storeAnswer('get', callId, e)),
      );
    }),
    'context.end': timed('context.end', (params, cb) => {
      const callId = callIdParam(params);
      if (callId === null) return cb(badParams('call_id must be the Call-ID'));
      void store.end(callId, graceSeconds).then(
        () => cb(null, { call_id: callId, grace_seconds: graceSeconds }),
        (e: unknown) => cb(storeAnswer('end', callId, e)),
      );
    }),
    'policy.check': timed('policy.check', (params, cb) => {
      const text = (params as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') return cb(badParams('text must be the policy file text'));
      const r = loadPolicy(text);
      cb(
        null,
        r.ok
          ? { ok: true, name: r.value.doc.name, issues: [] }
          : { ok: false, issues: r.error.issues ?? [] },
      );
    }),
    'health.check': timed('health.check', (_params, cb) => {
      cb(null, { status: 'ok', policy: policy.current.doc.name });
    }),
  });
}
