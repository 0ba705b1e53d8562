import { createHash } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Server, Socket as NetSocket } from 'node:net';
import jayson from 'jayson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetstringRpcServer } from './netstring-server.ts';
import { freePort, startKamailio, waitFor, type RunningKamailio } from './testing/kamailio.ts';

/**
 * kamailio/kamailio.cfg beyond the decision itself: BYE and CANCEL end the call's context
 * (a `context.end` notification), the hard cap on waiting for a decision, the wait histogram, and
 * inbound access control (source allowlist, digest credentials). Real Kamailio on loopback; the
 * service side is a method table behind this library's netstring server.
 */

const cfg = readFileSync(new URL('../../../kamailio/kamailio.cfg', import.meta.url), 'utf8');

interface Lab {
  kamailio: RunningKamailio;
  sip: number;
  admin: number;
  rpc: Server;
  rpcPort: number;
  rpcConnections: NetSocket[];
  /** Requests the agent side (a UDP socket) received. */
  received: string[];
  uas: UdpSocket;
  ended: string[];
  evaluated: number;
}

const DECISION = {
  remove: '',
  append: 'X-Decided: yes\r\n',
  ruri: '',
  duri: '',
  transport: '',
  code: 0,
  reason: '',
};

/** Starts a UAS, a method table (silent when `answer` is false) and Kamailio with `defines`. */
async function lab(defines: string[], answer = true): Promise<Lab> {
  const l = {
    sip: await freePort('udp'),
    admin: await freePort('tcp'),
    rpcPort: await freePort('tcp'),
    rpcConnections: [] as NetSocket[],
    received: [] as string[],
    ended: [] as string[],
    evaluated: 0,
  } as Lab;
  l.uas = createSocket('udp4');
  l.uas.on('message', (m, from) => {
    const text = m.toString('utf8');
    l.received.push(text);
    // Ringing for the INVITEs a test will CANCEL: tm relays a CANCEL only after a provisional.
    if (text.startsWith('INVITE ') && text.includes('Call-ID: cancel-')) {
      l.uas.send(ringing(text), from.port, from.address);
    }
  });
  await new Promise<void>((r) => l.uas.bind(0, '127.0.0.1', r));
  const methods = new jayson.Server({
    'policy.evaluate': (_p: unknown, cb: (e: unknown, r?: unknown) => void) => {
      l.evaluated++;
      // A silent service: the request stays unanswered (Kamailio's own timeout is long here).
      if (answer) cb(null, DECISION);
    },
    'context.end': (p: { call_id: string }, cb: (e: unknown, r?: unknown) => void) => {
      l.ended.push(p.call_id);
      cb(null, {});
    },
  });
  l.rpc = createNetstringRpcServer(methods);
  l.rpc.on('connection', (c: NetSocket) => l.rpcConnections.push(c));
  await new Promise<void>((r) => l.rpc.listen(l.rpcPort, '127.0.0.1', r));
  l.kamailio = await startKamailio(cfg, [
    `SIPCTX_LISTEN=udp:127.0.0.1:${l.sip}`,
    `SIPCTX_LISTEN_TCP=tcp:127.0.0.1:${l.sip}`,
    `SIPCTX_RPC_SERVER="conn=policy;addr=127.0.0.1;port=${l.rpcPort};priority=10;weight=10"`,
    `SIPCTX_RPC_NOTIFY="conn=notify;addr=127.0.0.1;port=${l.rpcPort};priority=10;weight=10"`,
    `SIPCTX_ADMIN_PORT=${l.admin}`,
    `SIPCTX_ADMIN_RPC_UDP="udp:127.0.0.1:${await freePort('udp')}"`,
    ...defines,
  ]);
  // Two connections: the policy group's and the notify group's.
  const connected = await waitFor(async () => l.rpcConnections.length >= 2, 10_000);
  if (!connected) throw new Error(`janssonrpcc did not connect:\n${l.kamailio.log()}`);
  return l;
}

/** A 180 for `request`: its Vias, From, To (tagged), Call-ID and CSeq. */
function ringing(request: string): string {
  const lines = request.split('\r\n');
  const keep = lines.filter((h) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(h));
  const to = lines.find((h) => h.startsWith('To:'));
  return ['SIP/2.0 180 Ringing', ...keep, `${to};tag=uas1`, 'Content-Length: 0', '', ''].join(
    '\r\n',
  );
}

async function stopLab(l: Lab | undefined): Promise<void> {
  if (l === undefined) return;
  await l.kamailio.stop();
  for (const c of l.rpcConnections) c.destroy();
  await new Promise((r) => l.rpc.close(r));
  l.uas.close();
}

/** A caller socket bound to `address` (127.0.0.2 is another loopback source). */
async function caller(address = '127.0.0.1') {
  const socket = createSocket('udp4');
  const answers: string[] = [];
  socket.on('message', (m) => answers.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, address, r));
  return { socket, answers, port: socket.address().port, address };
}

type Caller = Awaited<ReturnType<typeof caller>>;

function request(
  l: Lab,
  from: Caller,
  method: string,
  callId: string,
  opts: { cseq?: number; branch?: string; toTag?: boolean; extra?: string[] } = {},
): string {
  const uri = `sip:agent@127.0.0.1:${l.uas.address().port}`;
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from.address}:${from.port};branch=${opts.branch ?? `z9hG4bK-${callId}-${opts.cseq ?? 1}`}`,
    'Max-Forwards: 70',
    'From: <sip:+15551234567@127.0.0.1>;tag=abc',
    `To: <${uri}>${opts.toTag === true ? ';tag=uas1' : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${opts.cseq ?? 1} ${method === 'CANCEL' ? 'INVITE' : method}`,
    `Contact: <sip:caller@${from.address}:${from.port}>`,
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const send = (l: Lab, from: Caller, text: string) => from.socket.send(text, l.sip, '127.0.0.1');

async function relayed(l: Lab, callId: string, method = 'INVITE', ms = 5000) {
  const find = () =>
    l.received.find((m) => m.startsWith(`${method} `) && m.includes(`Call-ID: ${callId}\r\n`));
  await waitFor(async () => find() !== undefined, ms);
  return find();
}

async function answered(from: Caller, callId: string, code: number, ms = 5000) {
  const find = () =>
    from.answers.find((a) => a.startsWith(`SIP/2.0 ${code} `) && a.includes(`Call-ID: ${callId}`));
  await waitFor(async () => find() !== undefined, ms);
  return find();
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** RFC 2617 digest credentials answering a Proxy-Authenticate challenge. */
function credentials(challenge: string, user: string, password: string, uri: string): string {
  const param = (name: string) => new RegExp(`${name}="?([^",\\r]+)"?`).exec(challenge)?.[1];
  const realm = param('realm') ?? '';
  const nonce = param('nonce') ?? '';
  const qop = param('qop') === undefined ? null : 'auth';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`INVITE:${uri}`);
  const cnonce = 'c0ffee';
  const nc = '00000001';
  const response =
    qop === null
      ? md5(`${ha1}:${nonce}:${ha2}`)
      : md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  return (
    `Proxy-Authorization: Digest username="${user}", realm="${realm}", nonce="${nonce}", ` +
    `uri="${uri}", response="${response}"` +
    (qop === null ? '' : `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`)
  );
}

describe('BYE and CANCEL end the call context; the wait histogram', () => {
  let l: Lab;
  let c: Caller;
  beforeAll(async () => {
    l = await lab([]);
    c = await caller();
  }, 30_000);
  afterAll(async () => {
    c?.socket.close();
    await stopLab(l);
  });

  it('a BYE in the dialog sends context.end with its Call-ID and is relayed', async () => {
    send(l, c, request(l, c, 'INVITE', 'bye-1'));
    const invite = await relayed(l, 'bye-1');
    expect(invite).toContain('\r\nX-Decided: yes\r\n');
    const rr = /\r\nRecord-Route: (<[^>]+>)\r\n/.exec(invite ?? '')?.[1];
    expect(rr).toBeDefined();
    send(l, c, request(l, c, 'BYE', 'bye-1', { cseq: 2, toTag: true, extra: [`Route: ${rr}`] }));
    expect(await relayed(l, 'bye-1', 'BYE')).toBeDefined();
    expect(await waitFor(async () => l.ended.includes('bye-1'), 5000)).toBe(true);
  });

  it('a CANCEL of a pending INVITE sends context.end and is relayed', async () => {
    send(l, c, request(l, c, 'INVITE', 'cancel-1'));
    expect(await relayed(l, 'cancel-1')).toBeDefined();
    send(l, c, request(l, c, 'CANCEL', 'cancel-1', { branch: 'z9hG4bK-cancel-1-1' }));
    expect(await relayed(l, 'cancel-1', 'CANCEL')).toBeDefined();
    expect(await waitFor(async () => l.ended.includes('cancel-1'), 5000)).toBe(true);
  });

  it('a CANCEL that matches no transaction ends nothing', async () => {
    send(l, c, request(l, c, 'CANCEL', 'cancel-none', { branch: 'z9hG4bK-nothing' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(l.ended).not.toContain('cancel-none');
  });

  it('observes each wait for a decision in sipctx_policy_wait_seconds', async () => {
    const text = await (await fetch(`http://127.0.0.1:${l.admin}/metrics`)).text();
    const count = /kamailio_sipctx_policy_wait_seconds_count (\d+)/.exec(text)?.[1];
    expect(Number(count), text).toBeGreaterThanOrEqual(2);
    // Loopback answers come in well under a second: the +Inf bucket equals the 1 s one.
    const le1 = /kamailio_sipctx_policy_wait_seconds_bucket\{le="1\.000000"\} (\d+)/.exec(
      text,
    )?.[1];
    expect(le1, text).toBe(count);
  });
});

describe('the hard cap on waiting for a decision', () => {
  let l: Lab;
  let c: Caller;
  beforeAll(async () => {
    // janssonrpcc would wait 4 s; the cap is 400 ms.
    l = await lab(
      ['SIPCTX_RPC_OPTIONS="route=POLICY_RESUME;retry=0;timeout=4000"', 'SIPCTX_POLICY_CAP_MS=400'],
      false,
    );
    c = await caller();
  }, 30_000);
  afterAll(async () => {
    c?.socket.close();
    await stopLab(l);
  });

  it('fails open at the cap, once, and Kamailio goes on when the late timeout fires', async () => {
    const sent = Date.now();
    send(l, c, request(l, c, 'INVITE', 'cap-1'));
    const m = await relayed(l, 'cap-1', 'INVITE', 3000);
    expect(m, l.kamailio.log()).toBeDefined();
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(m).not.toContain('X-Decided');
    expect(l.evaluated).toBe(1);
    // janssonrpcc's own timeout fires later on a transaction already relayed: nothing more goes out.
    await new Promise((r) => setTimeout(r, 4500));
    // (Retransmissions of the relayed INVITE share its branch; a second relay would not.)
    const branches = new Set(
      l.received
        .filter((r) => r.startsWith('INVITE ') && r.includes('cap-1'))
        .map((r) => /\r\nVia: [^\r]*branch=([^;\r]+)/.exec(r)?.[1]),
    );
    expect(branches.size).toBe(1);
    const text = await (await fetch(`http://127.0.0.1:${l.admin}/metrics`)).text();
    expect(text).toMatch(/kamailio_sipctx_policy_requests_total\{outcome="failed"\} 1\b/);
    // Still alive and relaying.
    send(l, c, request(l, c, 'INVITE', 'cap-2'));
    expect(await relayed(l, 'cap-2', 'INVITE', 3000)).toBeDefined();
  }, 20_000);
});

describe('the hard cap, failing closed', () => {
  it('WITH_FAIL_CLOSED: a silent service gets the caller a 503 at the cap, nothing relayed', async () => {
    const l = await lab(
      [
        'WITH_FAIL_CLOSED',
        'SIPCTX_RPC_OPTIONS="route=POLICY_RESUME;retry=0;timeout=4000"',
        'SIPCTX_POLICY_CAP_MS=300',
      ],
      false,
    );
    const c = await caller();
    try {
      send(l, c, request(l, c, 'INVITE', 'closed-cap'));
      expect(await answered(c, 'closed-cap', 503, 3000), l.kamailio.log()).toBeDefined();
      expect(l.received.some((m) => m.includes('closed-cap'))).toBe(false);
    } finally {
      c.socket.close();
      await stopLab(l);
    }
  }, 30_000);
});

describe('inbound access control', () => {
  const auth = ['WITH_AUTH', 'SIPCTX_AUTH_USER="trunk1"', 'SIPCTX_AUTH_PASSWORD="s3cret"'];

  it('allowlist only: a listed source passes, another is refused 403', async () => {
    const l = await lab(['SIPCTX_ALLOW_SOURCES="127.0.0.1/32"']);
    const ok = await caller('127.0.0.1');
    const other = await caller('127.0.0.2');
    try {
      send(l, ok, request(l, ok, 'INVITE', 'allow-1'));
      expect(await relayed(l, 'allow-1')).toBeDefined();
      send(l, other, request(l, other, 'INVITE', 'deny-1'));
      expect(await answered(other, 'deny-1', 403)).toBeDefined();
      expect(l.received.some((m) => m.includes('deny-1'))).toBe(false);
      expect(l.evaluated).toBe(1);
    } finally {
      ok.socket.close();
      other.socket.close();
      await stopLab(l);
    }
  }, 30_000);

  it('allowlist and digest: others are challenged 407, good credentials pass and are consumed', async () => {
    const l = await lab(['SIPCTX_ALLOW_SOURCES="127.0.0.1/32"', ...auth]);
    const ok = await caller('127.0.0.1');
    const other = await caller('127.0.0.2');
    try {
      send(l, ok, request(l, ok, 'INVITE', 'listed-1'));
      expect(await relayed(l, 'listed-1')).toBeDefined();

      send(l, other, request(l, other, 'INVITE', 'auth-1'));
      const challenge = await answered(other, 'auth-1', 407);
      expect(challenge).toMatch(/\r\nProxy-Authenticate: Digest realm="sipctx"/);
      const uri = `sip:agent@127.0.0.1:${l.uas.address().port}`;

      const wrong = credentials(challenge ?? '', 'trunk1', 'wrong', uri);
      send(l, other, request(l, other, 'INVITE', 'auth-1', { cseq: 2, extra: [wrong] }));
      await waitFor(
        async () => other.answers.filter((a) => a.includes('auth-1')).length >= 2,
        5000,
      );
      expect(other.answers.filter((a) => a.startsWith('SIP/2.0 407 '))).toHaveLength(2);

      const right = credentials(challenge ?? '', 'trunk1', 's3cret', uri);
      send(l, other, request(l, other, 'INVITE', 'auth-1', { cseq: 3, extra: [right] }));
      const m = await relayed(l, 'auth-1');
      expect(m, l.kamailio.log()).toBeDefined();
      expect(m).not.toContain('Proxy-Authorization');
      expect(m).toContain('\r\nX-Decided: yes\r\n');
    } finally {
      ok.socket.close();
      other.socket.close();
      await stopLab(l);
    }
  }, 30_000);

  it('digest only: even loopback must authenticate; a wrong user is refused', async () => {
    const l = await lab(auth);
    const c = await caller();
    try {
      send(l, c, request(l, c, 'INVITE', 'user-1'));
      const challenge = await answered(c, 'user-1', 407);
      expect(challenge).toBeDefined();
      const uri = `sip:agent@127.0.0.1:${l.uas.address().port}`;
      const stranger = credentials(challenge ?? '', 'someone', 's3cret', uri);
      send(l, c, request(l, c, 'INVITE', 'user-1', { cseq: 2, extra: [stranger] }));
      await waitFor(async () => c.answers.filter((a) => a.includes('user-1')).length >= 2, 5000);
      expect(c.answers.filter((a) => a.startsWith('SIP/2.0 407 '))).toHaveLength(2);
      expect(l.received.some((m) => m.includes('user-1'))).toBe(false);
    } finally {
      c.socket.close();
      await stopLab(l);
    }
  }, 30_000);
});
