import { buildDiversionEntry, type DiversionEntry } from './diversion.ts';
import { fail, ok, type Result } from './errors.ts';
import { escapeUriHeaderValue } from './escape.ts';
import { parseHistoryInfo, type HistoryInfoEntry } from './history-info.ts';
import { isSipUri, type SipUri, type Uri } from './uri-model.ts';
import { parseUri, serializeUri } from './uri.ts';

/**
 * Interworking between Diversion (RFC 5806) and History-Info (RFC 7044) as RFC 7544 specifies.
 *
 * Diversion lists the diverting users most recent first, each with the reason it diverted;
 * History-Info lists targets in the order they were tried, the reason for reaching a target being
 * the RFC 4458 `cause` URI parameter of that target. So the reason of a Diversion entry becomes the
 * cause of the *next* hi-entry, and the Request-URI is the last hi-entry.
 */

/** RFC 7544 §4 (with RFC 6044 erratum 3071: unavailable ↔ 503); any other reason maps to 404. */
export const REASON_TO_CAUSE: Readonly<Record<string, number>> = {
  unknown: 404,
  unconditional: 302,
  'user-busy': 486,
  'no-answer': 408,
  deflection: 480,
  unavailable: 503,
  'time-of-day': 404,
  'do-not-disturb': 404,
  'follow-me': 404,
  'out-of-service': 404,
  away: 404,
};

/** RFC 7544 §5: 480 and 487 are both deflection; any other cause maps to "unknown". */
export const CAUSE_TO_REASON: Readonly<Record<number, string>> = {
  404: 'unknown',
  302: 'unconditional',
  486: 'user-busy',
  408: 'no-answer',
  480: 'deflection',
  487: 'deflection',
  503: 'unavailable',
};

export function reasonToCause(reason: string | null): number {
  return REASON_TO_CAUSE[(reason ?? 'unknown').toLowerCase()] ?? 404;
}

export function causeToReason(cause: number): string {
  return CAUSE_TO_REASON[cause] ?? 'unknown';
}

/** Diversion privacy full/name/uri ↔ History-Info Privacy "history"; off ↔ "none". */
function privacyToHistoryInfo(privacy: string | null): string | null {
  if (privacy === null) return null;
  return privacy.toLowerCase() === 'off' ? 'none' : 'history';
}

interface Step {
  readonly uri: Uri;
  readonly reason: string | null;
  readonly privacy: string | null;
}

/** A target URI with `cause` and a Privacy header written in, as the hi-targeted-to-uri carries them. */
function targetUri(uri: Uri, cause: number | null, privacy: string | null): Result<string> {
  if (!isSipUri(uri)) return serializeUri(uri);
  const params = uri.params.filter((p) => p.name.toLowerCase() !== 'cause');
  if (cause !== null) params.push({ name: 'cause', value: String(cause) });
  const headers = uri.headers.filter((h) => h.name.toLowerCase() !== 'privacy');
  if (privacy !== null) headers.push({ name: 'Privacy', value: escapeUriHeaderValue(privacy) });
  return serializeUri({ ...uri, params, headers } as SipUri);
}

/**
 * Diversion → History-Info (RFC 7544 §4). `entries` are most recent first, as received. A counter
 * of N (N diversions by the same user) becomes N hi-entries, so that the reverse mapping can give
 * the counter back. Each hi-entry after the first gets `mp` = the previous index (retargeting by
 * redirection) and `cause` from the previous diversion's reason. When `requestUri` is given it is
 * the last hi-entry, the target the diversions led to. Returns one row per hi-entry.
 */
export function diversionToHistoryInfo(
  entries: readonly DiversionEntry[],
  requestUri: string | null,
): Result<string[]> {
  const steps: Step[] = [];
  for (const e of [...entries].reverse()) {
    for (let n = 0; n < Math.max(1, e.counter ?? 1); n++)
      steps.push({ uri: e.uri, reason: e.reason, privacy: e.privacy });
  }
  if (requestUri !== null) {
    const uri = parseUri(requestUri, { strict: true });
    if (!uri.ok) return uri;
    steps.push({ uri: uri.value, reason: null, privacy: null });
  }
  const rows: string[] = [];
  let index = '1';
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k] as Step;
    const previous = k === 0 ? null : (steps[k - 1] as Step);
    const uri = targetUri(
      step.uri,
      previous === null ? null : reasonToCause(previous.reason),
      privacyToHistoryInfo(step.privacy),
    );
    if (!uri.ok) return uri;
    const mp = k === 0 ? '' : `;mp=${index}`;
    if (k > 0) index += '.1';
    rows.push(`<${uri.value}>;index=${index}${mp}`);
  }
  return ok(rows);
}

interface Diverting {
  readonly entry: HistoryInfoEntry;
  /** The diverting user's URI without the cause param and headers History-Info added. */
  readonly uri: Uri;
  readonly reason: string;
  readonly privacy: 'full' | 'off';
}

/**
 * History-Info → Diversion (RFC 7544 §5). Every hi-entry but the last that led to a further target
 * by a diversion becomes a Diversion entry for that user; the reason comes from the next entry's
 * `cause` (or, for senders that put it there, from a SIP Reason embedded in the entry itself);
 * Privacy "history" gives privacy=full, anything else privacy=off; entries reached without a cause
 * (retargeting that was not a diversion) are skipped. Consecutive identical diversions are merged
 * into one entry with a counter. The result is most recent first, as Diversion is written.
 */
export function historyInfoToDiversion(
  entries: readonly HistoryInfoEntry[],
): Result<DiversionEntry[]> {
  const diverting: Diverting[] = [];
  for (let k = 0; k + 1 < entries.length; k++) {
    const entry = entries[k] as HistoryInfoEntry;
    const next = entries[k + 1] as HistoryInfoEntry;
    const embedded = entry.reasons.find(
      (r) => r.protocol.toUpperCase() === 'SIP' && r.cause !== null,
    );
    const cause = next.cause ?? embedded?.cause ?? null;
    if (cause === null) continue;
    const privacy = entry.privacy?.some((p) => p.toLowerCase() === 'history') ? 'full' : 'off';
    diverting.push({
      entry,
      uri: stripHistoryInfoParts(entry.uri),
      reason: causeToReason(cause),
      privacy,
    });
  }
  const out: DiversionEntry[] = [];
  for (let k = 0; k < diverting.length; k++) {
    const d = diverting[k] as Diverting;
    let counter = 1;
    while (k + 1 < diverting.length && sameDiversion(d, diverting[k + 1] as Diverting)) {
      counter++;
      k++;
    }
    const built = buildDiversionEntry({
      uri: d.uri,
      displayName: d.entry.address.displayName,
      reason: d.reason,
      counter,
      privacy: d.privacy,
    });
    if (!built.ok) return fail('SIP_BAD_HISTORY_INFO', built.error.message, d.entry.raw, 0);
    out.push(built.value);
  }
  return ok(out.reverse());
}

function sameDiversion(a: Diverting, b: Diverting): boolean {
  return a.uri.raw === b.uri.raw && a.reason === b.reason && a.privacy === b.privacy;
}

/** The diverting user's URI without what History-Info added: the cause param and embedded headers. */
function stripHistoryInfoParts(uri: Uri): Uri {
  if (!isSipUri(uri)) return uri;
  const clean = {
    ...uri,
    params: uri.params.filter((p) => p.name.toLowerCase() !== 'cause'),
    headers: [],
  };
  const raw = serializeUri(clean);
  return raw.ok ? { ...clean, raw: raw.value } : uri;
}

/** Convenience for rows as text: parses History-Info rows and maps them. */
export function historyInfoRowsToDiversion(rows: readonly string[]): Result<DiversionEntry[]> {
  const parsed = parseHistoryInfo(rows);
  return parsed.ok ? historyInfoToDiversion(parsed.value) : parsed;
}
