import {
  evaluateMessage,
  kamailioDecision,
  type Decision,
  type StoredContext,
} from '@sipctx/policy';
import { recordDecision, recordEvaluationError } from '@sipctx/metrics';
import { logEvaluation } from './logger.ts';
import type { MethodDeps } from './methods.ts';
import { badParams, type Callback, type StoreFailed } from './rpc-answers.ts';

/**
 * `policy.evaluate`, what Kamailio asks about each request: the stored context for an in-dialog
 * request, the engine, the call's context written (before the answer, so that no instance takes a
 * context with it when it dies), the flat decision back, a metric and a log line with the Call-ID.
 */

const PROTOS = new Set(['udp', 'tcp', 'tls', 'ws', 'wss', 'sctp']);

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

export function isCallId(v: unknown): v is string {
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

/** What the log line says of a decision: never a value, only names and counts. */
function outcomeOf(d: Decision, seconds: number) {
  return {
    outcome: d.action === 'reject' ? ('rejected' as const) : ('ok' as const),
    rules: d.rules,
    flow: d.flow,
    edits: d.edits.length,
    dropped: d.dropped.length,
    ms: seconds * 1000,
  };
}

export function createEvaluate(
  deps: MethodDeps,
  storeFailed: StoreFailed,
): (params: unknown, cb: Callback) => void {
  const { policy, metrics, store, logger } = deps;
  const { ttlSeconds } = deps.context;
  return (params, cb) => {
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
      const line = { callId, method: p.msg.slice(0, Math.max(0, p.msg.indexOf(' '))), inDialog };
      if (!r.ok) {
        recordEvaluationError(metrics, r.error, seconds);
        if (logger !== undefined) {
          const { code, message } = r.error;
          logEvaluation(logger, { ...line, outcome: 'error', code, message, ms: seconds * 1000 });
        }
        return cb(badParams(r.error.message, r.error.code));
      }
      const d = r.value;
      recordDecision(metrics, d, seconds);
      if (logger !== undefined) logEvaluation(logger, { ...line, ...outcomeOf(d, seconds) });
      const answer = () => cb(null, kamailioDecision(d.wire));
      // A rejected INVITE has no call to remember; an in-dialog request of an unknown call
      // creates none. The context is written before the answer goes: an instance that dies
      // after answering must not take the call's context with it (another instance decides
      // the call's next request from the shared store). A store failure still answers.
      const keep = inDialog ? context !== null : d.action === 'relay';
      if (!keep || callId === null) return answer();
      store
        .merge(callId, patchOf(d, !inDialog), ttlSeconds)
        .catch(storeFailed('merge', callId))
        .then(answer, answer);
    });
  };
}
