import { createSocket } from 'node:dgram';
import jayson from 'jayson';

/**
 * A client for Kamailio's own RPC interface (the jsonrpcs module): over HTTP at `/RPC` (with
 * xhttp), through jayson's HTTP client, or over UDP (`modparam("jsonrpcs", "dgram_socket", …)`),
 * one datagram each way. Kamailio answers an RPC error with HTTP status 500 and the JSON-RPC error
 * in the body, or on UDP with the error object; both come back here as `KAMAILIO_RPC_ERROR` with
 * Kamailio's own code and message. Nothing throws: every failure is a coded result.
 */

export type KamailioRpcTarget =
  | { readonly http: { readonly host: string; readonly port: number; readonly path?: string } }
  | { readonly udp: { readonly host: string; readonly port: number } };

export interface KamailioRpcError {
  readonly code:
    | 'KAMAILIO_RPC_ERROR'
    | 'KAMAILIO_RPC_UNREACHABLE'
    | 'KAMAILIO_RPC_TIMEOUT'
    | 'KAMAILIO_RPC_BAD_ANSWER';
  readonly message: string;
  /** Kamailio's error code (500 "Method Not Found", 400…) for KAMAILIO_RPC_ERROR. */
  readonly rpcCode?: number;
}

export type KamailioRpcResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: KamailioRpcError };

export interface KamailioRpc {
  call(method: string, params?: readonly unknown[]): Promise<KamailioRpcResult>;
}

function failed(
  code: KamailioRpcError['code'],
  message: string,
  rpcCode?: number,
): KamailioRpcResult {
  return {
    ok: false,
    error: rpcCode === undefined ? { code, message } : { code, message, rpcCode },
  };
}

/** A JSON-RPC answer (parsed) to a result: its `result`, or its `error` as KAMAILIO_RPC_ERROR. */
function fromAnswer(answer: unknown): KamailioRpcResult {
  if (answer === null || typeof answer !== 'object') {
    return failed('KAMAILIO_RPC_BAD_ANSWER', 'the answer is not a JSON-RPC object');
  }
  const a = answer as { result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.error !== undefined) {
    const code = typeof a.error.code === 'number' ? a.error.code : undefined;
    return failed('KAMAILIO_RPC_ERROR', String(a.error.message ?? 'RPC error'), code);
  }
  return 'result' in a
    ? { ok: true, value: a.result }
    : failed('KAMAILIO_RPC_BAD_ANSWER', 'no result');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

let nextId = 1;
const numericIds = (): number => nextId++;

function httpClient(
  target: { host: string; port: number; path?: string },
  timeoutMs: number,
): KamailioRpc {
  const client = jayson.client.http({
    host: target.host,
    port: target.port,
    path: target.path ?? '/RPC',
    timeout: timeoutMs,
    generator: numericIds,
  } as jayson.HttpClientOptions);
  return {
    call: (method, params = []) =>
      new Promise((resolve) => {
        const started = Date.now();
        client.request(method, [...params], (err: unknown, response: unknown) => {
          if (err === null || err === undefined) return resolve(fromAnswer(response));
          const e = err as { code?: unknown; message?: unknown };
          // jayson reports a non-2xx status with the body as the message: Kamailio's error answer.
          if (typeof e.code === 'number') {
            const body = parseJson(String(e.message));
            return resolve(
              body === undefined
                ? failed('KAMAILIO_RPC_ERROR', `HTTP ${e.code}`, e.code)
                : fromAnswer(body),
            );
          }
          // jayson ends a request that timed out by destroying its socket ("socket hang up").
          if (Date.now() - started >= timeoutMs) {
            return resolve(failed('KAMAILIO_RPC_TIMEOUT', `no answer in ${timeoutMs} ms`));
          }
          resolve(failed('KAMAILIO_RPC_UNREACHABLE', String(e.message ?? e.code ?? err)));
        });
      }),
  };
}

function udpClient(target: { host: string; port: number }, timeoutMs: number): KamailioRpc {
  return {
    call: (method, params = []) =>
      new Promise((resolve) => {
        const id = numericIds();
        const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
        const done = (r: KamailioRpcResult): void => {
          clearTimeout(timer);
          socket.close();
          resolve(r);
        };
        const timer = setTimeout(
          () => done(failed('KAMAILIO_RPC_TIMEOUT', `no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        socket.on('error', (e) => done(failed('KAMAILIO_RPC_UNREACHABLE', e.message)));
        socket.on('message', (msg) => {
          const answer = parseJson(msg.toString('utf8'));
          // A datagram that names another id (an earlier call that timed out) is not ours.
          const other = (answer as { id?: unknown } | null | undefined)?.id;
          if (typeof other === 'number' && other !== id) return;
          done(
            answer === undefined
              ? failed('KAMAILIO_RPC_BAD_ANSWER', 'not JSON')
              : fromAnswer(answer),
          );
        });
        const request = JSON.stringify({ jsonrpc: '2.0', method, params, id });
        socket.send(request, target.port, target.host);
      }),
  };
}

/** A client for one Kamailio's RPC; `timeoutMs` (default 2000) bounds each call. */
export function createKamailioRpc(target: KamailioRpcTarget, timeoutMs = 2000): KamailioRpc {
  return 'http' in target ? httpClient(target.http, timeoutMs) : udpClient(target.udp, timeoutMs);
}
