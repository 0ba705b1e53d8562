import type { Command, CommandArgs } from './command.ts';
import type { Io } from './io.ts';
import { notFound, success, unavailable, usageError, type Outcome } from './json-error.ts';

const HELP = `Usage: sipctx context <call-id> [--service host:port] [--timeout ms]

Prints the call context the policy service keeps for a call (its JSON-RPC
method context.get over HTTP): the variables and state its policy set, the
flow, what size budgets dropped, who called whom, when it was last updated and,
after BYE or CANCEL, when it ended.

Options:
  --service <host:port>  the service's HTTP listener (default 127.0.0.1:8091,
                         or SIPCTX_HTTP_LISTEN when set)
  --timeout <ms>         (default 2000)
  -h, --help             show this help

Example:
  sipctx context 3848276298220188511@203.0.113.7

Exit codes: 0 found, 1 no context for this Call-ID (CONTEXT_NOT_FOUND), 64 usage,
69 the service is unreachable, timed out or failed (SERVICE_…, or its store's
STORE_… code).
`;

function hostPort(text: string): string | null {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:[\]/]+):(\d{1,5})$/.exec(text);
  return m === null || Number(m[2]) > 65535 ? null : `${m[1]}:${m[2]}`;
}

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: { code?: string } };
}

async function callService(address: string, callId: string, timeoutMs: number) {
  const res = await fetch(`http://${address}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'context.get',
      params: { call_id: callId },
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from the service`);
  return (await res.json()) as RpcAnswer;
}

async function runContext(args: CommandArgs, io: Io): Promise<Outcome> {
  const [callId, ...extra] = args.positionals;
  if (callId === undefined || callId === '') return usageError('give a Call-ID', 'context');
  if (extra.length > 0) return usageError('give one Call-ID', 'context');
  const given = args.values['service'];
  const text =
    typeof given === 'string' ? given : (io.env['SIPCTX_HTTP_LISTEN'] ?? '127.0.0.1:8091');
  const address = hostPort(text);
  if (address === null) return usageError(`--service: "${text}" is not host:port`, 'context');
  const timeoutText = args.values['timeout'];
  const timeout = typeof timeoutText === 'string' ? Number(timeoutText) : 2000;
  if (!Number.isInteger(timeout) || timeout <= 0)
    return usageError('--timeout is milliseconds', 'context');
  let answer: RpcAnswer;
  try {
    answer = await callService(address, callId, timeout);
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError';
    return unavailable(
      timedOut ? 'SERVICE_TIMEOUT' : 'SERVICE_UNREACHABLE',
      timedOut
        ? `the service at ${address} did not answer within ${timeout} ms`
        : `cannot reach the service at ${address}: ${(e as Error).message}`,
    );
  }
  if (answer.error !== undefined) {
    const code = answer.error.data?.code ?? 'SERVICE_ERROR';
    return code === 'CONTEXT_NOT_FOUND'
      ? notFound(code, `no context for Call-ID ${JSON.stringify(callId)}`)
      : unavailable(code, answer.error.message);
  }
  return success(JSON.stringify(answer.result, null, 2) + '\n');
}

export const contextCommand: Command = {
  name: 'context',
  summary: 'print the call context the policy service keeps for a Call-ID',
  help: HELP,
  options: { service: { type: 'string' }, timeout: { type: 'string' } },
  run: runContext,
};
