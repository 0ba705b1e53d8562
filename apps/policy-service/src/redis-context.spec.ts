import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startRedis,
  startRedisCluster,
  startSentinel,
  type RunningRedis,
} from '@sipctx/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';
import { startService, type RunningService } from './service.ts';

/**
 * Two service instances on one real Redis (SIPCTX_REDIS_URL): the INVITE goes through one, the
 * re-INVITE through the other, which must see what the first stored. Redis stopped: both keep
 * answering, without stored context, counting the failures.
 */

const POLICY = `
version: 1
name: shared
match: all
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
rules:
  - name: remember
    when: { method: INVITE, in_dialog: false }
    then: { state: { tier: gold } }
  - name: recall
    when: { in_dialog: true }
    then: { headers: [{ op: add, name: X-Tier, value: '{{ state.tier ?? "none" }}' }] }
`;

const message = (callId: string, toTag: boolean) =>
  [
    'INVITE sip:+15557654321@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1',
    'From: <sip:+15551234567@127.0.0.1>;tag=1',
    `To: <sip:+15557654321@127.0.0.1>${toTag ? ';tag=2' : ''}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

let dir: string;
let redis: RunningRedis;
const services: RunningService[] = [];

async function start(
  store: Record<string, string> = { SIPCTX_REDIS_URL: `redis://127.0.0.1:${redis.port}/0` },
): Promise<RunningService> {
  const r = readConfig({
    SIPCTX_POLICY: join(dir, 'policy.yaml'),
    SIPCTX_RPC_LISTEN: '127.0.0.1:0',
    SIPCTX_HTTP_LISTEN: '127.0.0.1:0',
    SIPCTX_REDIS_PREFIX: 'shared:',
    ...store,
  });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  const s = await startService(r.config, {}, { defaultMetrics: false });
  services.push(s);
  return s;
}

async function evaluate(s: RunningService, msg: string, inDialog: boolean) {
  const res = await fetch(`http://127.0.0.1:${s.httpPort}/rpc`, {
    method: 'POST',
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'policy.evaluate',
      params: { msg, src: '127.0.0.1', port: 5070, proto: 'udp', in_dialog: inDialog },
    }),
  });
  return ((await res.json()) as { result: { append: string; code: number } }).result;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipctx-redis-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  redis = await startRedis();
}, 20_000);

afterAll(async () => {
  for (const s of services) await s.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two service instances sharing Redis', () => {
  it('the re-INVITE through the second instance sees what the first stored', async () => {
    const a = await start();
    const b = await start();
    expect((await evaluate(a, message('shared-1', false), false)).code).toBe(0);
    // Written before the answer; the loop only bounds the wait for the other instance.
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      seen = (await b.store.get('shared-1')) !== null;
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(true);
    expect((await evaluate(b, message('shared-1', true), true)).append).toBe('X-Tier: gold\r\n');
  });

  it('Redis stopped: both keep answering without stored context, and count it', async () => {
    const [a, b] = services as [RunningService, RunningService];
    await redis.stop();
    expect((await evaluate(a, message('shared-2', false), false)).code).toBe(0);
    expect((await evaluate(b, message('shared-2', true), true)).append).toBe('X-Tier: none\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const text = await b.metrics.registry.metrics();
    expect(text).toMatch(/sipctx_store_errors_total\{operation="get"\} [1-9]/);
    await redis.start();
  }, 20_000);

  it('through Sentinel and on a Cluster too, from the configuration alone', async () => {
    const sentinel = await startSentinel(dir, redis);
    const cluster = await startRedisCluster(dir, 3);
    try {
      const viaSentinel = await start({
        SIPCTX_REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
        SIPCTX_REDIS_MASTER: sentinel.masterName,
      });
      const onCluster = await start({
        SIPCTX_REDIS_CLUSTER: cluster.ports.map((p) => `127.0.0.1:${p}`).join(','),
      });
      for (const [s, callId] of [
        [viaSentinel, 'via-sentinel'],
        [onCluster, 'on-cluster'],
      ] as const) {
        expect((await evaluate(s, message(callId, false), false)).code).toBe(0);
        let stored = null;
        for (let i = 0; i < 50 && stored === null; i++) {
          stored = await s.store.get(callId);
          if (stored === null) await new Promise((r) => setTimeout(r, 20));
        }
        expect(stored?.state).toEqual({ tier: 'gold' });
      }
      await viaSentinel.close();
      await onCluster.close();
      services.splice(services.indexOf(viaSentinel), 1);
      services.splice(services.indexOf(onCluster), 1);
    } finally {
      await cluster.stop();
      await sentinel.stop();
    }
  }, 60_000);
});
