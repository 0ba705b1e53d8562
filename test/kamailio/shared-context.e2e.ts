/**
 * Two service instances sharing call contexts in Redis, behind one Kamailio (the second as the
 * janssonrpcc standby). sipp places whole dialogs (INVITE, re-INVITE, REFER, BYE) while the
 * primary is killed: no call fails, and every re-INVITE of a call whose INVITE was decided finds
 * the context stored for it (X-Tier: gold, never "none"), whichever instance decides it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  headerValues,
  ROOT,
  runSippUac,
  stackPorts,
  startKamailioProc,
  startPolicyService,
  startRedisProc,
  startSippUas,
  tracedMessages,
  type Proc,
} from '../support/stack.ts';
import { freePort } from '../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'sipctx-shared-'));
const procs: Proc[] = [];

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  rmSync(dir, { recursive: true, force: true });
});

const POLICY = `
version: 1
name: shared-context
match: all
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
rules:
  - name: remember
    when: { method: INVITE, in_dialog: false }
    then: { state: { tier: gold }, headers: [{ op: add, name: X-Decided, value: 'yes' }] }
  - name: recall
    when: { method: INVITE, in_dialog: true }
    then: { headers: [{ op: add, name: X-Tier, value: '{{ state.tier ?? "none" }}' }] }
`;

describe('two instances sharing Redis, the primary killed mid-run', () => {
  it('loses no call and no context', async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, POLICY);
    const redisPort = await freePort();
    procs.push(await startRedisProc(redisPort));
    const env = { SIPCTX_REDIS_URL: `redis://127.0.0.1:${redisPort}/0` };
    const primary = await stackPorts();
    const standby = await stackPorts();
    const first = await startPolicyService(primary, policy, env);
    procs.push(first);
    procs.push(await startPolicyService(standby, policy, env));
    const kamailio = await startKamailioProc(primary, {
      defines: [
        `SIPCTX_RPC_STANDBY="conn=policy;addr=127.0.0.1;port=${standby.rpc};priority=20;weight=10"`,
        `SIPCTX_RPC_NOTIFY_STANDBY="conn=notify;addr=127.0.0.1;port=${standby.rpc};priority=20;weight=10"`,
      ],
      shmMb: 128,
    });
    procs.push(kamailio);
    const uasPort = await freePort();
    const trace = join(dir, 'uas.log');
    procs.push(
      startSippUas({
        scenario: join(ROOT, 'test/kamailio/sipp/uas-dialog.xml'),
        port: uasPort,
        trace,
      }),
    );
    await new Promise((r) => setTimeout(r, 300));

    // 100 dialogs at 20 calls/s: 5 s of traffic; the primary dies 2.5 s in.
    const run = runSippUac({
      scenario: join(ROOT, 'test/kamailio/sipp/uac-dialog.xml'),
      target: `127.0.0.1:${uasPort}`,
      proxy: `127.0.0.1:${primary.sip}`,
      calls: 100,
      rate: 20,
      keys: { caller: '+15551234567', customer: 'c-1', notes: 'n' },
      timeoutS: 40,
    });
    await new Promise((r) => setTimeout(r, 2500));
    await first.stop('SIGKILL');
    const r = await run;
    expect([r.successful, r.failed], r.output).toEqual([100, 0]);

    // Per call: its INVITE and its re-INVITE as the agent side received them.
    const messages = tracedMessages(readFileSync(trace, 'utf8'));
    const calls = new Map<string, { decided: boolean; tier: string }>();
    for (const m of messages.filter((x) => x.startsWith('INVITE '))) {
      const id = headerValues(m, 'Call-ID')[0] ?? '';
      const call = calls.get(id) ?? { decided: false, tier: 'no re-INVITE' };
      if (/\nCSeq: 1 INVITE\n/.test(m)) call.decided = headerValues(m, 'X-Decided')[0] === 'yes';
      else call.tier = headerValues(m, 'X-Tier')[0] ?? 'undecided';
      calls.set(id, call);
    }
    expect(calls.size).toBe(100);
    // No context lost: a call whose INVITE was decided (its context stored) never has a
    // re-INVITE decided without it ("none"), whichever instance decided it.
    const lost = [...calls].filter(([, c]) => c.decided && c.tier === 'none');
    expect(lost).toEqual([]);
    // Only requests in flight when the primary died go undecided (relayed as they were).
    const undecided = [...calls.values()].filter((c) => !c.decided || c.tier === 'undecided');
    expect(undecided.length).toBeLessThanOrEqual(5);
    expect([...calls.values()].filter((c) => c.tier === 'gold').length).toBeGreaterThanOrEqual(95);
    // The standby decided re-INVITEs of calls the primary had answered.
    const standbyMetrics = await (await fetch(`http://127.0.0.1:${standby.http}/metrics`)).text();
    const byStandby = Number(
      /sipctx_header_edits_total\{op="add",rule="recall"\} (\d+)/.exec(standbyMetrics)?.[1] ?? 0,
    );
    expect(byStandby).toBeGreaterThan(20);
    // BYEs after the kill end their contexts through the standby's notify connection.
    const ended = Number(
      /sipctx_rpc_requests_total\{method="context.end",outcome="ok"\} (\d+)/.exec(
        standbyMetrics,
      )?.[1] ?? 0,
    );
    expect(ended).toBeGreaterThan(20);
  }, 120_000);
});
