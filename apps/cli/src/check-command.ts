import { policyJsonSchema } from '@sipctx/policy';
import type { Command, CommandArgs } from './command.ts';
import type { Io } from './io.ts';
import { success, usageError, type Outcome } from './json-error.ts';
import { readPolicy } from './policy-file.ts';

const HELP = `Usage: sipctx check <policy.yaml>
       sipctx check --schema

Validates a policy file: YAML syntax, shape and meaning (regexes compile, CIDRs
parse, names are unique, sets and trunks exist, templates name known values, keys
decode). On success prints one JSON line:
  {"ok":true,"name":"…","rules":N,"trunks":N}
On failure prints one JSON line on stderr listing every problem found:
  {"code":"POLICY_SCHEMA","message":"…","issues":[{"path","message","line","column","code"}…]}
"code" is POLICY_YAML (syntax), POLICY_SCHEMA (shape) or POLICY_INVALID (meaning).
Keys written as env:NAME are read from the environment.

Options:
  --schema    print the JSON Schema of policy files (for editors) instead
  -h, --help  show this help

Example:
  sipctx check libs/policy/examples/generic.yaml

Exit codes: 0 valid, 2 invalid policy (JSON error on stderr), 64 usage, 66 unreadable file.
`;

async function runCheck(args: CommandArgs, io: Io): Promise<Outcome> {
  if (args.values['schema'] === true) {
    if (args.positionals.length !== 0) return usageError('--schema takes no file', 'check');
    return success(JSON.stringify(policyJsonSchema(), null, 2) + '\n');
  }
  if (args.positionals.length !== 1) {
    return usageError('expected exactly one <policy> file', 'check');
  }
  const loaded = await readPolicy(io, args.positionals[0] as string);
  if (!loaded.ok) return loaded.outcome;
  const { doc, rules, trunks } = loaded.policy;
  const summary = { ok: true, name: doc.name, rules: rules.length, trunks: trunks.length };
  return success(JSON.stringify(summary) + '\n');
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate a policy file and list every problem (or print its JSON Schema)',
  help: HELP,
  options: { schema: { type: 'boolean' } },
  run: runCheck,
};
