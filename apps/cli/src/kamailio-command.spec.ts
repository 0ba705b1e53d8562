import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/fake-io.ts';

/** Against a stand-in for Kamailio's jsonrpcs on UDP (libs/rpc tests the client on a real one). */
const server = createSocket('udp4');
let port = 0;

beforeAll(async () => {
  server.on('message', (msg, from) => {
    const req = JSON.parse(msg.toString()) as { id: number; method: string; params: string[] };
    const answer =
      req.method === 'stats.get_statistics'
        ? { jsonrpc: '2.0', id: req.id, result: [`${req.params[0]} = 1`] }
        : req.method === 'core.version'
          ? { jsonrpc: '2.0', id: req.id, result: 'kamailio 5.6.3' }
          : { jsonrpc: '2.0', id: req.id, error: { code: 500, message: 'Method Not Found' } };
    server.send(JSON.stringify(answer), from.port, from.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  port = server.address().port;
});
afterAll(() => server.close());

describe('sipctx kamailio', () => {
  it('stats: all by default, or a group', async () => {
    const all = await runCli(['kamailio', 'stats', '--udp', `127.0.0.1:${port}`]);
    expect([all.exitCode, JSON.parse(all.stdout)]).toEqual([0, ['all = 1']]);
    const tmx = await runCli(['kamailio', 'stats', 'tmx:', '--udp', `127.0.0.1:${port}`]);
    expect(JSON.parse(tmx.stdout)).toEqual(['tmx: = 1']);
  });

  it('rpc: any method', async () => {
    const r = await runCli(['kamailio', 'rpc', 'core.version', '--udp', `127.0.0.1:${port}`]);
    expect([r.exitCode, JSON.parse(r.stdout)]).toEqual([0, 'kamailio 5.6.3']);
  });

  it('an RPC error or no answer: exit 69 with a coded error', async () => {
    const err = await runCli(['kamailio', 'rpc', 'nope', '--udp', `127.0.0.1:${port}`]);
    expect(err.exitCode).toBe(69);
    expect(JSON.parse(err.stderr)).toEqual({
      code: 'KAMAILIO_RPC_ERROR',
      message: 'Method Not Found (500)',
    });
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const timeout = await runCli([
      'kamailio',
      'stats',
      '--udp',
      `127.0.0.1:${silent.address().port}`,
      '--timeout',
      '200',
    ]);
    silent.close();
    expect([timeout.exitCode, (JSON.parse(timeout.stderr) as { code: string }).code]).toEqual([
      69,
      'KAMAILIO_RPC_TIMEOUT',
    ]);
  });

  it.each([
    [['kamailio']],
    [['kamailio', 'restart']],
    [['kamailio', 'rpc']],
    [['kamailio', 'stats', 'a', 'b']],
    [['kamailio', 'stats', '--udp', 'nowhere']],
    [['kamailio', 'stats', '--http', 'x:1', '--udp', 'y:2']],
    [['kamailio', 'stats', '--timeout', 'soon']],
  ])('%j is a usage error', async (argv) => {
    expect((await runCli(argv)).exitCode).toBe(64);
  });
});
