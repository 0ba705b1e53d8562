import type { CompiledPolicy } from './compile.ts';
import { chainOf, type HeaderWork } from './work.ts';

/**
 * Variables a call starts with, read from headers of a trusted trunk:
 * - custom headers (`X-…`) named by the policy's profile: `strip-x` drops the `X-`/`x-` prefix
 *   (UponAI: `X-test-header` → `test-header`), `keep` keeps the name as written, `lower`
 *   lower-cases it, `prefix` puts `variables.prefix` in place of `X-`;
 * - `from_headers` prefixes, the longest matching first (ASAPP: `X-GA-iv-userName` → `userName`);
 * - Diversion / X-Diversion extension parameters (the Diversion guide's `brand`,
 *   `journey_stage`), from the entry the policy names.
 * A header repeated keeps its first value here (every row stays in `sip_headers`). Headers from an
 * untrusted trunk give no variables at all: they never reach an agent as if trusted.
 */

/** `prefix` is lower-case; compared without allocating, as this runs for every header. */
function startsWithFold(name: string, prefix: string): boolean {
  if (name.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

function profileName(name: string, policy: CompiledPolicy, prefix: string): string {
  const rest = name.slice(prefix.length);
  switch (policy.doc.variables.profile) {
    case 'strip-x':
      return rest;
    case 'keep':
      return name;
    case 'lower':
      return name.toLowerCase();
    case 'prefix':
      return policy.doc.variables.prefix + rest;
  }
}

/** The variable name a custom header gives, or null when it is not a custom header. */
export function variableNameFor(name: string, policy: CompiledPolicy): string | null {
  let best: { prefix: string; as: string } | null = null;
  for (const s of policy.doc.variables.from_headers) {
    if (
      startsWithFold(name, s.prefix.toLowerCase()) &&
      (best === null || s.prefix.length > best.prefix.length)
    ) {
      best = s;
    }
  }
  if (best !== null) return best.as + name.slice(best.prefix.length);
  const custom = policy.customPrefixes.find((p) => startsWithFold(name, p));
  return custom === undefined ? null : profileName(name, policy, custom);
}

function diversionVariables(
  work: HeaderWork,
  policy: CompiledPolicy,
  out: Map<string, string>,
): void {
  const spec = policy.doc.variables.from_diversion;
  if (spec === undefined) return;
  const names = spec.header === 'both' ? ['X-Diversion', 'Diversion'] : [spec.header];
  const all = spec.params.includes('*');
  const wanted = new Set(spec.params.map((p) => p.toLowerCase()));
  for (const name of names) {
    const chain = chainOf(work, name);
    if (!chain.ok || chain.value.length === 0) continue;
    const entry = spec.entry === 'first' ? chain.value[0] : chain.value[chain.value.length - 1];
    for (const p of entry?.extensions ?? []) {
      if ((all || wanted.has(p.name.toLowerCase())) && !out.has(p.name))
        out.set(p.name, p.value ?? '');
    }
  }
}

/** Variables read from the (already trust-filtered) headers of a trusted request. */
export function headerVariables(work: HeaderWork, policy: CompiledPolicy): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of work.rows) {
    if (policy.sealedHeaders.has(r.key)) continue; // opened separately, from trusted peers only
    const name = variableNameFor(r.name, policy);
    if (name !== null && name !== '' && !out.has(name)) out.set(name, r.value);
  }
  diversionVariables(work, policy, out);
  return out;
}
