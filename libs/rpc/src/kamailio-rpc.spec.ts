import { createSocket } from 'node:dgram';
import { createServer as createHttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKamailioRpc, type KamailioRpc } from './kamailio-rpc.ts';
import { freePort, startKamailio, waitFor, type RunningKamailio } from './testing/kamailio.ts';

/** Against a real Kamailio 5.6 with jsonrpcs over HTTP (xhttp) and UDP, on loopback. */

const cfg = (http: number, sip: number, udp: number) => `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:${sip}
listen=tcp:127.0.0.1:${http}
tcp_accept_no_cl=yes
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "kex.so"
loadmodule "xhttp.so"
loadmodule "jsonrpcs.so"
modparam("jsonrpcs", "transport", 0)
modparam("jsonrpcs", "fifo_name", "")
modparam("jsonrpcs", "dgram_socket", "udp:127.0.0.1:${udp}")
request_route { send_reply("404", "Not Found"); exit; }
event_route[xhttp:request] {
  if ($hu =~ "^/RPC") { jsonrpc_dispatch(); exit; }
  xhttp_reply("404", "Not Found", "text/plain", "");
}
`;

let kamailio: RunningKamailio;
let http: KamailioRpc;
let udp: KamailioRpc;
let ports: { http: number; udp: number };

beforeAll(async () => {
  ports = { http: await freePort('tcp'), udp: await freePort('udp') };
  kamailio = await startKamailio(cfg(ports.http, await freePort('udp'), ports.udp));
  http = createKamailioRpc({ http: { host: '127.0.0.1', port: ports.http } });
  udp = createKamailioRpc({ udp: { host: '127.0.0.1', port: ports.udp } });
  const up = await waitFor(async () => (await http.call('core.version')).ok, 15_000);
  if (!up) throw new Error(`kamailio did not answer:\n${kamailio.log()}`);
}, 30_000);

afterAll(async () => {
  await kamailio?.stop();
}, 30_000);

describe('Kamailio RPC over HTTP', () => {
  it('core.version', async () => {
    const r = await http.call('core.version');
    expect(r.ok && String(r.value)).toMatch(/^kamailio 5\./);
  });
  it('stats.get_statistics', async () => {
    const r = await http.call('stats.get_statistics', ['all']);
    expect(r.ok && JSON.stringify(r.value)).toContain('core:rcv_requests');
  });
  it('an unknown method is KAMAILIO_RPC_ERROR with Kamailio code and message', async () => {
    const r = await http.call('sipctx.nope');
    expect(r.ok ? r : r.error).toEqual({
      code: 'KAMAILIO_RPC_ERROR',
      message: 'Method Not Found',
      rpcCode: 500,
    });
  });
  it('nothing listening is KAMAILIO_RPC_UNREACHABLE', async () => {
    const closed = createKamailioRpc({ http: { host: '127.0.0.1', port: await freePort('tcp') } });
    const r = await closed.call('core.version');
    expect(r.ok ? 'ok' : r.error.code).toBe('KAMAILIO_RPC_UNREACHABLE');
  });
});

describe('Kamailio RPC over UDP', () => {
  it('core.uptime', async () => {
    const r = await udp.call('core.uptime');
    expect(r.ok && typeof (r.value as { uptime?: unknown }).uptime).toBe('number');
  });
  it('an unknown method', async () => {
    const r = await udp.call('sipctx.nope');
    expect(r.ok ? 'ok' : [r.error.code, r.error.rpcCode]).toEqual(['KAMAILIO_RPC_ERROR', 500]);
  });
  it('no answer is KAMAILIO_RPC_TIMEOUT', async () => {
    const silent = createKamailioRpc(
      { udp: { host: '127.0.0.1', port: await freePort('udp') } },
      200,
    );
    const r = await silent.call('core.uptime');
    expect(r.ok ? 'ok' : r.error.code).toBe('KAMAILIO_RPC_TIMEOUT');
  });
});

describe('answers that are not what Kamailio sends', () => {
  it.each([
    ['not JSON', () => 'garbage', 'KAMAILIO_RPC_BAD_ANSWER'],
    ['not an object', () => '42', 'KAMAILIO_RPC_BAD_ANSWER'],
    [
      'neither result nor error',
      (id: number) => JSON.stringify({ jsonrpc: '2.0', id }),
      'KAMAILIO_RPC_BAD_ANSWER',
    ],
    [
      'an error without a numeric code',
      (id: number) => JSON.stringify({ jsonrpc: '2.0', id, error: { message: 'x' } }),
      'KAMAILIO_RPC_ERROR',
    ],
  ])('UDP: %s', async (_, reply, code) => {
    const server = createSocket('udp4');
    server.on('message', (msg, from) => {
      const id = (JSON.parse(msg.toString()) as { id: number }).id;
      // A stray datagram for another id first: it is not the answer.
      server.send(
        JSON.stringify({ jsonrpc: '2.0', id: id + 1000, result: 'stray' }),
        from.port,
        from.address,
      );
      server.send(reply(id), from.port, from.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const client = createKamailioRpc(
      { udp: { host: '127.0.0.1', port: server.address().port } },
      2000,
    );
    const r = await client.call('core.version');
    server.close();
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });

  it.each([
    ['an HTTP error with a body that is not JSON', 'KAMAILIO_RPC_ERROR', 50],
    ['no answer in time', 'KAMAILIO_RPC_TIMEOUT', 1000],
  ])('HTTP: %s', async (_, code, delay) => {
    const server = createHttpServer((req, res) => {
      setTimeout(() => {
        res.statusCode = 500;
        res.end('Internal Error');
      }, delay);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const client = createKamailioRpc({ http: { host: '127.0.0.1', port } }, 300);
    const r = await client.call('core.version');
    server.closeAllConnections();
    server.close();
    expect(r.ok ? 'ok' : r.error.code).toBe(code);
  });
});
