import { isSafeExtensionName, isToken, normalizeE164 } from '@sipctx/sip-codec';
import { parseCidr, type Cidr } from './cidr.ts';
import { compileCondition, type ConditionProblem, type Matcher } from './conditions.ts';
import type { PolicyIssue } from './errors.ts';
import { formatPath } from './errors.ts';
import { isProxyManaged } from './managed-headers.ts';
import type { DiversionAction, HeaderAction, PolicyDocument, RuleAction, Trunk } from './schema.ts';
import { parseKeyMaterial, type Keyring } from './sealing.ts';
import { compileTemplate, type Template } from './template.ts';

/**
 * From a schema-valid document to the form the engine runs: conditions as closures, templates
 * split into parts, CIDRs parsed, keys decoded, names checked. Every problem of meaning is
 * collected with its path (POLICY_INVALID), so one `sipctx check` run lists them all.
 */

export interface CompiledHeaderAction {
  readonly op: HeaderAction['op'];
  readonly name: string;
  readonly to?: string;
  readonly value?: Template;
  readonly priority: number;
  readonly group?: string;
  readonly onExceed: 'truncate' | 'drop';
  readonly encrypt: boolean;
}

export interface CompiledExport {
  readonly match: readonly string[];
  readonly strip: string;
  readonly headerPrefix: string;
  readonly group?: string;
  readonly priority: number;
}

export interface CompiledDiversion {
  readonly uri: Template;
  readonly displayName?: Template;
  readonly reason: string;
  readonly privacy?: string;
  readonly screen?: string;
  readonly limit?: number;
  readonly params: readonly { readonly name: string; readonly value: Template }[];
}

export interface CompiledAction {
  readonly flow?: string;
  readonly variables: readonly [string, Template][];
  readonly state: readonly [string, Template | number | boolean][];
  readonly headers: readonly CompiledHeaderAction[];
  readonly exports: readonly CompiledExport[];
  readonly diversion?: CompiledDiversion;
  readonly requestUri?: Template;
  readonly destination?: Template;
  readonly trunk?: string;
  readonly transport?: 'udp' | 'tcp' | 'tls';
  readonly reject?: { readonly code: number; readonly reason?: string };
  readonly continue: boolean;
}

export interface CompiledRule {
  readonly name: string;
  readonly when: Matcher;
  readonly then: CompiledAction;
}

export interface CompiledTrunk extends Trunk {
  readonly ranges: readonly Cidr[];
}

export interface CompiledSet {
  readonly members: ReadonlySet<string>;
  readonly store: boolean;
  readonly numbers: boolean;
}

export interface CompiledPolicy {
  readonly doc: PolicyDocument;
  readonly rules: readonly CompiledRule[];
  readonly trunks: readonly CompiledTrunk[];
  readonly sets: ReadonlyMap<string, CompiledSet>;
  readonly keyring: Keyring | null;
  readonly flowRequestUri?: Template;
  /** Lower-cased prefixes. */
  readonly customPrefixes: readonly string[];
  readonly internalPrefixes: readonly string[];
  readonly sealedHeaders: ReadonlySet<string>;
  readonly neverTruncate: (name: string) => boolean;
  normalizeNumber(n: string): string;
}

export interface CompileOptions {
  /** Where `env:NAME` key references are read from; `process.env` is the caller's choice. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Problems = { path: (string | number)[]; message: string }[];

function template(src: string, path: (string | number)[], problems: Problems): Template {
  const t = compileTemplate(src);
  if (typeof t === 'string') {
    problems.push({ path, message: t });
    return { source: src, parts: [], constant: true };
  }
  return t;
}

function checkHeaderName(name: string, path: (string | number)[], problems: Problems): void {
  if (!isToken(name)) problems.push({ path, message: `"${name}" is not a header name (a token)` });
  else if (isProxyManaged(name)) {
    problems.push({ path, message: `${name} is managed by the proxy; a policy cannot edit it` });
  }
}

/** `X-*-Token` style patterns, compared without case. */
function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const res = patterns.map((p) => {
    const body = p
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*');
    return new RegExp(`^${body}$`);
  });
  return (name) => {
    const n = name.toLowerCase();
    return res.some((re) => re.test(n));
  };
}

function compileHeaders(
  actions: readonly HeaderAction[],
  path: (string | number)[],
  problems: Problems,
  groups: ReadonlySet<string> | null,
): CompiledHeaderAction[] {
  return actions.map((h, i) => {
    const p = [...path, i];
    checkHeaderName(h.name, [...p, 'name'], problems);
    if (h.op === 'remove')
      return { op: h.op, name: h.name, priority: 0, onExceed: 'drop', encrypt: false };
    if (h.op === 'rename') {
      checkHeaderName(h.to, [...p, 'to'], problems);
      return { op: h.op, name: h.name, to: h.to, priority: 0, onExceed: 'drop', encrypt: false };
    }
    if (h.group !== undefined && groups !== null && !groups.has(h.group)) {
      problems.push({
        path: [...p, 'group'],
        message: `group "${h.group}" is not in budgets.context.order`,
      });
    }
    return {
      op: h.op,
      name: h.name,
      value: template(h.value, [...p, 'value'], problems),
      priority: h.priority,
      ...(h.group === undefined ? {} : { group: h.group }),
      onExceed: h.on_exceed,
      encrypt: h.encrypt,
    };
  });
}

function compileDiversion(
  d: DiversionAction,
  path: (string | number)[],
  problems: Problems,
): CompiledDiversion {
  for (const [field, value] of [
    ['reason', d.reason],
    ['privacy', d.privacy],
    ['screen', d.screen],
  ] as const) {
    if (value !== undefined && !isToken(value)) {
      problems.push({ path: [...path, field], message: `"${value}" is not a token` });
    }
  }
  if (d.screen !== undefined && !['yes', 'no'].includes(d.screen)) {
    problems.push({ path: [...path, 'screen'], message: 'screen is yes or no (RFC 5806)' });
  }
  const params = Object.entries(d.params).map(([name, value]) => {
    if (!isSafeExtensionName(name)) {
      problems.push({
        path: [...path, 'params', name],
        message: `"${name}": extension names are letters, digits and _ and not a named parameter`,
      });
    }
    return { name, value: template(value, [...path, 'params', name], problems) };
  });
  return {
    uri: template(d.uri, [...path, 'uri'], problems),
    ...(d.display_name === undefined
      ? {}
      : { displayName: template(d.display_name, [...path, 'display_name'], problems) }),
    reason: d.reason,
    ...(d.privacy === undefined ? {} : { privacy: d.privacy }),
    ...(d.screen === undefined ? {} : { screen: d.screen }),
    ...(d.limit === undefined ? {} : { limit: d.limit }),
    params,
  };
}

function compileAction(
  a: RuleAction,
  path: (string | number)[],
  doc: PolicyDocument,
  problems: Problems,
): CompiledAction {
  const groups = doc.budgets.context === undefined ? null : new Set(doc.budgets.context.order);
  if (a.flow !== undefined && doc.flows.names !== undefined && !doc.flows.names.includes(a.flow)) {
    problems.push({ path: [...path, 'flow'], message: `flow "${a.flow}" is not in flows.names` });
  }
  if (a.trunk !== undefined && !doc.trunks.some((t) => t.name === a.trunk)) {
    problems.push({ path: [...path, 'trunk'], message: `no trunk "${a.trunk}"` });
  }
  if (a.reject?.reason !== undefined && !/^[\x20-\x7e\u00a0-\uffff]+$/.test(a.reject.reason)) {
    problems.push({
      path: [...path, 'reject', 'reason'],
      message: 'a reason phrase is text on one line',
    });
  }
  const headers = compileHeaders(a.headers ?? [], [...path, 'headers'], problems, groups);
  if (headers.some((h) => h.encrypt) && doc.keys === undefined) {
    problems.push({ path: [...path, 'headers'], message: 'encrypt needs keys' });
  }
  const exports = (a.export_variables ?? []).map((e, i): CompiledExport => {
    if (!isToken(e.header_prefix)) {
      problems.push({
        path: [...path, 'export_variables', i, 'header_prefix'],
        message: 'not a header name prefix',
      });
    }
    return {
      match: typeof e.match === 'string' ? [e.match] : e.match,
      strip: e.strip,
      headerPrefix: e.header_prefix,
      ...(e.group === undefined ? {} : { group: e.group }),
      priority: e.priority,
    };
  });
  return {
    ...(a.flow === undefined ? {} : { flow: a.flow }),
    variables: Object.entries(a.variables ?? {}).map(([k, v]) => [
      k,
      template(v, [...path, 'variables', k], problems),
    ]),
    state: Object.entries(a.state ?? {}).map(([k, v]) => [
      k,
      typeof v === 'string' ? template(v, [...path, 'state', k], problems) : v,
    ]),
    headers,
    exports,
    ...(a.diversion === undefined
      ? {}
      : { diversion: compileDiversion(a.diversion, [...path, 'diversion'], problems) }),
    ...(a.request_uri === undefined
      ? {}
      : { requestUri: template(a.request_uri, [...path, 'request_uri'], problems) }),
    ...(a.destination === undefined
      ? {}
      : { destination: template(a.destination, [...path, 'destination'], problems) }),
    ...(a.trunk === undefined ? {} : { trunk: a.trunk }),
    ...(a.transport === undefined ? {} : { transport: a.transport }),
    ...(a.reject === undefined ? {} : { reject: a.reject }),
    continue: a.continue,
  };
}

function compileKeys(
  doc: PolicyDocument,
  options: CompileOptions,
  problems: Problems,
): Keyring | null {
  if (doc.keys === undefined) {
    if (doc.context_ref !== undefined)
      problems.push({ path: ['context_ref'], message: 'a signed context reference needs keys' });
    return null;
  }
  const keys = new Map<string, Uint8Array>();
  for (const [id, material] of Object.entries(doc.keys.keys)) {
    const path = ['keys', 'keys', id];
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      problems.push({ path, message: 'key ids are 1-32 of A-Z a-z 0-9 _ -' });
    let text = material;
    if (material.startsWith('env:')) {
      const value = options.env?.[material.slice(4)];
      if (value === undefined || value === '') {
        problems.push({ path, message: `environment variable ${material.slice(4)} is not set` });
        continue;
      }
      text = value;
    }
    const key = parseKeyMaterial(text);
    if (key.ok) keys.set(id, key.value);
    else problems.push({ path, message: key.error.message });
  }
  if (!(doc.keys.active in doc.keys.keys)) {
    problems.push({
      path: ['keys', 'active'],
      message: `no key "${doc.keys.active}" under keys.keys`,
    });
  }
  return { active: doc.keys.active, keys };
}

export function compilePolicy(
  doc: PolicyDocument,
  options: CompileOptions = {},
): { policy: CompiledPolicy; issues: PolicyIssue[] } {
  const problems: Problems = [];
  const numberOptions = {
    ...(doc.numbers.default_country_code === undefined
      ? {}
      : { defaultCountryCode: doc.numbers.default_country_code }),
    internationalPrefix: doc.numbers.international_prefix,
    trunkPrefix: doc.numbers.trunk_prefix,
  };
  const normalizeNumber = (n: string): string => {
    const r = normalizeE164(n, numberOptions);
    return r.ok ? r.value : n;
  };
  const trunkNames = new Set<string>();
  const trunks = doc.trunks.map((t, i): CompiledTrunk => {
    if (trunkNames.has(t.name))
      problems.push({ path: ['trunks', i, 'name'], message: `trunk "${t.name}" is named twice` });
    trunkNames.add(t.name);
    const ranges: Cidr[] = [];
    t.cidrs.forEach((c, j) => {
      const r = parseCidr(c);
      if (r.ok) ranges.push(r.value);
      else problems.push({ path: ['trunks', i, 'cidrs', j], message: r.error.message });
    });
    return { ...t, ranges };
  });
  const sets = new Map<string, CompiledSet>();
  for (const [name, s] of Object.entries(doc.sets)) {
    sets.set(name, {
      members: new Set(s.numbers ? s.members.map(normalizeNumber) : s.members),
      store: s.store,
      numbers: s.numbers,
    });
  }
  const ctx = { sets: new Set(sets.keys()), trunks: trunkNames, normalizeNumber };
  const ruleNames = new Set<string>();
  const rules = doc.rules.map((r, i): CompiledRule => {
    if (ruleNames.has(r.name))
      problems.push({ path: ['rules', i, 'name'], message: `rule "${r.name}" is named twice` });
    ruleNames.add(r.name);
    const condProblems: ConditionProblem[] = [];
    const when = compileCondition(r.when, ['rules', i, 'when'], ctx, condProblems);
    problems.push(...condProblems);
    return { name: r.name, when, then: compileAction(r.then, ['rules', i, 'then'], doc, problems) };
  });
  if (doc.flows.header !== undefined)
    checkHeaderName(doc.flows.header, ['flows', 'header'], problems);
  doc.trust.sealed_headers.forEach((h, i) =>
    checkHeaderName(h, ['trust', 'sealed_headers', i], problems),
  );
  if (doc.trust.sealed_headers.length > 0 && doc.keys === undefined) {
    problems.push({ path: ['trust', 'sealed_headers'], message: 'sealed headers need keys' });
  }
  if (doc.trust.untrusted_custom_headers === 'rename' && !isToken(doc.trust.rename_prefix)) {
    problems.push({ path: ['trust', 'rename_prefix'], message: 'not a header name prefix' });
  }
  if (doc.context_ref !== undefined)
    checkHeaderName(doc.context_ref.header, ['context_ref', 'header'], problems);
  const keyring = compileKeys(doc, options, problems);
  const policy: CompiledPolicy = {
    doc,
    rules,
    trunks,
    sets,
    keyring,
    ...(doc.flows.request_uri === undefined
      ? {}
      : { flowRequestUri: template(doc.flows.request_uri, ['flows', 'request_uri'], problems) }),
    customPrefixes: doc.trust.custom_header_prefixes.map((p) => p.toLowerCase()),
    internalPrefixes: doc.trust.internal_header_prefixes.map((p) => p.toLowerCase()),
    sealedHeaders: new Set(doc.trust.sealed_headers.map((h) => h.toLowerCase())),
    neverTruncate: globMatcher(doc.budgets.never_truncate),
    normalizeNumber,
  };
  const issues = problems.map((p): PolicyIssue => ({
    code: 'POLICY_INVALID',
    path: formatPath(p.path),
    message: p.message,
  }));
  return { policy, issues };
}
