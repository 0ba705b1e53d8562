/**
 * A whole call with real components, each started here and stopped by its PID: sipp as the
 * carrier (kamailio/sipp/uac.xml) → Kamailio (kamailio/kamailio.cfg) → sipp as the agent platform
 * (kamailio/sipp/uas.xml, echoing Record-Route), with sipctx-policy-service answering Kamailio's
 * policy.evaluate. The agent side must receive the custom header as sent, the header the policy
 * adds (templated from a variable read from another header) and our Diversion entry; ACK and BYE
 * must come back through Kamailio; the call must succeed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sipctx-call-'));
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const child of started.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  return { child, output: () => output };
}

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
    const ports = {
      sip: await freePort(),
      rpc: await freePort(),
      http: await freePort(),
      uas: await freePort(),
      uac: await freePort(),
      admin: await freePort(),
      adminUdp: await freePort(),
    };
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, POLICY);

    // The service first: janssonrpcc backs off for seconds after a refused connection.
    const service = run(
      process.execPath,
      [join(root, 'apps/policy-service/bin/sipctx-policy-service.js')],
      {
        SIPCTX_POLICY: policy,
        SIPCTX_RPC_LISTEN: `127.0.0.1:${ports.rpc}`,
        SIPCTX_HTTP_LISTEN: `127.0.0.1:${ports.http}`,
      },
    );
    expect(
      await until(() => service.output().includes('"listening"'), 20_000),
      service.output(),
    ).toBe(true);

    const kamailio = run('kamailio', [
      '-f',
      join(root, 'kamailio/kamailio.cfg'),
      '-DD',
      '-E',
      '-m',
      '64',
      '-M',
      '8',
      '-A',
      `SIPCTX_LISTEN=udp:127.0.0.1:${ports.sip}`,
      '-A',
      `SIPCTX_LISTEN_TCP=tcp:127.0.0.1:${ports.sip}`,
      '-A',
      `SIPCTX_RPC_SERVER="conn=policy;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
      '-A',
      `SIPCTX_RPC_NOTIFY="conn=notify;addr=127.0.0.1;port=${ports.rpc};priority=10;weight=10"`,
      '-A',
      `SIPCTX_ADMIN_PORT=${ports.admin}`,
      '-A',
      `SIPCTX_ADMIN_RPC_UDP="udp:127.0.0.1:${ports.adminUdp}"`,
    ]);
    expect(
      // Both groups, policy and notify, connected to the service.
      await until(() => kamailio.output().split('Connected to host').length - 1 >= 2, 20_000),
      kamailio.output(),
    ).toBe(true);

    const received = join(dir, 'uas-messages.log');
    const uas = run('sipp', [
      '-sf',
      join(root, 'kamailio/sipp/uas.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(ports.uas),
      '-m',
      '1',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      received,
      '-timeout',
      '30s',
    ]);
    await new Promise((r) => setTimeout(r, 500));

    const uac = spawnSync(
      'sipp',
      [
        `127.0.0.1:${ports.uas}`,
        '-rsa',
        `127.0.0.1:${ports.sip}`,
        '-sf',
        join(root, 'kamailio/sipp/uac.xml'),
        '-s',
        '+15557654321',
        '-i',
        '127.0.0.1',
        '-p',
        String(ports.uac),
        '-m',
        '1',
        '-nostdin',
        '-timeout',
        '20s',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 30_000 },
    );
    expect(uac.status, `${uac.stdout}\n${kamailio.output()}`).toBe(0);
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
