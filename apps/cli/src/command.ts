import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from './io.ts';
import { usageError, type Outcome } from './json-error.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The command line of one command after node:util's parseArgs. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `sipctx <name>` command. `--help`/`-h` is added to every command's options. */
export interface Command {
  readonly name: string;
  /** One line for the global help. */
  readonly summary: string;
  /** The full `sipctx <name> --help` text. */
  readonly help: string;
  readonly options: OptionsConfig;
  readonly run: (args: CommandArgs, io: Io) => Promise<Outcome>;
}

const HELP_OPTION: OptionsConfig = { help: { type: 'boolean', short: 'h' } };

/** Node's parseArgs error codes: the command line, not our code, is wrong. */
function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/**
 * Parses `argv` for `command`; unknown options, missing option values and the like become a usage
 * outcome instead of an exception.
 */
export function parseCommandArgs(
  command: Command,
  argv: readonly string[],
): { ok: true; args: CommandArgs } | { ok: false; outcome: Outcome } {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, ...HELP_OPTION },
      allowPositionals: true,
      strict: true,
    });
    return { ok: true, args: { values: parsed.values, positionals: parsed.positionals } };
  } catch (e) {
    if (!isParseArgsError(e)) throw e;
    return { ok: false, outcome: usageError(e.message, command.name) };
  }
}
