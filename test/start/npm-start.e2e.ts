/**
 * `npm start` as the README says: Kamailio and the policy service with the example policy, on
 * loopback, in the foreground. A caller in the example's VIP set gets the VIP flow header on the
 * INVITE Kamailio relays; `npm run demo` places a sipp call and shows the headers before and after
 * and the stored context; SIGTERM stops both processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../support/wait.ts';

const root = resolve(import.meta.dirname, '..', '..');

const uas = createSocket('udp4');
const uac = createSocket('udp4');
afterAll(() => {
  uas.close();
  uac.close();
});

describe('npm start', () => {
  it('runs Kamailio with the policy service, applies the example policy, stops on SIGTERM', async () => {
    const ports = {
      sip: await freePort(),
      rpc: await freePort(),
      http: await freePort(),
      admin: await freePort(),
    };
    const received: string[] = [];
    uas.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((r) => uas.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => uac.bind(0, '127.0.0.1', r));
    const child = spawn('bash', ['scripts/start.sh'], {
      cwd: root,
      detached: true, // its own process group, as a terminal would give it
      env: {
        ...process.env,
        SIPCTX_SIP_PORT: String(ports.sip),
        SIPCTX_RPC_PORT: String(ports.rpc),
        SIPCTX_HTTP_PORT: String(ports.http),
        SIPCTX_ADMIN_PORT: String(ports.admin),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      expect(await until(() => out.includes('sipctx is running'), 100_000), out).toBe(true);
      const health = await fetch(`http://127.0.0.1:${ports.http}/healthz`);
      expect(health.status).toBe(200);
      const uasPort = uas.address().port;
      const invite = (callId: string) =>
        [
          `INVITE sip:+15557654321@127.0.0.1:${uasPort} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${uac.address().port};branch=z9hG4bK-${callId}`,
          'Max-Forwards: 70',
          'From: <sip:+15551234567@127.0.0.1>;tag=1',
          `To: <sip:+15557654321@127.0.0.1:${uasPort}>`,
          `Call-ID: ${callId}`,
          'CSeq: 1 INVITE',
          `Contact: <sip:+15551234567@127.0.0.1:${uac.address().port}>`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
      // Kamailio may need a moment to connect to the service: send until one is relayed.
      const relayed = await until(() => {
        uac.send(invite(`start-${Date.now()}`), ports.sip, '127.0.0.1');
        return received.some((m) => m.includes('X-Sipctx-Flow: vip_support_flow'));
      }, 20_000);
      expect(relayed, `${out}\n${received.join('\n---\n')}`).toBe(true);
      const vip = received.find((m) => m.includes('X-Sipctx-Flow')) as string;
      expect(vip).toContain('\r\nX-Call-Type: Support\r\n');
      expect(vip).toMatch(
        /\r\nDiversion: <sip:\+15557654321@sipctx\.invalid>;reason=unconditional;counter=1\r\n/,
      );

      // `npm run demo`: one sipp call, the headers before and after, the stored context.
      const demo = spawnSync('bash', ['scripts/demo.sh'], {
        cwd: root,
        env: {
          ...process.env,
          SIPCTX_SIP_PORT: String(ports.sip),
          SIPCTX_HTTP_PORT: String(ports.http),
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(demo.status, `${demo.stdout}\n${demo.stderr}`).toBe(0);
      expect(demo.stdout).toContain('  + X-Sipctx-Flow: vip_support_flow\n');
      expect(demo.stdout).toContain('  + X-Call-Type: Support\n');
      expect(demo.stdout).toMatch(
        /\n {2}\+ Diversion: <sip:\+15557654321@sipctx\.invalid>;reason=unconditional/,
      );
      expect(demo.stdout).toContain('  = X-Keep: kept  as   written\n');
      expect(demo.stdout).toMatch(/\n {2}~ Record-Route: <sip:127\.0\.0\.1:\d+;lr=on/);
      const context = JSON.parse(demo.stdout.slice(demo.stdout.lastIndexOf('\n{') + 1)) as {
        state: Record<string, unknown>;
        flow: string;
      };
      expect([context.state, context.flow]).toEqual([{ tier: 'vip' }, 'vip_support_flow']);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }
    expect(await exited).not.toBeUndefined();
    // Both processes are gone: nothing listens on the SIP or HTTP port any more.
    const left = spawnSync('pgrep', ['-f', `SIPCTX_LISTEN=udp:127.0.0.1:${ports.sip}`], {
      encoding: 'utf8',
    });
    expect(left.stdout.trim()).toBe('');
    await expect(fetch(`http://127.0.0.1:${ports.http}/healthz`)).rejects.toThrow();
  }, 120_000);
});
