import type { SipRequest } from '@sipctx/sip-codec';

/** What the engine is asked about: one SIP request as the proxy received it. */
export interface PolicyRequest {
  readonly message: SipRequest;
  readonly source: {
    readonly address: string;
    readonly port: number;
    readonly transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss' | 'sctp';
  };
  /** In-dialog (a To tag is present) unless said otherwise. */
  readonly inDialog?: boolean;
}

export type StateValue = string | number | boolean;

/** One header as the agent sees it: the canonical name (compact forms expanded) and its value. */
export interface ContextHeader {
  readonly name: string;
  readonly value: string;
}

/** Something a budget (or a refused edit) took out of the message, kept in the call context. */
export interface DroppedItem {
  readonly header: string;
  /** The whole value as it would have been sent; `null` for a header that was not rendered. */
  readonly value: string | null;
  /** What was actually sent instead, when the header was shortened rather than dropped. */
  readonly sent: string | null;
  readonly bytes: number;
  readonly budget: 'header_line' | 'context' | 'message' | 'unsafe' | 'diversion_chain';
  readonly reason: string;
  readonly rule: string | null;
}

/**
 * The call's context, as stored between requests and shown to agents: the seeds' `sip_headers`,
 * `caller_number`, `callee_number`, variables and `state`, plus where the call came from and what
 * budgets dropped.
 */
export interface CallContext {
  readonly call_id: string;
  readonly sip_headers: readonly ContextHeader[];
  readonly caller_number: string | null;
  readonly caller_anonymous: boolean;
  readonly callee_number: string | null;
  /** Privacy header values (RFC 3323), lower-cased. */
  readonly privacy: readonly string[];
  readonly original_called_number: string | null;
  readonly redirect_reason: string | null;
  readonly trunk: string | null;
  readonly trusted: boolean;
  readonly flow: string | null;
  readonly variables: Readonly<Record<string, string>>;
  readonly state: Readonly<Record<string, StateValue>>;
  readonly dropped: readonly DroppedItem[];
}

/**
 * What the store keeps for a call and gives back on the next request: variables and state set for
 * the call win over values read from headers; the flow sticks; dropped items accumulate.
 */
export interface StoredContext {
  readonly variables?: Readonly<Record<string, string>>;
  readonly state?: Readonly<Record<string, StateValue>>;
  readonly flow?: string | null;
  readonly dropped?: readonly DroppedItem[];
  /** Who called whom, as the initial INVITE said; the engine ignores it, tools read it. */
  readonly call?: CallFacts;
  /** Set by the store: when the context was last written, and when BYE/CANCEL ended the call. */
  readonly updated_at?: string;
  readonly ended_at?: string;
}

/** The facts of a call worth keeping beside its variables (`context.get`, the agent SDK). */
export interface CallFacts {
  readonly caller_number: string | null;
  readonly callee_number: string | null;
  readonly original_called_number: string | null;
  readonly redirect_reason: string | null;
  readonly trunk: string | null;
  readonly trusted: boolean;
}

export type EditOp =
  'add' | 'replace' | 'remove' | 'rename' | 'strip' | 'truncate' | 'drop' | 'refuse';

/** One change to the message, attributed to the rule (or built-in stage) that made it. */
export interface HeaderEdit {
  readonly op: EditOp;
  readonly header: string;
  readonly before: string | null;
  readonly after: string | null;
  /** A rule name, or a stage: `trust`, `egress`, `diversion`, `history-info`, `budget`, `flow`. */
  readonly rule: string;
  readonly reason?: string;
}

export interface Routing {
  readonly requestUri: string | null;
  readonly destination: string | null;
  readonly transport: 'udp' | 'tcp' | 'tls' | null;
  readonly trunk: string | null;
}

/**
 * The compact form Kamailio applies in its resume route: remove these headers (every row, compact
 * forms too), append this block (complete lines with CRLF, validated), then retarget or reject.
 * Absent fields mean "leave as is", so the common decision is two look-ups.
 */
export interface WireDecision {
  readonly remove: readonly string[];
  readonly append: string;
  readonly ruri?: string;
  readonly duri?: string;
  readonly transport?: 'udp' | 'tcp' | 'tls';
  readonly reject?: { readonly code: number; readonly reason: string };
}

export interface Decision {
  readonly action: 'relay' | 'reject';
  readonly reject: { readonly code: number; readonly reason: string } | null;
  /** Rules whose actions were applied, in order. */
  readonly rules: readonly string[];
  readonly flow: string | null;
  readonly edits: readonly HeaderEdit[];
  readonly variables: Readonly<Record<string, string>>;
  /** State entries set by this request's rules. */
  readonly stateChanges: Readonly<Record<string, StateValue>>;
  readonly routing: Routing;
  readonly dropped: readonly DroppedItem[];
  /** What happened that is not a header edit: transport switched, a retarget ignored… */
  readonly notes: readonly string[];
  /** The updated call context, to store. */
  readonly context: CallContext;
  readonly wire: WireDecision;
}
