import { createServer, type Server, type Socket } from 'node:net';
import type { Server as JaysonServer } from 'jayson';
import { encodeNetstring, NetstringDecoder, type NetstringError } from './netstring.ts';

/**
 * JSON-RPC 2.0 over netstrings on TCP, the way Kamailio's janssonrpcc talks: one persistent
 * connection per configured server, requests pipelined, each answered as soon as it is done (the
 * numeric `id` matches answers to requests, so order does not matter). The method table is a
 * jayson server, the same one the HTTP transport uses; this file is only the framing and the
 * defences a long-lived connection needs:
 * - a frame over `maxFrameBytes`, a bad length or a missing "," closes the connection (netstrings
 *   cannot resynchronise); a frame that is not JSON gets JSON-RPC's -32700 answer and the
 *   connection stays up;
 * - at most `maxInFlight` requests per connection are being answered at once; the others wait,
 *   and reading pauses while any wait, so a fast writer cannot queue unbounded work;
 * - a peer that does not read its answers (more than `maxBufferedBytes` waiting) or sends nothing
 *   for `idleTimeoutMs` is dropped.
 */

export interface NetstringServerOptions {
  readonly maxFrameBytes?: number;
  readonly maxInFlight?: number;
  readonly maxBufferedBytes?: number;
  /** 0 keeps idle connections (janssonrpcc keeps one open and idle between calls). */
  readonly idleTimeoutMs?: number;
  /** Told about every connection dropped, with why; for logs and metrics. */
  readonly onDrop?: (reason: DropReason, detail: string) => void;
}

export type DropReason =
  NetstringError['code'] | 'RPC_SLOW_READER' | 'RPC_IDLE' | 'RPC_SOCKET_ERROR';

export const NETSTRING_DEFAULTS = {
  maxFrameBytes: 1024 * 1024,
  maxInFlight: 256,
  maxBufferedBytes: 8 * 1024 * 1024,
  idleTimeoutMs: 0,
} as const;

function answer(server: JaysonServer, frame: Uint8Array): Promise<unknown> {
  return new Promise((resolve) => {
    // jayson parses the text itself, answering -32700 / -32600 for bad JSON or requests.
    server.call(Buffer.from(frame).toString('utf8'), (error, response) =>
      resolve(error ?? response),
    );
  });
}

function serveConnection(
  socket: Socket,
  server: JaysonServer,
  o: Required<NetstringServerOptions>,
): void {
  const decoder = new NetstringDecoder({ maxFrameBytes: o.maxFrameBytes });
  // Frames read but not yet dispatched: at most one socket chunk's worth, since reading pauses
  // while any wait.
  const queue: Uint8Array[] = [];
  let inFlight = 0;
  const drop = (reason: DropReason, detail: string): void => {
    if (socket.destroyed) return;
    o.onDrop(reason, detail);
    socket.destroy();
  };
  const reply = (response: unknown): void => {
    // A notification has no answer.
    if (response === undefined || socket.destroyed) return;
    socket.write(encodeNetstring(JSON.stringify(response)));
    if (socket.writableLength > o.maxBufferedBytes) {
      drop('RPC_SLOW_READER', `${socket.writableLength} bytes of answers not read`);
    }
  };
  const pump = (): void => {
    while (inFlight < o.maxInFlight && queue.length > 0) {
      inFlight++;
      void answer(server, queue.shift() as Uint8Array).then((response) => {
        inFlight--;
        reply(response);
        pump();
      });
    }
    if (queue.length === 0 && socket.isPaused() && !socket.destroyed) socket.resume();
  };
  socket.setNoDelay(true);
  if (o.idleTimeoutMs > 0) {
    socket.setTimeout(o.idleTimeoutMs, () => drop('RPC_IDLE', `no data for ${o.idleTimeoutMs} ms`));
  }
  socket.on('error', (e) => drop('RPC_SOCKET_ERROR', e.message));
  socket.on('data', (chunk: Buffer) => {
    // Answers finished in this turn (a chunk often carries several requests) go out in one write.
    if (socket.writableCorked === 0) {
      socket.cork();
      setImmediate(() => socket.uncork());
    }
    const r = decoder.push(chunk);
    queue.push(...r.frames);
    if (queue.length > 0 && inFlight + queue.length > o.maxInFlight) socket.pause();
    pump();
    if (!r.ok) drop(r.error.code, `${r.error.message} at byte ${r.error.offset}`);
  });
}

/** A TCP server answering netstring-framed JSON-RPC with `server`'s methods; call `listen` on it. */
export function createNetstringRpcServer(
  server: JaysonServer,
  options: NetstringServerOptions = {},
): Server {
  const o: Required<NetstringServerOptions> = {
    maxFrameBytes: options.maxFrameBytes ?? NETSTRING_DEFAULTS.maxFrameBytes,
    maxInFlight: options.maxInFlight ?? NETSTRING_DEFAULTS.maxInFlight,
    maxBufferedBytes: options.maxBufferedBytes ?? NETSTRING_DEFAULTS.maxBufferedBytes,
    idleTimeoutMs: options.idleTimeoutMs ?? NETSTRING_DEFAULTS.idleTimeoutMs,
    onDrop: options.onDrop ?? (() => undefined),
  };
  return createServer((socket) => serveConnection(socket, server, o));
}
