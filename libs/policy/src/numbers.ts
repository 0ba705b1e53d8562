import {
  getParam,
  historyInfoRowsToDiversion,
  isSipUri,
  numberFromUri,
  parseNameAddr,
  parseUri,
  type DiversionEntry,
  type NameAddr,
  type Uri,
} from '@sipctx/sip-codec';
import type { CompiledPolicy } from './compile.ts';
import { chainOf, type HeaderWork } from './work.ts';

/**
 * Who called and which number was dialled, as voice-AI platforms expose them (`caller_number`,
 * `callee_number`), plus where a diverted call was first headed.
 *
 * The caller comes from the first source in `numbers.caller` that yields a number. Network-asserted
 * identities (P-Asserted-Identity, Remote-Party-ID, P-Preferred-Identity) are read only from a
 * trusted trunk, since RFC 3325 §5 makes them meaningful only inside a trust domain. The caller is
 * anonymous when From is (RFC 3323 §4.1.1.3: `anonymous@anonymous.invalid`), when Privacy asks
 * for `id`/`user`/`header`, or when Remote-Party-ID says `privacy=full|uri`; an anonymous From with
 * no trusted identity gives no number.
 */

export interface CallNumbers {
  readonly caller: string | null;
  readonly callerAnonymous: boolean;
  readonly callee: string | null;
  readonly privacy: string[];
  readonly originalCalled: string | null;
  readonly redirectReason: string | null;
}

type Values = (name: string) => readonly string[];

const ASSERTED = {
  'p-asserted-identity': 'P-Asserted-Identity',
  'remote-party-id': 'Remote-Party-ID',
  'p-preferred-identity': 'P-Preferred-Identity',
} as const;

function number(uri: Uri, policy: CompiledPolicy): string | null {
  const n = numberFromUri(uri);
  if (n === null) return null;
  return policy.normalizeNumber(n.number);
}

/** The addresses of some rows, parsed one at a time: most callers stop at the first. */
function* addresses(rows: readonly string[]): Generator<NameAddr> {
  for (const row of rows) {
    // P-Asserted-Identity may carry a sip and a tel URI in one row.
    const parts = row.includes(',') ? splitTopLevel(row) : [row];
    for (const part of parts) {
      const a = parseNameAddr(part.trim());
      if (a.ok) yield a.value;
    }
  }
}

/** The first address of a header, parsed once per evaluation (To is read for the tag too). */
export function firstAddress(work: HeaderWork, name: string): NameAddr | null {
  return work.memo(
    name === 'To' ? 'first:To' : name === 'From' ? 'first:From' : `first:${name}`,
    name,
    () => {
      for (const a of addresses(work.values(name))) return a;
      return null;
    },
  );
}

/** The Request-URI parsed once per evaluation. */
export function requestUriOf(work: HeaderWork, requestUri: string): Uri | null {
  // Keyed by a constant: hashing a long URI string on every look-up costs more than it saves.
  const hit = work.uriCache;
  if (hit !== null && hit.text === requestUri) return hit.uri;
  const u = parseUri(requestUri);
  const uri = u.ok ? u.value : null;
  work.uriCache = { text: requestUri, uri };
  return uri;
}

/** Splits on commas outside quotes and angle brackets. */
function splitTopLevel(row: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(row.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(row.slice(start));
  return parts;
}

function isAnonymousUri(uri: Uri): boolean {
  if (!isSipUri(uri)) return false;
  return uri.user?.toLowerCase() === 'anonymous' || uri.host.toLowerCase() === 'anonymous.invalid';
}

function caller(work: HeaderWork, policy: CompiledPolicy, trusted: boolean, privacy: string[]) {
  const from = firstAddress(work, 'From');
  const fromAnonymous = from !== null && isAnonymousUri(from.uri);
  let anonymous =
    fromAnonymous || privacy.some((p) => p === 'id' || p === 'user' || p === 'header');
  let found: string | null = null;
  for (const source of policy.doc.numbers.caller) {
    if (source === 'from') {
      if (from !== null && !fromAnonymous) found = number(from.uri, policy);
    } else if (trusted || policy.doc.numbers.identity_from_untrusted) {
      for (const a of addresses(work.values(ASSERTED[source]))) {
        if (source === 'remote-party-id') {
          const party = getParam(a.params, 'party')?.value?.toLowerCase();
          if (party !== undefined && party !== 'calling') continue;
          const p = getParam(a.params, 'privacy')?.value?.toLowerCase();
          if (p === 'full' || p === 'uri') anonymous = true;
        }
        if (isAnonymousUri(a.uri)) continue;
        found = number(a.uri, policy);
        if (found !== null) break;
      }
    }
    if (found !== null) break;
  }
  return { caller: found, anonymous };
}

function callee(work: HeaderWork, requestUri: string, policy: CompiledPolicy): string | null {
  for (const source of policy.doc.numbers.callee) {
    const uri =
      source === 'to' ? (firstAddress(work, 'To')?.uri ?? null) : requestUriOf(work, requestUri);
    const n = uri === null ? null : number(uri, policy);
    if (n !== null) return n;
  }
  return null;
}

/** The received redirection chain, most recent first: Diversion, else X-Diversion, else History-Info. */
export function receivedChain(work: HeaderWork): DiversionEntry[] {
  for (const name of ['Diversion', 'X-Diversion']) {
    const chain = chainOf(work, name);
    if (chain.ok && chain.value.length > 0) return chain.value;
  }
  const hi = work.values('History-Info');
  if (hi.length > 0) {
    const mapped = historyInfoRowsToDiversion(hi);
    if (mapped.ok) return mapped.value;
  }
  return [];
}

export function callNumbers(
  work: HeaderWork,
  requestUri: string,
  policy: CompiledPolicy,
  trusted: boolean,
): CallNumbers {
  const values: Values = (name) => work.values(name);
  const privacy = values('Privacy')
    .flatMap((v) => v.split(';'))
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const c = caller(work, policy, trusted, privacy);
  const chain = receivedChain(work);
  // RFC 5806 §4: the chain is most recent first, so the last entry is the number first dialled
  // and the first entry says why the call reached us.
  const oldest = chain[chain.length - 1];
  return {
    caller: c.caller,
    callerAnonymous: c.anonymous,
    callee: callee(work, requestUri, policy),
    privacy,
    originalCalled: oldest === undefined ? null : number(oldest.uri, policy),
    redirectReason: chain[0]?.reason ?? null,
  };
}
