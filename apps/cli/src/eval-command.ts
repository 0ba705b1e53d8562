import {
  applyWireDecision,
  evaluateMessage,
  type CompiledPolicy,
  type Decision,
  type StoredContext,
} from '@sipctx/policy';
import { parseMessage } from '@sipctx/sip-codec';
import type { Command, CommandArgs } from './command.ts';
import { parseNow, parseSource, parseStoredContext, type SourceAddress } from './eval-args.ts';
import type { Io } from './io.ts';
import { policyRefused, success, usageError, type Outcome } from './json-error.ts';
import { readPolicy } from './policy-file.ts';
import { readInput } from './read-input.ts';

const HELP = `Usage: sipctx eval --policy <file> [options] <message.sip|->

Dry-runs a policy: evaluates one SIP request (a file, or standard input with "-")
as the policy service would, and prints the decision, the request as Kamailio
would relay it, or both. Nothing is stored and no store-backed set has members.

Options:
  --policy <file>         the policy file (required; errors as "sipctx check")
  --source <ip[:port]>    where the request came from (default: 127.0.0.1:5060);
                          IPv6 as [::1]:5060
  --transport udp|tcp|tls how it arrived (default: udp)
  --in-dialog             evaluate it as an in-dialog request (default: in dialog
                          when the To header has a tag)
  --context <file.json>   the call's stored context: {"variables":{…},"state":{…},
                          "flow":"…"}; its variables win over header values
  --now <ISO time>        the clock for time windows, e.g. 2025-03-04T15:00:00Z
                          (default: now)
  --output decision|message|both
                          decision (default): the Decision as JSON (edits, variables,
                          routing, dropped items, context, wire);
                          message: the rewritten request exactly as relayed, or
                          "SIP/2.0 <code> <reason>" when the policy rejects it;
                          both: {"decision":…,"message":"…"}
  -h, --help              show this help

Example:
  sipctx eval --policy libs/policy/examples/generic.yaml --source 203.0.113.200 \\
    --output message libs/sip-codec/test-data/carrier/invite-polyai.sip

Exit codes: 0 evaluated, 2 invalid policy or message (JSON error on stderr),
64 usage, 66 unreadable file.
`;

type Transport = 'udp' | 'tcp' | 'tls';
const TRANSPORTS: readonly string[] = ['udp', 'tcp', 'tls'];
type Output = 'decision' | 'message' | 'both';
const OUTPUTS: readonly string[] = ['decision', 'message', 'both'];

interface EvalOptions {
  readonly policyFile: string;
  readonly messageFile: string;
  readonly source: SourceAddress;
  readonly transport: Transport;
  readonly inDialog: boolean;
  readonly contextFile?: string;
  readonly now?: Date;
  readonly output: Output;
}

function optionalString(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every check of the command line, before anything is read. */
function evalOptions(
  args: CommandArgs,
): { ok: true; options: EvalOptions } | { ok: false; outcome: Outcome } {
  const fail = (message: string) => ({ ok: false as const, outcome: usageError(message, 'eval') });
  const policyFile = optionalString(args, 'policy');
  if (policyFile === undefined) return fail('--policy <file> is required');
  if (args.positionals.length !== 1) {
    return fail('expected exactly one <message> file or "-" for standard input');
  }
  const source = parseSource(optionalString(args, 'source') ?? '127.0.0.1');
  if (!source.ok) return fail(source.message);
  const transport = optionalString(args, 'transport') ?? 'udp';
  if (!TRANSPORTS.includes(transport)) return fail('--transport must be udp, tcp or tls');
  const output = optionalString(args, 'output') ?? 'decision';
  if (!OUTPUTS.includes(output)) return fail('--output must be decision, message or both');
  const nowText = optionalString(args, 'now');
  const now = nowText === undefined ? undefined : parseNow(nowText);
  if (now !== undefined && !now.ok) return fail(now.message);
  const contextFile = optionalString(args, 'context');
  return {
    ok: true,
    options: {
      policyFile,
      messageFile: args.positionals[0] as string,
      source: source.value,
      transport: transport as Transport,
      inDialog: args.values['in-dialog'] === true,
      output: output as Output,
      ...(contextFile === undefined ? {} : { contextFile }),
      ...(now === undefined ? {} : { now: now.value }),
    },
  };
}

async function readContext(
  io: Io,
  file: string | undefined,
): Promise<{ ok: true; stored: StoredContext | null } | { ok: false; outcome: Outcome }> {
  if (file === undefined) return { ok: true, stored: null };
  const input = await readInput(io, file);
  if (!input.ok) return input;
  const parsed = parseStoredContext(Buffer.from(input.bytes).toString('utf8'), file);
  if (!parsed.ok) return { ok: false, outcome: usageError(parsed.message, 'eval') };
  return { ok: true, stored: parsed.value };
}

/** The request as relayed, or the reply Kamailio sends instead when the policy rejects it. */
function relayedText(
  message: Uint8Array,
  decision: Decision,
): { ok: true; text: string } | { ok: false; outcome: Outcome } {
  if (decision.reject !== null) {
    return { ok: true, text: `SIP/2.0 ${decision.reject.code} ${decision.reject.reason}\r\n` };
  }
  // evaluateMessage parsed these bytes the same way already, so this cannot fail.
  const parsed = parseMessage(message, { transport: 'udp' });
  if (!parsed.ok || parsed.value.kind !== 'request')
    throw new Error('the message no longer parses');
  const applied = applyWireDecision(parsed.value, decision.wire);
  if (!applied.ok) return { ok: false, outcome: policyRefused(applied.error) };
  return { ok: true, text: Buffer.from(applied.value).toString('utf8') };
}

/** The decision with the verdict first and the bulky context and wire last, for reading. */
function readingOrder(d: Decision): Decision {
  const { action, reject, rules, context, wire, ...rest } = d;
  return { action, reject, rules, ...rest, context, wire };
}

function render(message: Uint8Array, decided: Decision, output: Output): Outcome {
  const decision = readingOrder(decided);
  if (output === 'decision') return success(JSON.stringify(decision, null, 2) + '\n');
  const relayed = relayedText(message, decided);
  if (!relayed.ok) return relayed.outcome;
  if (output === 'message') return success(relayed.text);
  return success(JSON.stringify({ decision, message: relayed.text }, null, 2) + '\n');
}

function evaluate(
  policy: CompiledPolicy,
  message: Uint8Array,
  stored: StoredContext | null,
  options: EvalOptions,
): Outcome {
  const decided = evaluateMessage(
    {
      message,
      source: { ...options.source, transport: options.transport },
      ...(options.inDialog ? { inDialog: true } : {}),
    },
    stored,
    policy,
    options.now === undefined ? {} : { now: options.now },
  );
  if (!decided.ok) return policyRefused(decided.error);
  return render(message, decided.value, options.output);
}

async function runEval(args: CommandArgs, io: Io): Promise<Outcome> {
  const parsed = evalOptions(args);
  if (!parsed.ok) return parsed.outcome;
  const { options } = parsed;
  const policy = await readPolicy(io, options.policyFile);
  if (!policy.ok) return policy.outcome;
  const message = await readInput(io, options.messageFile);
  if (!message.ok) return message.outcome;
  const context = await readContext(io, options.contextFile);
  if (!context.ok) return context.outcome;
  return evaluate(policy.policy, message.bytes, context.stored, options);
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'dry-run a policy on a SIP request and print the decision or the relayed message',
  help: HELP,
  options: {
    policy: { type: 'string' },
    source: { type: 'string' },
    transport: { type: 'string' },
    'in-dialog': { type: 'boolean' },
    context: { type: 'string' },
    now: { type: 'string' },
    output: { type: 'string' },
  },
  run: runEval,
};
