/**
 * A whole call with real components, each started here and stopped by its PID: sipp as the
 * carrier (kamailio/sipp/uac.xml) → Kamailio (kamailio/kamailio.cfg) → sipp as the agent platform
 * (kamailio/sipp/uas.xml, echoing Record-Route), with sipctx-policy-service answering Kamailio's
 * policy.evaluate. The agent side must receive the custom header as sent, the header the policy
 * adds (templated from a variable read from another header) and our Diversion entry; ACK and BYE
 * must come back through Kamailio; the call must succeed.
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
  type Proc,
} from '../support/stack.ts';
import { freePort, until } from '../support/wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'sipctx-call-'));
const started: Proc[] = [];

afterAll(async () => {
  for (const p of started.reverse()) await p.stop();
  rmSync(dir, { recursive: true, force: true });
});

const POLICY = `
version: 1
name: sipp-call
trunks: [{ name: lab, cidrs: [127.0.0.0/8], trusted: true }]
variables: { profile: strip-x }
diversion: { mode: stack }
rules:
  - name: vip
    when: { method: INVITE, caller: { equals: '+15551234567' } }
    then:
      headers: [{ op: add, name: X-Flow, value: 'vip {{ var.Customer-ID }}' }]
      diversion: { uri: 'sip:{{ callee_number }}@sipctx.invalid', reason: unconditional }
`;

describe('a call through Kamailio and the policy service', () => {
  it('sipp → Kamailio → sipp: the agent side gets the headers the policy decided', async () => {
    const ports = await stackPorts();
    const uasPort = await freePort();
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, POLICY);

    // The service first: janssonrpcc backs off for seconds after a refused connection.
    started.push(await startPolicyService(ports, policy));
    const kamailio = await startKamailioProc(ports);
    started.push(kamailio);

    const received = join(dir, 'uas-messages.log');
    const uas = startSippUas({
      scenario: join(ROOT, 'kamailio/sipp/uas.xml'),
      port: uasPort,
      trace: received,
      extra: ['-m', '1', '-timeout', '30s'],
    });
    started.push(uas);
    await new Promise((r) => setTimeout(r, 500));

    const uac = await runSippUac({
      scenario: join(ROOT, 'kamailio/sipp/uac.xml'),
      target: `127.0.0.1:${uasPort}`,
      proxy: `127.0.0.1:${ports.sip}`,
      timeoutS: 20,
    });
    expect(uac.status, `${uac.output}\n${kamailio.output()}`).toBe(0);
    expect(await until(() => uas.child.exitCode !== null, 10_000)).toBe(true);
    expect(uas.child.exitCode).toBe(0);

    const log = readFileSync(received, 'utf8').replace(/\r/g, '');
    const invite = log.slice(
      log.indexOf('INVITE sip:'),
      log.indexOf('\n\n', log.indexOf('INVITE sip:')),
    );
    expect(invite).toContain('\nX-Customer-ID: cust-67890');
    expect(invite).toContain('\nX-Keep: kept  as   written');
    expect(invite).toContain('\nX-Flow: vip cust-67890');
    expect(invite).toContain(
      '\nDiversion: <sip:+15557654321@sipctx.invalid>;reason=unconditional;counter=1',
    );
    expect(invite).toMatch(/\nRecord-Route: <sip:127\.0\.0\.1:\d+;lr=on;ftag=[^>]+>/);
    expect(log).toMatch(/\nACK sip:agent@127\.0\.0\.1/);
    expect(log).toMatch(/\nBYE sip:agent@127\.0\.0\.1/);

    // The service counted the one decision (the INVITE; ACK and BYE are in-dialog): two adds by
    // the rule, X-Flow and the Diversion entry.
    const metrics = await (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();
    expect(metrics).toContain('sipctx_evaluations_total{action="relay"} 1');
    expect(metrics).toContain('sipctx_header_edits_total{op="add",rule="vip"} 2');
  }, 90_000);
});
