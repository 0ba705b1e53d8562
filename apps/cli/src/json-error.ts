import type { PolicyError } from '@sipctx/policy';
import type { SipError } from '@sipctx/sip-codec';

/**
 * Exit codes, after sysexits.h where one fits: a script can tell bad input, a SIP message or a
 * policy file (2), from a wrong command line (64), an unreadable file (66) and a bug of ours (70).
 */
export const EXIT_OK = 0;
/** What was asked for does not exist (no context for that Call-ID), as grep's 1. */
export const EXIT_NOT_FOUND = 1;
export const EXIT_INVALID_INPUT = 2;
export const EXIT_USAGE = 64;
export const EXIT_NO_INPUT = 66;
export const EXIT_INTERNAL = 70;
/** EX_UNAVAILABLE: a service the command needs (Kamailio's RPC) did not answer. */
export const EXIT_UNAVAILABLE = 69;

export type ExitCode =
  | typeof EXIT_OK
  | typeof EXIT_NOT_FOUND
  | typeof EXIT_INVALID_INPUT
  | typeof EXIT_USAGE
  | typeof EXIT_NO_INPUT
  | typeof EXIT_INTERNAL
  | typeof EXIT_UNAVAILABLE;

/** One problem of a policy file, as `sipctx check` lists it. */
export interface JsonIssue {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly code: string;
}

/** The one JSON object a failing command writes to stderr. */
export interface JsonError {
  /** `SIP_…` from the codec, `POLICY_…` from the policy library, or `CLI_…`. */
  readonly code: string;
  readonly message: string;
  /** Where in the input the problem was found (UTF-16 code units of the row or message text). */
  readonly offset?: number;
  /** Index of the command-line row the error is about, for commands that take several rows. */
  readonly row?: number;
  /** What to run for help, on usage errors. */
  readonly hint?: string;
  /** Every problem of a policy file, each with its path and, when known, line and column. */
  readonly issues?: readonly JsonIssue[];
  /** The codec's error behind a policy error, when a SIP parser refused the message. */
  readonly cause?: { readonly code: string; readonly message: string; readonly offset: number };
}

/** What a command produces: text for stdout, or one error and its exit code. */
export type Outcome =
  | { readonly exitCode: typeof EXIT_OK; readonly stdout: string }
  | { readonly exitCode: Exclude<ExitCode, typeof EXIT_OK>; readonly error: JsonError };

export function success(stdout: string): Outcome {
  return { exitCode: EXIT_OK, stdout };
}

/** Invalid SIP input: the codec's error as data, without the input it carries. */
export function invalidInput(error: SipError, row?: number): Outcome {
  const json: JsonError = { code: error.code, message: error.message, offset: error.offset };
  return { exitCode: EXIT_INVALID_INPUT, error: row === undefined ? json : { ...json, row } };
}

/**
 * A policy file that does not load: every issue, in order. The offset is left out: the issues'
 * lines and columns say where, and the input is the file the user already has.
 */
export function invalidPolicy(error: PolicyError): Outcome {
  const issues = (error.issues ?? []).map((i): JsonIssue => ({
    path: i.path,
    message: i.message,
    ...(i.line === undefined ? {} : { line: i.line }),
    ...(i.column === undefined ? {} : { column: i.column }),
    code: i.code,
  }));
  return {
    exitCode: EXIT_INVALID_INPUT,
    error: { code: error.code, message: error.message, issues },
  };
}

/** A message the policy engine refused: its error as data, with the codec's cause if any. */
export function policyRefused(error: PolicyError): Outcome {
  const json: JsonError = { code: error.code, message: error.message, offset: error.offset };
  if (error.cause === undefined) return { exitCode: EXIT_INVALID_INPUT, error: json };
  const { code, message, offset } = error.cause;
  return { exitCode: EXIT_INVALID_INPUT, error: { ...json, cause: { code, message, offset } } };
}

export function usageError(message: string, command?: string): Outcome {
  const hint = command === undefined ? 'sipctx --help' : `sipctx ${command} --help`;
  return { exitCode: EXIT_USAGE, error: { code: 'CLI_USAGE', message, hint } };
}

export function noInput(message: string): Outcome {
  return { exitCode: EXIT_NO_INPUT, error: { code: 'CLI_NO_INPUT', message } };
}

/** An error we did not expect: the message only, never a stack trace. */
export function internalError(cause: unknown): Outcome {
  const message = cause instanceof Error ? cause.message : String(cause);
  return { exitCode: EXIT_INTERNAL, error: { code: 'CLI_INTERNAL', message } };
}

/** The error as the single line written to stderr. */
export function renderError(error: JsonError): string {
  return JSON.stringify(error) + '\n';
}

/** A service the command talks to failed (unreachable, timed out, or answered an error). */
export function unavailable(code: string, message: string): Outcome {
  return { exitCode: EXIT_UNAVAILABLE, error: { code, message } };
}

export function notFound(code: string, message: string): Outcome {
  return { exitCode: EXIT_NOT_FOUND, error: { code, message } };
}
