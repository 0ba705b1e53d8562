import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket as NetSocket } from 'node:net';
import { evaluateMessage, kamailioDecision, loadPolicy } from '@sipctx/policy';
import jayson from 'jayson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKamailioRpc } from './kamailio-rpc.ts';
import { createNetstringRpcServer } from './netstring-server.ts';
import {
  freePort,
  freePortBoth,
  startKamailio,
  waitFor,
  type RunningKamailio,
} from './testing/kamailio.ts';

/**
 * kamailio/kamailio.cfg for real: Kamailio 5.6 asks a policy.evaluate method (the policy engine
 * behind this library's netstring server) about each initial INVITE over janssonrpcc, applies the
 * decision and relays to a UDP endpoint standing in for the agent platform. The service proper
 * (apps/policy-service, issue 5) will answer the same method.
 */

const policy = loadPolicy(`
version: 1
name: glue-test
match: all
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
rules:
  - name: tcp
    when: { header: { name: X-Want, equals: tcp } }
    then: { transport: tcp }
  - name: flow
    then:
      headers:
        - { op: add, name: X-Flow, value: 'vip {{ caller_number }}' }
        - { op: remove, name: X-Remove-Me }
`);

function evaluateForKamailio(params: { msg: string; src: string; port: number; proto: string }) {
  if (!policy.ok) throw new Error(policy.error.message);
  const transport = (['udp', 'tcp', 'tls'].includes(params.proto) ? params.proto : 'udp') as 'udp';
  const r = evaluateMessage(
    { message: params.msg, source: { address: params.src, port: params.port, transport } },
    null,
    policy.value,
  );
  if (!r.ok)
    return { error: { code: -32602, message: r.error.message, data: { code: r.error.code } } };
  return { result: kamailioDecision(r.value.wire) };
}

const methods = new jayson.Server({
  'policy.evaluate': (
    params: { msg: string; src: string; port: number; proto: string },
    cb: (e: unknown, r?: unknown) => void,
  ) => {
    const out = evaluateForKamailio(params);
    if ('error' in out) cb(out.error);
    else cb(null, out.result);
  },
});

let kamailio: RunningKamailio;
let service: Server;
const connections: NetSocket[] = [];
let uas: UdpSocket;
let uasTcp: Server;
const tcpPeers: NetSocket[] = [];
let uac: UdpSocket;
let ports: { sip: number; rpc: number; uas: number; admin: number; adminUdp: number };
const received: string[] = [];

function invite(callId: string, extra: string[] = []): string {
  return [
    `INVITE sip:+15557654321@127.0.0.1:${ports.uas} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${uac.address().port};branch=z9hG4bK-${callId}`,
    'Max-Forwards: 70',
    '"Caller" <sip:+15551234567@127.0.0.1>;tag=abc'.replace(/^/, 'From: '),
    `To: <sip:+15557654321@127.0.0.1:${ports.uas}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:+15551234567@127.0.0.1:${uac.address().port}>`,
    'X-Keep: kept  as   written',
    'X-Remove-Me: gone',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function relayed(callId: string): Promise<string | undefined> {
  await waitFor(async () => received.some((m) => m.includes(`Call-ID: ${callId}`)), 5000);
  return received.find((m) => m.includes(`Call-ID: ${callId}`));
}

beforeAll(async () => {
  ports = {
    sip: await freePort('udp'),
    rpc: await freePort('tcp'),
    uas: await freePortBoth(),
    admin: await freePort('tcp'),
    adminUdp: await freePort('udp'),
  };
  uas = createSocket('udp4');
  uas.on('message', (m) => received.push(m.toString('utf8')));
  await new Promise<void>((r) => uas.bind(ports.uas, '127.0.0.1', r));
  // The same endpoint on TCP, for requests the policy sends over TCP.
  uasTcp = createNetServer((c) => {
    tcpPeers.push(c);
    c.on('data', (d) => received.push(`TCP ${d.toString('utf8')}`));
  });
  await new Promise<void>((r) => uasTcp.listen(ports.uas, '127.0.0.1', r));
  uac = createSocket('udp4');
  await new Promise<void>((r) => uac.bind(0, '127.0.0.1', r));
  service = createNetstringRpcServer(methods);
  service.on('connection', (c) => connections.push(c));
  await new Promise<void>((r) => service.listen(ports.rpc, '127.0.0.1', r));
  const cfg = readFileSync(new URL('../../../kamailio/kamailio.cfg', import.meta.url), 'utf8');
  kamailio = await startKamailio(cfg, [
    `SIPCTX_LISTEN=udp:127.0.0.1:${ports.sip}`,
    `SIPCTX_LISTEN_TCP=tcp:127.0.0.1:${ports.sip}`,
    `SIPCTX_RPC_SERVER="conn=policy;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
    `SIPCTX_RPC_NOTIFY="conn=notify;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
    `SIPCTX_ADMIN_PORT=${ports.admin}`,
    `SIPCTX_ADMIN_RPC_UDP="udp:127.0.0.1:${ports.adminUdp}"`,
  ]);
  // Ready once a probe INVITE is relayed with a decision: the policy connection is up (one
  // relayed without it went through fail open, before janssonrpcc connected).
  const ok = await waitFor(async () => {
    uac.send(invite('probe-' + Date.now()), ports.sip, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    return received.some((m) => m.includes('Call-ID: probe-') && m.includes('X-Flow: vip'));
  }, 15_000);
  if (!ok) throw new Error(`kamailio did not relay:\n${kamailio.log()}`);
}, 30_000);

afterAll(async () => {
  await kamailio?.stop();
  uas?.close();
  uac?.close();
  for (const c of [...connections, ...tcpPeers]) c.destroy();
  if (service?.listening) await new Promise((r) => service.close(r));
  if (uasTcp?.listening) await new Promise((r) => uasTcp.close(r));
}, 30_000);

describe('kamailio.cfg with the policy engine behind janssonrpcc', () => {
  it('applies the decision: header added, header removed, the rest byte for byte', async () => {
    uac.send(invite('call-1'), ports.sip, '127.0.0.1');
    const m = await relayed('call-1');
    expect(m).toBeDefined();
    expect(m).toContain('\r\nX-Flow: vip +15551234567\r\n');
    expect(m).not.toContain('X-Remove-Me');
    expect(m).toContain('\r\nX-Keep: kept  as   written\r\n');
    expect(m).toContain('\r\nFrom: "Caller" <sip:+15551234567@127.0.0.1>;tag=abc\r\n');
    expect(m).toMatch(/\r\nRecord-Route: <sip:127\.0\.0\.1:\d+;lr=on;ftag=abc>\r\n/);
  });

  it('a decision to use TCP relays over TCP', async () => {
    uac.send(invite('call-tcp', ['X-Want: tcp']), ports.sip, '127.0.0.1');
    const m = await relayed('call-tcp');
    expect(m?.startsWith('TCP INVITE ')).toBe(true);
    expect(m).toMatch(/\r\nVia: SIP\/2\.0\/TCP 127\.0\.0\.1/);
  });

  it('fails open: with the service gone, the request is relayed unchanged', async () => {
    // The service dies: no more connections, and janssonrpcc's one is cut.
    const closed = new Promise((r) => service.close(r));
    for (const c of connections) c.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 500));
    uac.send(invite('call-2'), ports.sip, '127.0.0.1');
    const m = await relayed('call-2');
    expect(m).toBeDefined();
    expect(m).toContain('\r\nX-Remove-Me: gone\r\n');
    expect(m).not.toContain('X-Flow');
  });
});

describe('the service restarted', () => {
  it('decisions apply again within seconds (janssonrpcc reconnects)', async () => {
    service = createNetstringRpcServer(methods);
    service.on('connection', (c) => connections.push(c));
    await new Promise<void>((r) => service.listen(ports.rpc, '127.0.0.1', r));
    const started = Date.now();
    let n = 0;
    const back = await waitFor(async () => {
      const id = `call-back-${n++}`;
      uac.send(invite(id), ports.sip, '127.0.0.1');
      const m = await relayed(id);
      return m?.includes('X-Flow: vip') === true;
    }, 20_000);
    expect(back, kamailio.log()).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});

describe('the admin listener', () => {
  it('serves Kamailio RPC on HTTP /RPC and UDP', async () => {
    const http = createKamailioRpc({ http: { host: '127.0.0.1', port: ports.admin } });
    const version = await http.call('core.version');
    expect(version.ok && String(version.value)).toMatch(/^kamailio 5\./);
    const udp = createKamailioRpc({ udp: { host: '127.0.0.1', port: ports.adminUdp } });
    expect((await udp.call('core.uptime')).ok).toBe(true);
  });

  it('serves /metrics with what the glue decided, by outcome', async () => {
    const text = await (await fetch(`http://127.0.0.1:${ports.admin}/metrics`)).text();
    expect(text).toMatch(/kamailio_sipctx_policy_requests_total\{outcome="decided"\} [1-9]/);
    expect(text).toMatch(/kamailio_sipctx_policy_requests_total\{outcome="failed"\} [1-9]/);
    expect(text).toContain('kamailio_core_rcv_requests');
  });

  it('does not serve HTTP on the SIP port', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.sip}/RPC`, {
      method: 'POST',
      body: '{"jsonrpc":"2.0","method":"core.version","id":1}',
    });
    expect(res.status).toBe(403);
  });
});

describe('defines', () => {
  const cfgPath = new URL('../../../kamailio/kamailio.cfg', import.meta.url);

  // Every combination of the optional features (2^6 = 64), each with the values it needs.
  const features: readonly (readonly string[])[] = [
    ['WITH_FAIL_CLOSED'],
    [
      'SIPCTX_RPC_STANDBY="conn=policy;addr=127.0.0.1;port=8092;priority=20;weight=10"',
      'SIPCTX_RPC_NOTIFY_STANDBY="conn=notify;addr=127.0.0.1;port=8092;priority=20;weight=10"',
    ],
    ['SIPCTX_ALLOW_SOURCES="10.0.0.0/8,127.0.0.1/32"'],
    [
      'WITH_AUTH',
      'SIPCTX_AUTH_REALM="carrier.example"',
      'SIPCTX_AUTH_USER="u"',
      'SIPCTX_AUTH_PASSWORD="p"',
    ],
    ['SIPCTX_BENCH_NATIVE'],
    ['SIPCTX_POLICY_CAP_MS=500', 'SIPCTX_RPC_OPTIONS="route=POLICY_RESUME;retry=0;timeout=100"'],
  ];
  const combinations = Array.from({ length: 1 << features.length }, (_, mask) => [
    features.flatMap((f, i) => ((mask >> i) & 1 ? f : [])),
  ]);

  it.each(combinations)('kamailio -c accepts %j', (defines: string[]) => {
    const r = spawnSync(
      'kamailio',
      ['-c', '-f', cfgPath.pathname, ...defines.flatMap((d) => ['-A', d])],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
  });

  it('WITH_FAIL_CLOSED: no service, the INVITE is answered 503', async () => {
    const sip = await freePort('udp');
    const closed = await startKamailio(readFileSync(cfgPath, 'utf8'), [
      'WITH_FAIL_CLOSED',
      `SIPCTX_LISTEN=udp:127.0.0.1:${sip}`,
      `SIPCTX_LISTEN_TCP=tcp:127.0.0.1:${sip}`,
      `SIPCTX_RPC_SERVER="conn=policy;addr=127.0.0.1;port=${await freePort('tcp')};priority=10;weight=10"`,
      `SIPCTX_ADMIN_PORT=${await freePort('tcp')}`,
      `SIPCTX_ADMIN_RPC_UDP="udp:127.0.0.1:${await freePort('udp')}"`,
    ]);
    const answers: string[] = [];
    const onAnswer = (m: Buffer) => answers.push(m.toString('utf8'));
    uac.on('message', onAnswer);
    try {
      const got = await waitFor(async () => {
        uac.send(invite(`closed-${Date.now()}`), sip, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 300));
        return answers.some((a) => a.startsWith('SIP/2.0 503 '));
      }, 15_000);
      expect(got, closed.log()).toBe(true);
      expect(received.some((m) => m.includes('Call-ID: closed-'))).toBe(false);
    } finally {
      uac.off('message', onAnswer);
      await closed.stop();
    }
  }, 30_000);
});
