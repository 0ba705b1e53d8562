import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContextStore } from '@sipctx/policy';
import { StoreError } from '@sipctx/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { startService, type RunningService } from './service.ts';

/** The call's context across its requests: stored on the INVITE, used in-dialog, ended by BYE. */

const POLICY = `
version: 1
name: context
match: all
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
variables: { profile: strip-x }
rules:
  - name: remember
    when: { method: INVITE, in_dialog: false }
    then: { flow: gold_flow, state: { tier: gold } }
  - name: reject-blocked
    when: { method: INVITE, in_dialog: false, header: { name: X-Block, present: true } }
    then: { reject: { code: 403, reason: Blocked } }
  - name: recall
    when: { in_dialog: true }
    then:
      headers:
        - { op: add, name: X-Tier, value: '{{ state.tier ?? "none" }}' }
        - { op: add, name: X-Customer, value: '{{ var.CustomerId ?? "unknown" }}' }
`;

const message = (
  callId: string,
  opts: { method?: string; toTag?: boolean; extra?: string[] } = {},
) =>
  [
    `${opts.method ?? 'INVITE'} sip:+15557654321@127.0.0.1 SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1',
    'From: <sip:+15551234567@127.0.0.1>;tag=1',
    `To: <sip:+15557654321@127.0.0.1>${opts.toTag === true ? ';tag=2' : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${opts.method ?? 'INVITE'}`,
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

/** A store whose every operation fails as an unreachable Redis would. */
function brokenStore(): ContextStore {
  const down = async () => {
    throw new StoreError('STORE_UNAVAILABLE', 'connection refused');
  };
  return {
    get: down,
    merge: down,
    end: down,
    membersOf: down,
    addMembers: down,
    removeMembers: down,
  };
}

let dir: string;
const started: RunningService[] = [];

async function start(store?: ContextStore, logger?: Logger): Promise<RunningService> {
  const service = await startService(
    {
      policyFile: join(dir, 'policy.yaml'),
      rpc: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      maxFrameBytes: 65536,
      context: { ttlSeconds: 60, graceSeconds: 5 },
      logLevel: 'silent',
      watchPolicy: false,
    },
    {},
    {
      defaultMetrics: false,
      ...(store === undefined ? {} : { store }),
      ...(logger === undefined ? {} : { logger }),
    },
  );
  started.push(service);
  return service;
}

async function call(service: RunningService, method: string, params: unknown) {
  const res = await fetch(`http://127.0.0.1:${service.httpPort}/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as {
    result?: Record<string, unknown>;
    error?: { code: number; message: string; data: { code: string } };
  };
}

const evaluate = (service: RunningService, msg: string, extra: Record<string, unknown> = {}) =>
  call(service, 'policy.evaluate', { msg, src: '127.0.0.1', port: 5070, proto: 'udp', ...extra });

/** Read the stored context (written before the answer; the loop only bounds the wait). */
async function stored(service: RunningService, callId: string) {
  for (let i = 0; i < 50; i++) {
    const c = await service.store.get(callId);
    if (c !== null) return c;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no context for ${callId}`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipctx-context-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
});

afterAll(async () => {
  for (const s of started) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('call context in the service', () => {
  it('stores the initial INVITE, uses it for the re-INVITE, and context.get returns it', async () => {
    const service = await start();
    const first = await evaluate(service, message('ctx-1', { extra: ['X-CustomerId: 42'] }), {
      call_id: 'ctx-1',
    });
    expect(first.result?.['code']).toBe(0);
    const c = await stored(service, 'ctx-1');
    expect(c.state).toEqual({ tier: 'gold' });
    expect(c.flow).toBe('gold_flow');
    expect(c.variables).toMatchObject({ CustomerId: '42' });
    expect(c.call).toMatchObject({
      caller_number: '+15551234567',
      callee_number: '+15557654321',
      trunk: 'lab',
      trusted: true,
    });

    // The re-INVITE carries no X-Customer-ID: the values come from the stored context.
    const again = await evaluate(service, message('ctx-1', { toTag: true }), {
      in_dialog: true,
      call_id: 'ctx-1',
    });
    expect(again.result?.['append']).toBe('X-Tier: gold\r\nX-Customer: 42\r\n');

    const got = await call(service, 'context.get', { call_id: 'ctx-1' });
    expect(got.result).toMatchObject({
      call_id: 'ctx-1',
      flow: 'gold_flow',
      state: { tier: 'gold' },
    });
  });

  it('finds the Call-ID in the message when call_id is not sent (compact form too)', async () => {
    const service = await start();
    const msg = message('ctx-2').replace('Call-ID: ctx-2', 'i:  ctx-2 ');
    await evaluate(service, msg);
    expect((await stored(service, 'ctx-2')).state).toEqual({ tier: 'gold' });
  });

  it('an in-dialog request of an unknown call gets no stored values and creates no context', async () => {
    const service = await start();
    const r = await evaluate(service, message('ctx-3', { toTag: true }), { in_dialog: true });
    expect(r.result?.['append']).toBe('X-Tier: none\r\nX-Customer: unknown\r\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(await service.store.get('ctx-3')).toBeNull();
  });

  it('a rejected INVITE leaves no context', async () => {
    const service = await start();
    const r = await evaluate(service, message('ctx-4', { extra: ['X-Block: 1'] }));
    expect(r.result?.['code']).toBe(403);
    await new Promise((r) => setTimeout(r, 50));
    expect(await service.store.get('ctx-4')).toBeNull();
  });

  it('context.end (BYE/CANCEL) keeps the context readable, marked ended', async () => {
    const service = await start();
    await evaluate(service, message('ctx-5'));
    await stored(service, 'ctx-5');
    expect(await call(service, 'context.end', { call_id: 'ctx-5' })).toMatchObject({
      result: { call_id: 'ctx-5', grace_seconds: 5 },
    });
    const got = await call(service, 'context.get', { call_id: 'ctx-5' });
    expect(typeof got.result?.['ended_at']).toBe('string');
  });

  it.each([
    ['context.get', { call_id: '' }],
    ['context.get', {}],
    ['context.end', { call_id: 'x'.repeat(1025) }],
    ['policy.evaluate', { msg: message('x'), src: '127.0.0.1', port: 1, proto: 'udp', call_id: 7 }],
  ])('%s with bad params %j: -32602 RPC_BAD_PARAMS', async (method, params) => {
    const service = started[0] ?? (await start());
    const r = await call(service, method, params);
    expect([r.error?.code, r.error?.data.code]).toEqual([-32602, 'RPC_BAD_PARAMS']);
  });

  it('context.get of an unknown call: -32001 CONTEXT_NOT_FOUND', async () => {
    const service = started[0] ?? (await start());
    const r = await call(service, 'context.get', { call_id: 'never' });
    expect([r.error?.code, r.error?.data.code]).toEqual([-32001, 'CONTEXT_NOT_FOUND']);
  });

  it('a failing store is counted and never fails the call', async () => {
    const broken = brokenStore();
    const service = await start(broken);
    const first = await evaluate(service, message('ctx-6'));
    expect(first.result?.['code']).toBe(0);
    const again = await evaluate(service, message('ctx-6', { toTag: true }), { in_dialog: true });
    expect(again.result?.['append']).toBe('X-Tier: none\r\nX-Customer: unknown\r\n');
    const get = await call(service, 'context.get', { call_id: 'ctx-6' });
    expect([get.error?.code, get.error?.data.code]).toEqual([-32002, 'STORE_UNAVAILABLE']);
    const end = await call(service, 'context.end', { call_id: 'ctx-6' });
    expect(end.error?.data.code).toBe('STORE_UNAVAILABLE');
    await new Promise((r) => setTimeout(r, 20));
    const text = await service.metrics.registry.metrics();
    expect(text).toContain('sipctx_store_errors_total{operation="get"} 2');
    expect(text).toContain('sipctx_store_errors_total{operation="merge"} 1');
    expect(text).toContain('sipctx_store_errors_total{operation="end"} 1');
  });

  it('logs each evaluation and store failure with the Call-ID, and never a number', async () => {
    const raw: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (l: string) => raw.push(l) },
    });
    const broken = brokenStore();
    const service = await start(broken, logger);
    await evaluate(service, message('log-1', { extra: ['X-CustomerId: 4242424242'] }));
    await evaluate(service, message('log-1', { toTag: true }), { in_dialog: true });
    await evaluate(service, 'garbage', { call_id: 'log-2' });
    await new Promise((r) => setTimeout(r, 20));
    const lines = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'evaluate',
        call_id: 'log-1',
        sip_method: 'INVITE',
        in_dialog: false,
        outcome: 'ok',
        rules: ['remember'],
        flow: 'gold_flow',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'store_error', operation: 'get', call_id: 'log-1' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'evaluate', call_id: 'log-2', outcome: 'error' }),
    );
    expect(raw.join('')).not.toMatch(/555|4242/);
  });
});
