import { connect, type AddressInfo, type Server, type Socket } from 'node:net';
import jayson from 'jayson';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeNetstring, NetstringDecoder } from './netstring.ts';
import {
  createNetstringRpcServer,
  type DropReason,
  type NetstringServerOptions,
} from './netstring-server.ts';

/** Real TCP on loopback: a jayson method table behind the netstring transport. */

let running = 0;
let mostRunning = 0;
const methods = new jayson.Server({
  track: (params: number[], cb: (e: null, r: number) => void) => {
    running++;
    mostRunning = Math.max(mostRunning, running);
    setTimeout(() => {
      running--;
      cb(null, params[0] ?? 0);
    }, 5);
  },
  add: (params: number[], cb: (e: null, r: number) => void) =>
    cb(null, (params[0] ?? 0) + (params[1] ?? 0)),
  slow: (params: number[], cb: (e: null, r: number) => void) =>
    setTimeout(() => cb(null, params[0] ?? 0), params[1] ?? 0),
  fail: (_: unknown, cb: (e: { code: number; message: string; data: object }) => void) =>
    cb({ code: -32602, message: 'Invalid params', data: { code: 'POLICY_BAD_REQUEST' } }),
});

const open: (Server | Socket)[] = [];
afterEach(async () => {
  // Clients first: a server closes only once its connections have.
  for (const x of open.splice(0).reverse()) {
    if ('destroy' in x) x.destroy();
    else await new Promise((r) => x.close(r));
  }
});

async function start(options: NetstringServerOptions = {}) {
  const drops: { reason: DropReason; detail: string }[] = [];
  const server = createNetstringRpcServer(methods, {
    ...options,
    onDrop: (reason, detail) => drops.push({ reason, detail }),
  });
  open.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const socket = connect(port, '127.0.0.1');
  open.push(socket);
  socket.on('error', () => undefined); // the server may drop us mid-write: that is under test
  await new Promise((r) => socket.once('connect', r));
  const decoder = new NetstringDecoder({ maxFrameBytes: 1 << 20 });
  const answers: unknown[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => {
    for (const f of decoder.push(chunk).frames)
      answers.push(JSON.parse(Buffer.from(f).toString('utf8')));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const until = async (n: number, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (answers.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${answers.length} answers`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return answers;
  };
  return { socket, answers, until, closed, drops };
}

const req = (id: number, method: string, params: unknown) =>
  encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id, method, params }));

describe('netstring JSON-RPC server', () => {
  it('answers pipelined requests, numeric ids echoed, each as soon as it is done', async () => {
    const c = await start();
    c.socket.write(
      Buffer.concat([req(1, 'slow', [10, 80]), req(2, 'add', [2, 3]), req(3, 'add', [40, 2])]),
    );
    const answers = await c.until(3);
    expect(answers).toEqual([
      { jsonrpc: '2.0', id: 2, result: 5 },
      { jsonrpc: '2.0', id: 3, result: 42 },
      { jsonrpc: '2.0', id: 1, result: 10 },
    ]);
  });

  it('a frame split across writes, and one byte at a time', async () => {
    const c = await start();
    const wire = req(7, 'add', [1, 1]);
    for (const byte of wire) c.socket.write(Buffer.from([byte]));
    expect(await c.until(1)).toEqual([{ jsonrpc: '2.0', id: 7, result: 2 }]);
  });

  it('JSON-RPC errors: unknown method, invalid request, error data from the method', async () => {
    const c = await start();
    c.socket.write(
      Buffer.concat([req(1, 'nope', []), encodeNetstring('{"foo":1}'), req(3, 'fail', [])]),
    );
    const answers = (await c.until(3)) as {
      id: number | null;
      error: { code: number; data?: unknown };
    }[];
    const byCode = answers.map((a) => [a.id, a.error.code]).sort();
    expect(byCode).toEqual(
      [
        [1, -32601],
        [3, -32602],
        [null, -32600],
      ].sort(),
    );
    expect(answers.find((a) => a.id === 3)?.error.data).toEqual({ code: 'POLICY_BAD_REQUEST' });
  });

  it('a frame that is not JSON gets -32700 and the connection stays up', async () => {
    const c = await start();
    c.socket.write(Buffer.concat([encodeNetstring('{not json'), req(2, 'add', [1, 2])]));
    const answers = (await c.until(2)) as {
      id: number | null;
      error?: { code: number };
      result?: number;
    }[];
    expect(answers.find((a) => a.id === null)?.error?.code).toBe(-32700);
    expect(answers.find((a) => a.id === 2)?.result).toBe(3);
  });

  it('a notification gets no answer', async () => {
    const c = await start();
    c.socket.write(
      Buffer.concat([
        encodeNetstring(JSON.stringify({ jsonrpc: '2.0', method: 'add', params: [1, 2] })),
        req(9, 'add', [0, 0]),
      ]),
    );
    expect(await c.until(1)).toEqual([{ jsonrpc: '2.0', id: 9, result: 0 }]);
  });

  it.each([
    ['a bad length', Buffer.from('x:{}'), 'RPC_BAD_LENGTH'],
    ['a frame over the limit', Buffer.from('99999:'), 'RPC_FRAME_TOO_LARGE'],
    ['a missing comma', Buffer.from('2:{}}'), 'RPC_BAD_TERMINATOR'],
  ])('%s closes the connection, after answering what came before', async (_, bad, reason) => {
    const c = await start({ maxFrameBytes: 1000 });
    c.socket.write(Buffer.concat([req(1, 'add', [1, 2]), bad]));
    await c.closed;
    expect(c.drops.map((d) => d.reason)).toEqual([reason]);
  });

  it('an idle connection is dropped when asked', async () => {
    const c = await start({ idleTimeoutMs: 100 });
    await c.closed;
    expect(c.drops.map((d) => d.reason)).toEqual(['RPC_IDLE']);
  });

  it('bounds the work in flight per connection, and still answers everything', async () => {
    const c = await start({ maxInFlight: 2 });
    mostRunning = 0;
    const many = Array.from({ length: 20 }, (_, i) => req(i + 1, 'track', [i]));
    c.socket.write(Buffer.concat(many));
    const answers = (await c.until(20)) as { id: number; result: number }[];
    expect(answers.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(answers.every((a) => a.result === a.id - 1)).toBe(true);
    expect(mostRunning).toBe(2);
  });

  it('drops a peer that does not read its answers', async () => {
    const c = await start({ maxBufferedBytes: 64 * 1024 });
    c.socket.pause();
    const big = 'x'.repeat(60_000);
    const echo = Array.from({ length: 200 }, (_, i) =>
      encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'nope', params: [big] })),
    );
    // Unknown-method errors are small; use add with a long string to make large answers.
    void echo;
    const bigAnswers = Array.from({ length: 400 }, (_, i) => req(i, 'add', [big, big]));
    c.socket.write(Buffer.concat(bigAnswers));
    await c.closed;
    expect(c.drops.map((d) => d.reason)).toContain('RPC_SLOW_READER');
  });
});
