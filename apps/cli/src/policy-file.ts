import { loadPolicy, type CompiledPolicy } from '@sipctx/policy';
import type { Io } from './io.ts';
import { invalidPolicy, type Outcome } from './json-error.ts';
import { readInput } from './read-input.ts';

/**
 * Reads and loads a policy file, `env:NAME` keys from the injected environment: an unreadable
 * file is exit 66, a file that does not load exit 2 with every issue.
 */
export async function readPolicy(
  io: Io,
  path: string,
): Promise<{ ok: true; policy: CompiledPolicy } | { ok: false; outcome: Outcome }> {
  const input = await readInput(io, path);
  if (!input.ok) return input;
  const loaded = loadPolicy(Buffer.from(input.bytes).toString('utf8'), { env: io.env });
  if (!loaded.ok) return { ok: false, outcome: invalidPolicy(loaded.error) };
  return { ok: true, policy: loaded.value };
}
