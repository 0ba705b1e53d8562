import { checkCommand } from './check-command.ts';
import { contextCommand } from './context-command.ts';
import { kamailioCommand } from './kamailio-command.ts';
import { parseCommandArgs, type Command } from './command.ts';
import { convertCommand } from './convert-command.ts';
import { evalCommand } from './eval-command.ts';
import { headerCommand } from './header-command.ts';
import type { Io } from './io.ts';
import {
  internalError,
  renderError,
  success,
  usageError,
  type ExitCode,
  type Outcome,
} from './json-error.ts';
import { parseCommand } from './parse-command.ts';

const COMMANDS: readonly Command[] = [
  parseCommand,
  headerCommand,
  convertCommand,
  checkCommand,
  evalCommand,
  kamailioCommand,
  contextCommand,
];

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: sipctx <command> [options] [arguments]

SIP message and header tools, and policy checks and dry runs (sipctx, a SIP header
policy sidecar for Kamailio).

Commands:
${lines.join('\n')}

Run "sipctx <command> --help" for a command's options and examples.

Output is JSON on stdout (convert prints header rows, one per line; eval --output
message the relayed request). On failure one JSON object
{"code","message","offset"?,"row"?,"issues"?,"cause"?} is written to stderr.
Exit codes: 0 ok, 2 invalid input (a SIP message or a policy file), 64 usage error,
66 unreadable input, 69 Kamailio unavailable, 70 internal error.
`;
}

const HELP_FLAGS: readonly string[] = ['--help', '-h', 'help'];

async function dispatch(argv: readonly string[], io: Io): Promise<Outcome> {
  const [name, ...rest] = argv;
  if (name === undefined) return usageError('a command is expected');
  if (HELP_FLAGS.includes(name)) {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    return success(topic === undefined ? globalHelp() : topic.help);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) return usageError(`unknown command "${name}"`);
  const parsed = parseCommandArgs(command, rest);
  if (!parsed.ok) return parsed.outcome;
  if (parsed.args.values['help'] === true) return success(command.help);
  return command.run(parsed.args, io);
}

/**
 * Runs one sipctx command line and returns its exit code. Writes the command's output to
 * `io.stdout` or exactly one JSON error line to `io.stderr`; never throws and never prints a stack
 * trace (anything unexpected becomes CLI_INTERNAL, exit 70).
 */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  let outcome: Outcome;
  try {
    outcome = await dispatch(argv, io);
  } catch (e) {
    outcome = internalError(e);
  }
  if (outcome.exitCode === 0) io.stdout(outcome.stdout);
  else io.stderr(renderError(outcome.error));
  return outcome.exitCode;
}
