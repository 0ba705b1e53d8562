import { createKamailioRpc, type KamailioRpcTarget } from '@sipctx/rpc';
import type { Command, CommandArgs } from './command.ts';
import type { Io } from './io.ts';
import { success, unavailable, usageError, type Outcome } from './json-error.ts';

const HELP = `Usage: sipctx kamailio stats [<group:|name|all>] [--http host:port | --udp host:port]
       sipctx kamailio rpc <method> [<param>…] [--http host:port | --udp host:port]

Talks to Kamailio's own RPC (the jsonrpcs module) on its admin listener:
kamailio.cfg serves it over HTTP at /RPC on 127.0.0.1:5071 and over UDP on
127.0.0.1:5072. "stats" prints stats.get_statistics (all statistics by default,
or a group such as "tmx:", or one statistic); "rpc" calls any RPC method with
string parameters. Output is the RPC result as JSON.

Options:
  --http <host:port>   Kamailio's admin HTTP listener (default 127.0.0.1:5071)
  --udp <host:port>    use jsonrpcs over UDP instead
  --timeout <ms>       per call (default 2000)
  -h, --help           show this help

Examples:
  sipctx kamailio stats tmx:
  sipctx kamailio rpc core.version --udp 127.0.0.1:5072

Exit codes: 0 ok, 64 usage, 69 Kamailio unreachable, timed out or answered an
error (JSON error on stderr with code KAMAILIO_RPC_…).
`;

function hostPort(text: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (m === null || Number(m[2]) > 65535) return null;
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function target(args: CommandArgs): KamailioRpcTarget | string {
  const http = args.values['http'];
  const udp = args.values['udp'];
  if (typeof http === 'string' && typeof udp === 'string') return 'give --http or --udp, not both';
  if (typeof udp === 'string') {
    const hp = hostPort(udp);
    return hp === null ? `--udp: "${udp}" is not host:port` : { udp: hp };
  }
  const hp = hostPort(typeof http === 'string' ? http : '127.0.0.1:5071');
  return hp === null ? `--http: "${String(http)}" is not host:port` : { http: hp };
}

async function runKamailio(args: CommandArgs, _io: Io): Promise<Outcome> {
  const [action, ...rest] = args.positionals;
  const to = target(args);
  if (typeof to === 'string') return usageError(to, 'kamailio');
  const timeoutText = args.values['timeout'];
  const timeout = typeof timeoutText === 'string' ? Number(timeoutText) : 2000;
  if (!Number.isInteger(timeout) || timeout <= 0)
    return usageError('--timeout is milliseconds', 'kamailio');
  let method: string;
  let params: string[];
  if (action === 'stats') {
    if (rest.length > 1)
      return usageError('stats takes at most one group or statistic', 'kamailio');
    method = 'stats.get_statistics';
    params = [rest[0] ?? 'all'];
  } else if (action === 'rpc') {
    if (rest[0] === undefined) return usageError('rpc needs a method', 'kamailio');
    method = rest[0];
    params = rest.slice(1);
  } else {
    return usageError('expected "stats" or "rpc"', 'kamailio');
  }
  const r = await createKamailioRpc(to, timeout).call(method, params);
  if (!r.ok) {
    const rpcCode = r.error.rpcCode === undefined ? '' : ` (${r.error.rpcCode})`;
    return unavailable(r.error.code, `${r.error.message}${rpcCode}`);
  }
  return success(JSON.stringify(r.value, null, 2) + '\n');
}

export const kamailioCommand: Command = {
  name: 'kamailio',
  summary: "read Kamailio's statistics or call its RPC (jsonrpcs over HTTP or UDP)",
  help: HELP,
  options: { http: { type: 'string' }, udp: { type: 'string' }, timeout: { type: 'string' } },
  run: runKamailio,
};
