import type { Result, SipError } from '@sipctx/sip-codec';

/**
 * Errors as data, like the codec's: a stable `code`, a message, and where it was found. Policy
 * file problems are reported all at once as `issues`, each with the path of the offending field
 * (`rules[2].when.header.pattern`), so an editor or `sipctx check` can point at every one of them.
 */
export type PolicyErrorCode =
  // the policy file
  | 'POLICY_YAML'
  | 'POLICY_SCHEMA'
  | 'POLICY_INVALID'
  // evaluation input
  | 'POLICY_BAD_REQUEST'
  | 'POLICY_BAD_MESSAGE'
  // sealed values and context references
  | 'POLICY_SEAL_FORMAT'
  | 'POLICY_SEAL_UNKNOWN_KEY'
  | 'POLICY_SEAL_AUTH'
  | 'POLICY_REF_EXPIRED'
  // evaluation
  | 'POLICY_UNSAFE_OUTPUT'
  | 'POLICY_INTERNAL';

/** One problem in a policy file. */
export interface PolicyIssue {
  /** What is wrong, as a code: `POLICY_SCHEMA` for shape, `POLICY_INVALID` for meaning. */
  readonly code: 'POLICY_YAML' | 'POLICY_SCHEMA' | 'POLICY_INVALID';
  /** Dotted path with indices, `rules[2].when.caller.in_set`; `` for the document itself. */
  readonly path: string;
  readonly message: string;
  /** 1-based line and column in the YAML text when known. */
  readonly line?: number;
  readonly column?: number;
}

export interface PolicyError {
  readonly code: PolicyErrorCode;
  readonly message: string;
  /** Where the problem was found, as an index into `input`. */
  readonly offset: number;
  readonly input: string;
  /** Every problem of a policy file (codes POLICY_YAML, POLICY_SCHEMA, POLICY_INVALID). */
  readonly issues?: readonly PolicyIssue[];
  /** The codec error behind this one, when a SIP parser refused the input. */
  readonly cause?: SipError;
}

export type PolicyResult<T> = Result<T, PolicyError>;

export function policyOk<T>(value: T): PolicyResult<T> {
  return { ok: true, value };
}

export function policyFail<T = never>(
  code: PolicyErrorCode,
  message: string,
  input = '',
  offset = 0,
  extra: { issues?: readonly PolicyIssue[]; cause?: SipError } = {},
): PolicyResult<T> {
  return { ok: false, error: { code, message, offset, input, ...extra } };
}

/** Dotted path from zod/yaml path segments: `['rules', 2, 'when']` → `rules[2].when`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}
