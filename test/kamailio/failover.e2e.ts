/**
 * The service killed under load. sipp places calls through Kamailio while the policy service is
 * killed (SIGKILL, no goodbye) in the middle of the run:
 * - fail open (the default): every call still succeeds, relayed without a decision, and once the
 *   service is back on its port the policy applies again within seconds;
 * - WITH_FAIL_CLOSED: with the service gone, calls are rejected (503) and none reaches the agent.
 * Both counted on Kamailio's /metrics.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  runSippUac,
  stackPorts,
  startKamailioProc,
  startPolicyService,
  startSippUas,
  tracedMessages,
  type Proc,
  type StackPorts,
} from '../support/stack.ts';
import { freePort, until } from '../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'sipctx-failover-'));
const procs: Proc[] = [];
const policy = join(dir, 'policy.yaml');
writeFileSync(
  policy,
  `
version: 1
name: failover
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
rules:
  - name: flow
    when: { method: INVITE, in_dialog: false }
    then: { headers: [{ op: add, name: X-Flow, value: 'vip {{ caller_number }}' }] }
`,
);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  rmSync(dir, { recursive: true, force: true });
});

const metric = async (port: number, re: RegExp): Promise<number> => {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(re.exec(text)?.[1] ?? 0);
  } catch {
    return -1;
  }
};

async function stack(defines: string[] = [], trace?: string, standbyPorts?: StackPorts) {
  const ports = await stackPorts();
  const uasPort = await freePort();
  const service = await startPolicyService(ports, policy);
  procs.push(service);
  if (standbyPorts !== undefined) {
    procs.push(await startPolicyService(standbyPorts, policy));
    defines.push(
      `SIPCTX_RPC_STANDBY="conn=policy;addr=127.0.0.1;port=${standbyPorts.rpc};priority=20;weight=10"`,
    );
  }
  const kamailio = await startKamailioProc(ports, { defines, shmMb: 128 });
  procs.push(kamailio);
  const uas = startSippUas({
    scenario: join(ROOT, 'kamailio/sipp/uas.xml'),
    port: uasPort,
    ...(trace === undefined ? {} : { trace }),
  });
  procs.push(uas);
  await new Promise((r) => setTimeout(r, 300));
  const calls = (count: number, rate: number) =>
    runSippUac({
      scenario: join(ROOT, 'kamailio/sipp/uac.xml'),
      target: `127.0.0.1:${uasPort}`,
      proxy: `127.0.0.1:${ports.sip}`,
      calls: count,
      rate,
      timeoutS: 40,
    });
  return { ports, service, kamailio, uas, calls };
}

describe('the service killed mid-run', () => {
  it('fail open: zero failed calls; restarted, the policy applies again within seconds', async () => {
    const s = await stack();
    // 400 calls at 50 calls/s: 8 s of traffic; the service dies 2.5 s in.
    const run = s.calls(400, 50);
    await new Promise((r) => setTimeout(r, 2500));
    await s.service.stop('SIGKILL');
    const r = await run;
    expect(r.status, r.output).toBe(0);
    expect([r.successful, r.failed]).toEqual([400, 0]);
    const failed = await metric(
      s.ports.admin,
      /kamailio_sipctx_policy_requests_total\{outcome="failed"\} (\d+)/,
    );
    const decided = await metric(
      s.ports.admin,
      /kamailio_sipctx_policy_requests_total\{outcome="decided"\} (\d+)/,
    );
    // Some calls were decided before the kill, the rest relayed without a decision.
    expect(decided).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(decided + failed).toBe(400);

    const restarted = await startPolicyService(s.ports, policy);
    procs.push(restarted);
    const back = Date.now();
    const applied = await until(async () => {
      const one = await s.calls(1, 1);
      expect(one.failed).toBe(0);
      return (await metric(s.ports.http, /sipctx_evaluations_total\{action="relay"\} (\d+)/)) > 0;
    }, 30_000);
    expect(applied, s.kamailio.output().slice(-2000)).toBe(true);
    // janssonrpcc's reconnect back-off grows to 60 s; after one kill it comes back in seconds.
    expect(Date.now() - back).toBeLessThan(30_000);
  }, 120_000);

  it('WITH_FAIL_CLOSED: with the service gone, calls are rejected and none reaches the agent', async () => {
    const trace = join(dir, 'uas-closed.log');
    const s = await stack(['WITH_FAIL_CLOSED'], trace);
    const before = await s.calls(5, 10);
    expect([before.successful, before.failed]).toEqual([5, 0]);
    await s.service.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const after = await s.calls(20, 20);
    expect(after.status).not.toBe(0);
    expect([after.successful, after.failed]).toEqual([0, 20]);
    expect(after.output).toMatch(/503/);
    const failed = await metric(
      s.ports.admin,
      /kamailio_sipctx_policy_requests_total\{outcome="failed"\} (\d+)/,
    );
    expect(failed).toBe(20);
    // The agent side saw only the five calls from before.
    const received = tracedMessages(readFileSync(trace, 'utf8'));
    expect(received.filter((m) => m.startsWith('INVITE '))).toHaveLength(5);
  }, 120_000);

  it('with a standby instance, the standby decides once the primary is gone', async () => {
    const standby = await stackPorts();
    const s = await stack([], undefined, standby);
    const run = s.calls(300, 50);
    await new Promise((r) => setTimeout(r, 2000));
    await s.service.stop('SIGKILL');
    const r = await run;
    expect([r.successful, r.failed], r.output).toEqual([300, 0]);
    const decided = await metric(
      s.ports.admin,
      /kamailio_sipctx_policy_requests_total\{outcome="decided"\} (\d+)/,
    );
    const failed = await metric(
      s.ports.admin,
      /kamailio_sipctx_policy_requests_total\{outcome="failed"\} (\d+)/,
    );
    // Only the requests in flight when the primary died go undecided; the rest find the standby.
    expect(decided + failed).toBe(300);
    expect(failed).toBeLessThanOrEqual(10);
    const byStandby = await metric(
      standby.http,
      /sipctx_evaluations_total\{action="relay"\} (\d+)/,
    );
    expect(byStandby).toBeGreaterThan(150);
  }, 120_000);
});
