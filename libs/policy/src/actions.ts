import { buildDiversionEntry, parseUri, type DiversionEntry } from '@sipctx/sip-codec';
import type { CompiledAction, CompiledHeaderAction, CompiledPolicy } from './compile.ts';
import type { StateValue } from './model.ts';
import { sealValue, type RandomBytes } from './sealing.ts';
import { renderTemplate, type TemplateScope } from './template.ts';
import type { HeaderWork } from './work.ts';

/**
 * Applying one matched rule's actions to the evaluation in progress. Order inside a rule is fixed
 * and documented: flow, variables, state, headers, exported variables, Diversion entry, routing,
 * reject. Values are rendered from templates at that moment, so a header can use a variable the
 * same rule set.
 */

export interface Evaluation {
  readonly policy: CompiledPolicy;
  readonly work: HeaderWork;
  readonly scope: TemplateScope;
  readonly inDialog: boolean;
  readonly random: RandomBytes;
  readonly variables: Map<string, string>;
  readonly state: Map<string, StateValue>;
  readonly stateChanges: Map<string, StateValue>;
  readonly notes: string[];
  flow: string | null;
  diversion: { entry: DiversionEntry; rule: string } | null;
  requestUri: string | null;
  destination: string | null;
  trunk: string | null;
  transport: 'udp' | 'tcp' | 'tls' | null;
  reject: { code: number; reason: string } | null;
}

const REASON_PHRASES: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  480: 'Temporarily Unavailable',
  482: 'Loop Detected',
  486: 'Busy Here',
  503: 'Service Unavailable',
  603: 'Decline',
};

function globMatch(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

function headerValue(ev: Evaluation, h: CompiledHeaderAction, rule: string): string | null {
  const value = renderTemplate(h.value ?? { source: '', parts: [], constant: true }, ev.scope);
  if (!h.encrypt || ev.policy.keyring === null) return value;
  const sealed = sealValue(value, ev.policy.keyring, ev.random, h.name.toLowerCase());
  if (sealed.ok) return sealed.value;
  ev.work.refuse(h.name, rule, `${sealed.error.code}: ${sealed.error.message}`);
  return null;
}

function applyHeaders(ev: Evaluation, action: CompiledAction, rule: string): void {
  for (const h of action.headers) {
    if (h.op === 'remove') ev.work.remove(h.name, rule);
    else if (h.op === 'rename') ev.work.rename(h.name, h.to as string, rule);
    else {
      const value = headerValue(ev, h, rule);
      if (value === null) continue;
      const meta = { priority: h.priority, onExceed: h.onExceed, group: h.group };
      if (h.op === 'add') ev.work.add(h.name, value, rule, meta);
      else ev.work.replace(h.name, value, rule, meta);
    }
  }
  for (const e of action.exports) {
    for (const [name, value] of ev.variables) {
      if (!globMatch(e.match, name)) continue;
      const bare = e.strip !== '' && name.startsWith(e.strip) ? name.slice(e.strip.length) : name;
      const meta = { priority: e.priority, group: e.group };
      ev.work.add(e.headerPrefix + bare, value, rule, meta);
    }
  }
}

function applyDiversionAction(ev: Evaluation, action: CompiledAction, rule: string): void {
  const d = action.diversion;
  if (d === undefined) return;
  const entry = buildDiversionEntry({
    uri: renderTemplate(d.uri, ev.scope),
    reason: d.reason,
    ...(d.displayName === undefined
      ? {}
      : { displayName: renderTemplate(d.displayName, ev.scope) }),
    ...(d.privacy === undefined ? {} : { privacy: d.privacy }),
    ...(d.screen === undefined ? {} : { screen: d.screen }),
    ...(d.limit === undefined ? {} : { limit: d.limit }),
    extensions: d.params.map((p) => ({ name: p.name, value: renderTemplate(p.value, ev.scope) })),
  });
  if (entry.ok) ev.diversion = { entry: entry.value, rule };
  else
    ev.work.refuse(
      ev.policy.doc.diversion.header,
      rule,
      `${entry.error.code}: ${entry.error.message}`,
    );
}

function retarget(
  ev: Evaluation,
  field: 'requestUri' | 'destination',
  source: string,
  rule: string,
): void {
  if (ev.inDialog) {
    ev.notes.push(`${rule}: ${field} ignored, an in-dialog request is never retargeted`);
    return;
  }
  const uri = parseUri(source, { strict: true });
  if (!uri.ok || /[\s\0]/.test(source)) {
    ev.notes.push(
      `${rule}: ${field} "${source}" is not a URI (${uri.ok ? 'whitespace' : uri.error.code})`,
    );
    return;
  }
  ev[field] = source;
}

export function applyAction(ev: Evaluation, action: CompiledAction, rule: string): void {
  if (action.flow !== undefined) ev.flow = action.flow;
  for (const [name, t] of action.variables) ev.variables.set(name, renderTemplate(t, ev.scope));
  for (const [name, v] of action.state) {
    const value = typeof v === 'object' ? renderTemplate(v, ev.scope) : v;
    ev.state.set(name, value);
    ev.stateChanges.set(name, value);
  }
  applyHeaders(ev, action, rule);
  applyDiversionAction(ev, action, rule);
  if (action.requestUri !== undefined)
    retarget(ev, 'requestUri', renderTemplate(action.requestUri, ev.scope), rule);
  if (action.destination !== undefined)
    retarget(ev, 'destination', renderTemplate(action.destination, ev.scope), rule);
  if (action.trunk !== undefined) ev.trunk = action.trunk;
  if (action.transport !== undefined) ev.transport = action.transport;
  if (action.reject !== undefined) {
    const code = action.reject.code;
    ev.reject = { code, reason: action.reject.reason ?? REASON_PHRASES[code] ?? 'Rejected' };
  }
}
