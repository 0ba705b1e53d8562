import {
  incLabelled,
  recordDecision,
  recordEvaluationError,
  type SipctxMetrics,
} from '@sipctx/metrics';
import {
  evaluateMessage,
  kamailioDecision,
  loadPolicy,
  type CompiledPolicy,
  type ContextStore,
  type Decision,
  type StoredContext,
} from '@sipctx/policy';
import jayson from 'jayson';
import type { Logger } from 'pino';
import { logEvaluation } from './logger.ts';

/**
 * The method table, the same for the netstring transport (Kamailio) and HTTP (tools, agents):
 * - `policy.evaluate {msg, src, port, proto, in_dialog?, call_id?}` → the flat decision
 *   kamailio.cfg reads. An in-dialog request is evaluated with the call's stored context; the
 *   decision's context is written back after the answer is sent;
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

type Callback = (
  error: { code: number; message: string; data?: unknown } | null,
  result?: unknown,
) => void;

const PROTOS = new Set(['udp', 'tcp', 'tls', 'ws', 'wss', 'sctp']);

function badParams(message: string, code = 'RPC_BAD_PARAMS') {
  return { code: -32602, message, data: { code } };
}

function evaluateParams(p: unknown): string | null {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'params must be an object';
  const o = p as Record<string, unknown>;
  if (typeof o['msg'] !== 'string' || o['msg'] === '') return 'msg must be the SIP message text';
  if (typeof o['src'] !== 'string') return 'src must be the source address';
  if (typeof o['port'] !== 'number' || !Number.isInteger(o['port']))
    return 'port must be an integer';
  if (typeof o['proto'] !== 'string' || !PROTOS.has(o['proto'].toLowerCase())) {
    return 'proto must be udp, tcp, tls, ws, wss or sctp';
  }
  if (o['in_dialog'] !== undefined && typeof o['in_dialog'] !== 'boolean')
    return 'in_dialog must be a boolean';
  if (o['call_id'] !== undefined && !isCallId(o['call_id']))
    return 'call_id must be the Call-ID (1 to 1024 characters)';
  return null;
}

function isCallId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 1024;
}

/** The Call-ID line of a message, for callers that do not send `call_id` (Kamailio sends $ci). */
const CALL_ID_LINE = /\r?\n(?:call-id|i)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?\n/i;

function callIdOf(message: string): string | null {
  const end = message.search(/\r?\n\r?\n/);
  const m = CALL_ID_LINE.exec(end === -1 ? message : message.slice(0, end + 2));
  return m !== null && isCallId(m[1]) ? m[1] : null;
}

/** What the store keeps of a decision: all of it for an initial INVITE, the changes afterwards. */
function patchOf(d: Decision, initial: boolean): StoredContext {
  const c = d.context;
  const patch: { -readonly [K in keyof StoredContext]: StoredContext[K] } = {
    variables: d.variables,
    state: initial ? c.state : d.stateChanges,
    flow: c.flow,
    dropped: d.dropped,
  };
  if (initial) {
    patch.call = {
      caller_number: c.caller_number,
      callee_number: c.callee_number,
      original_called_number: c.original_called_number,
      redirect_reason: c.redirect_reason,
      trunk: c.trunk,
      trusted: c.trusted,
    };
  }
  return patch;
}

function callIdParam(p: unknown): string | null {
  const id = (p as { call_id?: unknown } | null)?.call_id;
  return isCallId(id) ? id : null;
}

export function createMethods(deps: MethodDeps): jayson.Server {
  const { policy, metrics, store } = deps;
  const { ttlSeconds, graceSeconds } = deps.context;
  const { logger } = deps;
  const storeFailed =
    (operation: string, callId: string | null = null) =>
    (e?: unknown) => {
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
    'policy.evaluate': timed('policy.evaluate', (params, cb) => {
      const bad = evaluateParams(params);
      if (bad !== null) return cb(badParams(bad));
      const p = params as {
        msg: string;
        src: string;
        port: number;
        proto: string;
        in_dialog?: boolean;
        call_id?: string;
      };
      const inDialog = p.in_dialog === true;
      const callId = p.call_id ?? callIdOf(p.msg);
      const stored: Promise<StoredContext | null> =
        inDialog && callId !== null
          ? store.get(callId).catch(storeFailed('get', callId))
          : Promise.resolve(null);
      void stored.then((context) => {
        const started = process.hrtime.bigint();
        const r = evaluateMessage(
          {
            message: p.msg,
            source: { address: p.src, port: p.port, transport: p.proto.toLowerCase() as 'udp' },
            ...(p.in_dialog === undefined ? {} : { inDialog: p.in_dialog }),
          },
          context,
          policy.current,
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const sipMethod = p.msg.slice(0, Math.max(0, p.msg.indexOf(' ')));
        if (!r.ok) {
          recordEvaluationError(metrics, r.error, seconds);
          if (logger !== undefined) {
            logEvaluation(logger, {
              callId,
              method: sipMethod,
              inDialog,
              outcome: 'error',
              code: r.error.code,
              message: r.error.message,
              ms: seconds * 1000,
            });
          }
          return cb(badParams(r.error.message, r.error.code));
        }
        recordDecision(metrics, r.value, seconds);
        cb(null, kamailioDecision(r.value.wire));
        if (logger !== undefined) {
          logEvaluation(logger, {
            callId,
            method: sipMethod,
            inDialog,
            outcome: r.value.action === 'reject' ? 'rejected' : 'ok',
            rules: r.value.rules,
            flow: r.value.flow,
            edits: r.value.edits.length,
            dropped: r.value.dropped.length,
            ms: seconds * 1000,
          });
        }
        // Written after the answer: Kamailio does not wait for the store. A rejected INVITE has
        // no call to remember; an in-dialog request of an unknown call creates none.
        const keep = inDialog ? context !== null : r.value.action === 'relay';
        if (keep && callId !== null) {
          store.merge(callId, patchOf(r.value, !inDialog), ttlSeconds).catch(storeFailed('merge'));
        }
      });
    }),
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
