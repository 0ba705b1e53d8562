import { randomBytes } from 'node:crypto';
import { canonicalHeaderName, getParam, parseUri, isSipUri } from '@sipctx/sip-codec';
import { applyAction, type Evaluation } from './actions.ts';
import { applyContextBudget, applyHeaderLineBudget, applyMessageBudget } from './budgets.ts';
import { applyDiversion, applyRedirectHeaders } from './chain.ts';
import { parseIp } from './cidr.ts';
import type { CompiledPolicy, CompiledTrunk } from './compile.ts';
import type { MatchEnv } from './conditions.ts';
import { policyFail, policyOk, type PolicyResult } from './errors.ts';
import type { CallContext, Decision, PolicyRequest, StateValue, StoredContext } from './model.ts';
import { callNumbers, firstAddress, requestUriOf } from './numbers.ts';
import { signContextRef, type RandomBytes } from './sealing.ts';
import {
  renderTemplate,
  type Template,
  type TemplateRoot,
  type TemplateScope,
} from './template.ts';
import { applyEgressTrust, applyIngressTrust, trunkFor } from './trust.ts';
import { headerVariables } from './variables.ts';
import { diffRows, renderWire, requestBytes } from './wire.ts';
import { HeaderWork } from './work.ts';

/**
 * `evaluate(request, context, policy) → Decision`: the engine. Synchronous and total: bad input is
 * a coded error and nothing here throws. The stages, in order:
 * 1. trust: name the source trunk; strip/rename untrusted custom headers; open sealed ones;
 * 2. context: caller/callee numbers, the redirection, variables (stored ones win over headers);
 * 3. rules: `match: first` applies the first matching rule (and the next while `continue` is set),
 *    `match: all` every matching rule, in order; a reject ends the rules;
 * 4. flow header and Request-URI, Diversion chaining, History-Info for the next hop, egress trust;
 * 5. budgets: header line, context, whole message (UDP); a signed context reference when asked;
 * 6. the compact wire form, derived from the final headers.
 */

export interface EvaluateOptions {
  /** The clock for time windows and context-reference expiry. */
  readonly now?: Date;
  /** Random bytes for sealing (IVs); node:crypto's by default. */
  readonly random?: RandomBytes;
  /** Membership in store-backed sets (`sets.<name>.store: true`), prefetched by the caller. */
  readonly inStoreSet?: (set: string, value: string) => boolean;
}

const TRANSPORTS = new Set(['udp', 'tcp', 'tls', 'ws', 'wss', 'sctp']);

function checkRequest(request: PolicyRequest): string | null {
  if (request === null || typeof request !== 'object') return 'the request is not an object';
  const m = request.message as Partial<PolicyRequest['message']> | undefined;
  if (m === undefined || m === null || m.kind !== 'request' || !Array.isArray(m.headers))
    return 'message is not a parsed SIP request';
  const s = request.source as Partial<PolicyRequest['source']> | undefined;
  if (s === undefined || s === null || typeof s.address !== 'string' || parseIp(s.address) === null)
    return 'source.address is not an IP address';
  if (typeof s.port !== 'number' || !Number.isInteger(s.port) || s.port < 0 || s.port > 65535)
    return 'source.port is not a port';
  if (typeof s.transport !== 'string' || !TRANSPORTS.has(s.transport))
    return 'source.transport is not udp, tcp, tls, ws, wss or sctp';
  return null;
}

function hasToTag(work: HeaderWork): boolean {
  const to = firstAddress(work, 'To');
  return to !== null && getParam(to.params, 'tag') !== undefined;
}

function hostTrunk(policy: CompiledPolicy, work: HeaderWork, uri: string): CompiledTrunk | null {
  if (policy.trunks.length === 0) return null;
  const u = requestUriOf(work, uri);
  if (u === null || !isSipUri(u)) return null;
  return trunkFor(policy, u.host.replace(/^\[|\]$/g, ''));
}

function uriTransport(work: HeaderWork, uri: string): 'udp' | 'tcp' | 'tls' | null {
  const u = requestUriOf(work, uri);
  if (u === null || !isSipUri(u)) return null;
  if (u.scheme === 'sips') return 'tls';
  const t = u.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toLowerCase();
  return t === 'tcp' || t === 'tls' || t === 'udp' ? t : null;
}

export function evaluate(
  request: PolicyRequest,
  stored: StoredContext | null,
  policy: CompiledPolicy,
  options: EvaluateOptions = {},
): PolicyResult<Decision> {
  const bad = checkRequest(request);
  if (bad !== null) return policyFail('POLICY_BAD_REQUEST', bad);
  try {
    return run(request, stored ?? {}, policy, options);
  } catch (e) {
    return policyFail(
      'POLICY_INTERNAL',
      `evaluation failed: ${(e as Error)?.message ?? String(e)}`,
    );
  }
}

function run(
  request: PolicyRequest,
  stored: StoredContext,
  policy: CompiledPolicy,
  options: EvaluateOptions,
): PolicyResult<Decision> {
  const msg = request.message;
  const now = options.now ?? new Date();
  const work = new HeaderWork(msg.headers);
  const received = [...work.rows];
  const callId = work.values('Call-ID')[0] ?? '';
  if (callId === '') return policyFail('POLICY_BAD_REQUEST', 'the request has no Call-ID');
  const inDialog = request.inDialog ?? hasToTag(work);
  const trunk = trunkFor(policy, request.source.address);
  const trusted = trunk?.trusted ?? false;

  const opened = applyIngressTrust(work, policy, trusted);
  const numbers = callNumbers(work, msg.requestUri, policy, trusted);
  const variables = trusted ? headerVariables(work, policy) : new Map<string, string>();
  for (const [k, v] of opened) variables.set(k, v);
  for (const [k, v] of Object.entries(stored.variables ?? {})) variables.set(k, v);
  const state = new Map<string, StateValue>(Object.entries(stored.state ?? {}));

  // Closures: they read `ev` (the flow, a new Request-URI) when a template is rendered.
  const scope: TemplateScope = {
    value: (name) => values[name](),
    variable: (name) => variables.get(name) ?? null,
    state: (name) => (state.has(name) ? String(state.get(name)) : null),
    header: (name) => work.values(name)[0] ?? null,
  };
  const values: Record<TemplateRoot, () => string | null> = {
    caller_number: () => numbers.caller,
    callee_number: () => numbers.callee,
    original_called_number: () => numbers.originalCalled,
    redirect_reason: () => numbers.redirectReason,
    call_id: () => callId,
    method: () => msg.method,
    request_uri: () => ev.requestUri ?? msg.requestUri,
    source_address: () => request.source.address,
    trunk: () => trunk?.name ?? null,
    flow: () => ev.flow,
  };
  const ev: Evaluation = {
    policy,
    work,
    inDialog,
    variables,
    state,
    random: options.random ?? ((n) => randomBytes(n)),
    stateChanges: new Map(),
    notes: [],
    flow: stored.flow ?? null,
    diversion: null,
    requestUri: null,
    destination: null,
    trunk: null,
    transport: null,
    reject: null,
    scope,
  };
  const env: MatchEnv = {
    method: msg.method,
    inDialog,
    trunk: trunk?.name ?? null,
    trusted,
    sourceAddress: request.source.address,
    caller: numbers.caller,
    callerAnonymous: numbers.callerAnonymous,
    callee: numbers.callee,
    originalCalled: numbers.originalCalled,
    now,
    header: (name) => work.values(name),
    variable: (name) => variables.get(name) ?? null,
    inSet: (name, value) => {
      const set = policy.sets.get(name);
      if (set === undefined) return false;
      const v = set.numbers ? policy.normalizeNumber(value) : value;
      return set.members.has(v) || (set.store && options.inStoreSet?.(name, v) === true);
    },
  };

  const applied: string[] = [];
  for (const rule of policy.rules) {
    if (!rule.when(env)) continue;
    applyAction(ev, rule.then, rule.name);
    applied.push(rule.name);
    if (ev.reject !== null) break;
    if (policy.doc.match === 'first' && !rule.then.continue) break;
  }
  return finish(request, policy, ev, {
    received,
    applied,
    numbers,
    trunk,
    trusted,
    callId,
    now,
    stored,
  });
}

interface Finish {
  readonly received: HeaderWork['rows'];
  readonly applied: string[];
  readonly numbers: ReturnType<typeof callNumbers>;
  readonly trunk: CompiledTrunk | null;
  readonly trusted: boolean;
  readonly callId: string;
  readonly now: Date;
  readonly stored: StoredContext;
}

function finish(
  request: PolicyRequest,
  policy: CompiledPolicy,
  ev: Evaluation,
  f: Finish,
): PolicyResult<Decision> {
  const { work } = ev;
  const msg = request.message;
  if (ev.reject === null && ev.flow !== null) {
    const header = policy.doc.flows.header;
    const current = header === undefined ? [] : work.values(header);
    if (header !== undefined && (current.length !== 1 || current[0] !== ev.flow)) {
      work.replace(header, ev.flow, 'flow');
    }
    if (policy.flowRequestUri !== undefined && ev.requestUri === null && !ev.inDialog) {
      ev.requestUri = renderFlowUri(ev, policy.flowRequestUri);
    }
  }
  const chain =
    ev.reject === null
      ? applyDiversion(work, policy, ev.diversion)
      : { reject: null, notes: [], chain: [] };
  ev.notes.push(...chain.notes);
  ev.reject ??= chain.reject;
  const egress =
    ev.trunk !== null
      ? (policy.trunks.find((t) => t.name === ev.trunk) ?? null)
      : hostTrunk(policy, work, ev.destination ?? ev.requestUri ?? msg.requestUri);
  const requestUri = ev.requestUri ?? msg.requestUri;
  if (ev.reject === null) {
    applyRedirectHeaders(work, policy, egress, chain.chain, requestUri);
    applyEgressTrust(work, policy, egress?.trusted ?? false);
    applyHeaderLineBudget(work, policy);
    applyContextBudget(work, policy);
    const transport = ev.transport ?? uriTransport(work, ev.destination ?? requestUri) ?? 'udp';
    if (transport === 'udp') {
      const budget = egress?.message_budget;
      const cfg = policy.doc.budgets.message;
      const out = applyMessageBudget(
        work,
        policy,
        () => requestBytes(msg, work.rows, requestUri),
        budget?.on_exceed ?? cfg.on_exceed,
        budget?.max_bytes ?? cfg.max_bytes,
      );
      if (out.note !== null) ev.notes.push(out.note);
      if (out.transport !== null) ev.transport = out.transport;
      ev.reject ??= out.reject;
    }
    addContextRef(ev, policy, f);
  }
  return policyOk(decide(ev, f));
}

function renderFlowUri(ev: Evaluation, t: Template): string | null {
  const out = renderTemplate(t, ev.scope);
  const uri = parseUri(out, { strict: true });
  if (uri.ok) return out;
  ev.notes.push(`flow: request URI "${out}" is not a URI (${uri.error.code})`);
  return null;
}

function addContextRef(ev: Evaluation, policy: CompiledPolicy, f: Finish): void {
  const cfg = policy.doc.context_ref;
  if (cfg === undefined || policy.keyring === null) return;
  if (cfg.when === 'dropped' && ev.work.dropped.length === 0) return;
  const token = signContextRef(
    f.callId,
    Math.floor(f.now.getTime() / 1000) + cfg.ttl_seconds,
    policy.keyring,
  );
  if (token.ok) ev.work.replace(cfg.header, token.value, 'context_ref');
  else ev.notes.push(`context_ref: ${token.error.code}: ${token.error.message}`);
}

function decide(ev: Evaluation, f: Finish): Decision {
  const { work } = ev;
  const variables = toRecord(ev.variables);
  const dropped = [...(f.stored.dropped ?? []), ...work.dropped];
  const context: CallContext = {
    call_id: f.callId,
    sip_headers: work.rows.map((r) => ({
      name: r.original?.canonical ?? canonicalHeaderName(r.name),
      value: r.value,
    })),
    caller_number: f.numbers.caller,
    caller_anonymous: f.numbers.callerAnonymous,
    callee_number: f.numbers.callee,
    privacy: f.numbers.privacy,
    original_called_number: f.numbers.originalCalled,
    redirect_reason: f.numbers.redirectReason,
    trunk: f.trunk?.name ?? null,
    trusted: f.trusted,
    flow: ev.flow,
    variables,
    state: toRecord(ev.state),
    dropped,
  };
  const routing = {
    requestUri: ev.requestUri,
    destination: ev.destination,
    transport: ev.transport,
    trunk: ev.trunk,
  };
  // Built without object spread: it is several times slower than these few assignments.
  const decision: { -readonly [K in keyof Decision]: Decision[K] } = {
    action: 'relay',
    reject: null,
    rules: f.applied,
    flow: ev.flow,
    edits: work.edits,
    variables,
    stateChanges: toRecord(ev.stateChanges),
    routing,
    dropped: work.dropped,
    notes: ev.notes,
    context,
    wire: { remove: [], append: '' },
  };
  if (ev.reject !== null) {
    decision.action = 'reject';
    decision.reject = ev.reject;
    decision.edits = [];
    decision.wire = { remove: [], append: '', reject: ev.reject };
    return decision;
  }
  const routed: { ruri?: string; duri?: string; transport?: 'udp' | 'tcp' | 'tls' } = {};
  if (ev.requestUri !== null) routed.ruri = ev.requestUri;
  if (ev.destination !== null) routed.duri = ev.destination;
  if (ev.transport !== null) routed.transport = ev.transport;
  const wire = renderWire(diffRows(f.received, work.rows), routed);
  if (!wire.ok) throw new Error(wire.error.message);
  decision.wire = wire.value;
  return decision;
}

/**
 * Object.fromEntries is slow on a Map; a plain loop is not. Names come from headers, so
 * `__proto__` is defined as an own property, never assigned (which would set the prototype).
 */
function toRecord<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of map) {
    if (k === '__proto__') {
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[k] = v;
  }
  return out;
}
