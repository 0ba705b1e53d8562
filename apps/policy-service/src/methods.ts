import { recordDecision, recordEvaluationError, type SipctxMetrics } from '@sipctx/metrics';
import { evaluateMessage, kamailioDecision, loadPolicy, type CompiledPolicy } from '@sipctx/policy';
import jayson from 'jayson';

/**
 * The method table, the same for the netstring transport (Kamailio) and HTTP (tools, agents):
 * - `policy.evaluate {msg, src, port, proto, in_dialog?}` → the flat decision kamailio.cfg reads;
 * - `policy.check {text}` → `{ok, name?, issues}`, without touching the policy in force;
 * - `health.check` → `{status, policy}`.
 * Bad params are JSON-RPC -32602 with `data.code` (`RPC_BAD_PARAMS`, or the engine's `POLICY_…`).
 */

export interface PolicyHolder {
  readonly current: CompiledPolicy;
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
  return null;
}

export function createMethods(policy: PolicyHolder, metrics: SipctxMetrics): jayson.Server {
  const timed =
    (method: string, run: (params: unknown, cb: Callback) => void) =>
    (params: unknown, cb: Callback) => {
      const end = metrics.rpcDuration.startTimer({ method });
      run(params, (error, result) => {
        end();
        metrics.rpcRequests.inc({ method, outcome: error === null ? 'ok' : 'error' });
        cb(error, result);
      });
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
      };
      const started = process.hrtime.bigint();
      const r = evaluateMessage(
        {
          message: p.msg,
          source: { address: p.src, port: p.port, transport: p.proto.toLowerCase() as 'udp' },
          ...(p.in_dialog === undefined ? {} : { inDialog: p.in_dialog }),
        },
        null,
        policy.current,
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (!r.ok) {
        recordEvaluationError(metrics, r.error, seconds);
        return cb(badParams(r.error.message, r.error.code));
      }
      recordDecision(metrics, r.value, seconds);
      cb(null, kamailioDecision(r.value.wire));
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
