/**
 * Templated values in a policy: `sip:{{ callee_number }}@agents.example.com`,
 * `{{ var.customer_id ?? "unknown" }}`, `{{ header.X-Call-Type }}`. A template is compiled once
 * with the policy into literal and reference parts, so evaluation is string concatenation. A
 * reference names a call value (see TEMPLATE_ROOTS), a variable, a state entry or a header; an
 * absent value renders as the fallback, or as "" when there is none.
 */

export const TEMPLATE_ROOTS = [
  'caller_number',
  'callee_number',
  'original_called_number',
  'redirect_reason',
  'call_id',
  'method',
  'request_uri',
  'source_address',
  'trunk',
  'flow',
] as const;

export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

export type TemplateRef =
  | { readonly kind: 'value'; readonly name: TemplateRoot }
  | { readonly kind: 'var' | 'state' | 'header'; readonly name: string };

export type TemplatePart =
  { readonly literal: string } | { readonly ref: TemplateRef; readonly fallback: string };

export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** True when the template has no reference: its value is `source`. */
  readonly constant: boolean;
}

/** What a template reads values from during an evaluation. */
export interface TemplateScope {
  value(name: TemplateRoot): string | null;
  variable(name: string): string | null;
  state(name: string): string | null;
  header(name: string): string | null;
}

const REF = /^([a-z_]+)(?:\.([A-Za-z0-9_.!%*+`'~-]+))?\s*(?:\?\?\s*"((?:[^"\\]|\\.)*)")?$/;

function parseRef(body: string): { ref: TemplateRef; fallback: string } | string {
  const m = REF.exec(body.trim());
  if (m === null)
    return `"{{ ${body.trim()} }}" is not a reference (name, var.x, "?? \\"fallback\\"")`;
  const [, root = '', name, fallback = ''] = m;
  const unescaped = fallback.replace(/\\(.)/g, '$1');
  if (root === 'var' || root === 'state' || root === 'header') {
    if (name === undefined) return `"${root}" needs a name: {{ ${root}.name }}`;
    return { ref: { kind: root, name }, fallback: unescaped };
  }
  if (name !== undefined || !(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
    return `unknown value "${body.trim()}"; known: ${TEMPLATE_ROOTS.join(', ')}, var.*, state.*, header.*`;
  }
  return { ref: { kind: 'value', name: root as TemplateRoot }, fallback: unescaped };
}

/** Compiles a template, or returns a message saying what is wrong with it. */
export function compileTemplate(source: string): Template | string {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open === -1) {
      parts.push({ literal: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ literal: source.slice(i, open) });
    const close = source.indexOf('}}', open + 2);
    if (close === -1) return `unclosed "{{" at ${open}`;
    const ref = parseRef(source.slice(open + 2, close));
    if (typeof ref === 'string') return ref;
    parts.push(ref);
    i = close + 2;
  }
  return { source, parts, constant: parts.every((p) => 'literal' in p) };
}

function lookup(ref: TemplateRef, scope: TemplateScope): string | null {
  switch (ref.kind) {
    case 'value':
      return scope.value(ref.name);
    case 'var':
      return scope.variable(ref.name);
    case 'state':
      return scope.state(ref.name);
    case 'header':
      return scope.header(ref.name);
  }
}

export function renderTemplate(t: Template, scope: TemplateScope): string {
  if (t.constant) return t.source;
  let out = '';
  for (const p of t.parts) {
    if ('literal' in p) out += p.literal;
    else out += lookup(p.ref, scope) ?? p.fallback;
  }
  return out;
}
