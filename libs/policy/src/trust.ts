import { cidrContains, parseIp } from './cidr.ts';
import type { CompiledPolicy, CompiledTrunk } from './compile.ts';
import { openValue } from './sealing.ts';
import { variableNameFor } from './variables.ts';
import type { HeaderWork, Row } from './work.ts';

/**
 * Trust, per RFC 3325's idea of a trust domain: a trunk is named by its source CIDRs and is
 * trusted or not. From an untrusted (or unknown) source, custom headers are stripped or renamed
 * before anything reads them, internal headers are stripped (they could forge our own context),
 * and sealed headers are stripped unopened. From a trusted source, sealed headers are opened into
 * variables. On the way out, internal headers are stripped unless the next hop is trusted.
 */

export function trunkFor(policy: CompiledPolicy, address: string): CompiledTrunk | null {
  if (policy.trunks.length === 0) return null;
  const ip = parseIp(address);
  if (ip === null) return null;
  return policy.trunks.find((t) => t.ranges.some((c) => cidrContains(c, ip))) ?? null;
}

/** Prefixes are lower-cased; a row's key is its name lower-cased (canonical for known ones). */
function hasPrefix(row: Row, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (row.key.startsWith(p)) return true;
  return false;
}

/** Applies ingress trust to the rows; returns the variables opened from sealed headers. */
export function applyIngressTrust(
  work: HeaderWork,
  policy: CompiledPolicy,
  trusted: boolean,
): Map<string, string> {
  const opened = new Map<string, string>();
  if (!trusted) {
    work.removeWhere(
      (r) => hasPrefix(r, policy.internalPrefixes) || policy.sealedHeaders.has(r.key),
      'trust',
      'strip',
      'internal or sealed header from an untrusted source',
    );
    const custom = (r: Row): boolean => hasPrefix(r, policy.customPrefixes);
    if (policy.doc.trust.untrusted_custom_headers === 'strip') {
      work.removeWhere(custom, 'trust', 'strip', 'custom header from an untrusted source');
    } else {
      const prefix = policy.doc.trust.rename_prefix;
      for (const name of new Set(work.rows.filter(custom).map((r) => r.name))) {
        const bare = name.slice(
          policy.customPrefixes.find((p) => name.toLowerCase().startsWith(p))?.length ?? 0,
        );
        work.rename(
          name,
          prefix + bare,
          'trust',
          'rename',
          'custom header from an untrusted source',
        );
      }
    }
    return opened;
  }
  if (policy.keyring === null) return opened;
  for (const row of work.rows.filter((r) => policy.sealedHeaders.has(r.key))) {
    const plain = openValue(row.value, policy.keyring, row.key);
    const name = variableNameFor(row.name, policy) ?? row.name;
    if (plain.ok) {
      if (!opened.has(name)) opened.set(name, plain.value);
    } else {
      work.removeWhere(
        (r) => r === row,
        'trust',
        'strip',
        `${plain.error.code}: ${plain.error.message}`,
      );
    }
  }
  return opened;
}

/** Strips internal headers before the request leaves for a hop that is not trusted. */
export function applyEgressTrust(
  work: HeaderWork,
  policy: CompiledPolicy,
  nextHopTrusted: boolean,
): void {
  if (nextHopTrusted || policy.internalPrefixes.length === 0) return;
  work.removeWhere(
    (r) => hasPrefix(r, policy.internalPrefixes),
    'egress',
    'strip',
    'internal header to an untrusted hop',
  );
}
