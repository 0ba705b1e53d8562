import { parseMessage } from '@sipctx/sip-codec';
import type { CompiledPolicy } from './compile.ts';
import { policyFail, type PolicyResult } from './errors.ts';
import { evaluate, type EvaluateOptions } from './evaluate.ts';
import type { Decision, PolicyRequest, StoredContext } from './model.ts';

export interface MessageSource {
  readonly message: string | Uint8Array;
  readonly source: PolicyRequest['source'];
  readonly inDialog?: boolean;
}

/**
 * Parses a request as the proxy received it (tolerant mode: what Kamailio accepted is evaluated)
 * and evaluates it. A message that does not parse, or a response, is POLICY_BAD_MESSAGE with the
 * codec's error as `cause`.
 */
export function evaluateMessage(
  input: MessageSource,
  stored: StoredContext | null,
  policy: CompiledPolicy,
  options: EvaluateOptions = {},
): PolicyResult<Decision> {
  // The proxy has framed the message already: read it as one datagram, whatever it came over.
  const parsed = parseMessage(input.message, { transport: 'udp' });
  if (!parsed.ok) {
    return policyFail(
      'POLICY_BAD_MESSAGE',
      parsed.error.message,
      parsed.error.input,
      parsed.error.offset,
      {
        cause: parsed.error,
      },
    );
  }
  if (parsed.value.kind !== 'request') {
    return policyFail('POLICY_BAD_MESSAGE', 'policies evaluate requests, not responses');
  }
  return evaluate(
    {
      message: parsed.value,
      source: input.source,
      ...(input.inDialog === undefined ? {} : { inDialog: input.inDialog }),
    },
    stored,
    policy,
    options,
  );
}
