import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNetstring, NetstringDecoder } from '@sipctx/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from './service.ts';

const POLICY = (name: string) => `
version: 1
name: ${name}
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
rules:
  - name: tag
    then: { headers: [{ op: add, name: X-Flow, value: 'vip {{ caller_number }}' }, { op: remove, name: X-Drop }] }
`;

const INVITE = [
  'INVITE sip:+15557654321@127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1',
  'From: <sip:+15551234567@127.0.0.1>;tag=1',
  'To: <sip:+15557654321@127.0.0.1>',
  'Call-ID: svc-1',
  'CSeq: 1 INVITE',
  'X-Drop: x',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

let dir: string;
let file: string;
let service: RunningService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipctx-service-'));
  file = join(dir, 'policy.yaml');
  writeFileSync(file, POLICY('first'));
  service = await startService(
    {
      policyFile: file,
      rpc: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      maxFrameBytes: 65536,
      context: { ttlSeconds: 60, graceSeconds: 5 },
      logLevel: 'silent',
      watchPolicy: false,
    },
    {},
    { defaultMetrics: false },
  );
});

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function netstringCall(method: string, params: unknown): Promise<unknown> {
  const socket = connect(service.rpcPort, '127.0.0.1');
  const decoder = new NetstringDecoder({ maxFrameBytes: 1 << 20 });
  const answer = new Promise<unknown>((resolve) => {
    socket.on('data', (c) => {
      const [f] = decoder.push(c).frames;
      if (f !== undefined) resolve(JSON.parse(Buffer.from(f).toString('utf8')));
    });
  });
  socket.write(encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id: 7, method, params })));
  const a = await answer;
  socket.destroy();
  return a;
}

async function httpCall(method: string, params: unknown): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${service.httpPort}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return res.json();
}

describe('policy.evaluate', () => {
  it('over netstrings, as Kamailio calls it: the flat decision', async () => {
    const a = await netstringCall('policy.evaluate', {
      msg: INVITE,
      src: '127.0.0.1',
      port: 5070,
      proto: 'udp',
    });
    expect(a).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: {
        remove: 'X-Drop',
        append: 'X-Flow: vip +15551234567\r\n',
        ruri: '',
        duri: '',
        transport: '',
        code: 0,
        reason: '',
      },
    });
  });

  it.each([
    ['no params', undefined, 'RPC_BAD_PARAMS'],
    ['no msg', { src: '127.0.0.1', port: 1, proto: 'udp' }, 'RPC_BAD_PARAMS'],
    ['a bad proto', { msg: INVITE, src: '127.0.0.1', port: 1, proto: 'pigeon' }, 'RPC_BAD_PARAMS'],
    [
      'a bad in_dialog',
      { msg: INVITE, src: '127.0.0.1', port: 1, proto: 'udp', in_dialog: 'yes' },
      'RPC_BAD_PARAMS',
    ],
    [
      'a message that is not SIP',
      { msg: 'hello', src: '127.0.0.1', port: 1, proto: 'udp' },
      'POLICY_BAD_MESSAGE',
    ],
    [
      'a source that is not an address',
      { msg: INVITE, src: 'nowhere', port: 1, proto: 'udp' },
      'POLICY_BAD_REQUEST',
    ],
  ])('%s: -32602 with a code', async (_, params, code) => {
    const a = (await httpCall('policy.evaluate', params)) as {
      error: { code: number; data: { code: string } };
    };
    expect([a.error.code, a.error.data.code]).toEqual([-32602, code]);
  });
});

describe('the other methods and endpoints', () => {
  it('policy.check', async () => {
    expect(await httpCall('policy.check', { text: POLICY('x') })).toMatchObject({
      result: { ok: true, name: 'x' },
    });
    const bad = (await httpCall('policy.check', { text: 'version: 2\n' })) as {
      result: { ok: boolean; issues: unknown[] };
    };
    expect(bad.result.ok).toBe(false);
    expect(bad.result.issues.length).toBeGreaterThan(0);
  });

  it('health.check, /healthz, /readyz, 404 and 405', async () => {
    expect(await httpCall('health.check', {})).toMatchObject({
      result: { status: 'ok', policy: 'first' },
    });
    const get = (path: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${service.httpPort}${path}`, init);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/rpc')).status).toBe(405);
  });

  it('/metrics counts what happened, with low-cardinality labels', async () => {
    const text = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
    expect(text).toContain('sipctx_rpc_requests_total{method="policy.evaluate",outcome="ok"}');
    expect(text).toContain('sipctx_header_edits_total{op="add",rule="tag"}');
    expect(text).toContain('sipctx_evaluation_errors_total{code="POLICY_BAD_MESSAGE"} 1');
    expect(text).toContain('sipctx_policy_info{name="first"} 1');
    expect(text).not.toContain('+1555');
  });
});

describe('reload', () => {
  it('a valid policy replaces the old one; an invalid one is refused and the old one kept', async () => {
    writeFileSync(file, POLICY('second'));
    expect(await service.reload()).toEqual({ ok: true, name: 'second' });
    writeFileSync(
      file,
      'version: 1\nname: broken\nrules: [{ name: a, when: { trunk: nowhere }, then: {} }]\n',
    );
    const r = await service.reload();
    expect(r.ok).toBe(false);
    expect(service.policyName()).toBe('second');
    const text = await service.metrics.registry.metrics();
    expect(text).toContain('sipctx_policy_reloads_total{outcome="ok"} 1');
    expect(text).toContain('sipctx_policy_reloads_total{outcome="invalid"} 1');
  });
});
