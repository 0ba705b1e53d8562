import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stderrJson } from './testing/fake-io.ts';

/**
 * Against a stand-in for the service's HTTP JSON-RPC (the real service answers the same method in
 * apps/policy-service; test/ runs this command against it end to end).
 */
const CONTEXT = { call_id: 'known@x', flow: 'vip_support_flow', state: { tier: 'vip' } };
let server: Server;
let port = 0;
const asked: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const rpc = JSON.parse(body) as { id: number; method: string; params: { call_id: string } };
      asked.push({ url: req.url, method: rpc.method, params: rpc.params });
      const id = rpc.params.call_id;
      if (id === 'slow@x') return; // never answers
      if (id === 'http-error@x') {
        res.writeHead(500).end();
        return;
      }
      const answer =
        id === 'known@x'
          ? { jsonrpc: '2.0', id: rpc.id, result: CONTEXT }
          : id === 'store-down@x'
            ? {
                jsonrpc: '2.0',
                id: rpc.id,
                error: {
                  code: -32002,
                  message: 'the store failed',
                  data: { code: 'STORE_UNAVAILABLE' },
                },
              }
            : {
                jsonrpc: '2.0',
                id: rpc.id,
                error: { code: -32001, message: 'no', data: { code: 'CONTEXT_NOT_FOUND' } },
              };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  port = typeof a === 'object' && a !== null ? a.port : 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('sipctx context', () => {
  it('prints the stored context, asked by context.get on POST /rpc', async () => {
    const r = await runCli(['context', 'known@x', '--service', `127.0.0.1:${port}`]);
    expect([r.exitCode, JSON.parse(r.stdout)]).toEqual([0, CONTEXT]);
    expect(asked.at(-1)).toEqual({
      url: '/rpc',
      method: 'context.get',
      params: { call_id: 'known@x' },
    });
  });

  it('takes the service address from SIPCTX_HTTP_LISTEN when --service is not given', async () => {
    const r = await runCli(['context', 'known@x'], undefined, undefined, {
      SIPCTX_HTTP_LISTEN: `127.0.0.1:${port}`,
    });
    expect(r.exitCode).toBe(0);
  });

  it('no context: exit 1 with CONTEXT_NOT_FOUND', async () => {
    const r = await runCli(['context', 'unknown@x', '--service', `127.0.0.1:${port}`]);
    expect([r.exitCode, stderrJson(r)['code']]).toEqual([1, 'CONTEXT_NOT_FOUND']);
  });

  it.each([
    ['store-down@x', [], 'STORE_UNAVAILABLE'],
    ['http-error@x', [], 'SERVICE_UNREACHABLE'],
    ['slow@x', ['--timeout', '200'], 'SERVICE_TIMEOUT'],
  ])('%s: exit 69 with %s', async (callId, extra, code) => {
    const r = await runCli(['context', callId, '--service', `127.0.0.1:${port}`, ...extra]);
    expect([r.exitCode, stderrJson(r)['code']]).toEqual([69, code]);
  });

  it('nothing listening: exit 69 SERVICE_UNREACHABLE', async () => {
    const r = await runCli(['context', 'known@x', '--service', '127.0.0.1:1']);
    expect([r.exitCode, stderrJson(r)['code']]).toEqual([69, 'SERVICE_UNREACHABLE']);
  });

  it.each([
    [['context']],
    [['context', 'a', 'b']],
    [['context', 'a', '--service', 'http://x:1']],
    [['context', 'a', '--timeout', '0']],
  ])('%j is a usage error', async (argv) => {
    expect((await runCli(argv)).exitCode).toBe(64);
  });
});
