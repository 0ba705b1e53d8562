/**
 * What the policy does to real calls: sipp as the carrier (test/kamailio/sipp/uac-dialog.xml: an
 * INVITE with custom headers and a carrier Diversion, ACK, re-INVITE, REFER, BYE) → Kamailio on
 * kamailio/kamailio.cfg → sipp as the agent platform (uas-dialog.xml, recording every message),
 * with the built sipctx-policy-service and its in-memory store. Then the metrics endpoints of both
 * must count what happened, and `sipctx context` must show the call's stored context.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  headerValues,
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

const dir = mkdtempSync(join(tmpdir(), 'sipctx-scenarios-'));
const procs: Proc[] = [];
let ports: StackPorts;
let uasPort: number;
const trace = join(dir, 'uas.log');

const policy = (uas: number) => `
version: 1
name: e2e-scenarios
match: first
trunks:
  - { name: carrier, cidrs: [127.0.0.1/32], trusted: true }
  - { name: elsewhere, cidrs: [127.0.0.0/8], trusted: false }
numbers: { caller: [p-asserted-identity, from], callee: [to, request-uri] }
trust: { custom_header_prefixes: [X-], untrusted_custom_headers: strip }
variables: { profile: strip-x }
sets: { vip: { members: ['+15551234567'] } }
flows: { header: X-Sipctx-Flow }
diversion: { mode: stack, position: top, counter: one }
# The header line budget cuts received headers too. The message budget is raised because the agent
# side here listens on UDP only and loopback's MTU is 64 KB (the default would switch to TCP).
budgets: { header_line: { max_bytes: 1024, incoming: truncate }, message: { max_bytes: 3000 } }
rules:
  - name: sales-desk
    when: { method: INVITE, in_dialog: false, callee: { equals: '+15550000002' } }
    then: { flow: sales_flow, request_uri: 'sip:sales-desk@127.0.0.1:${uas}' }
  - name: vip
    when: { method: INVITE, in_dialog: false, caller: { in_set: vip } }
    then:
      flow: vip_support_flow
      state: { tier: vip }
      headers: [{ op: add, name: X-Agent-Customer, value: '{{ var.Customer-ID ?? "unknown" }}' }]
      diversion: { uri: 'sip:{{ callee_number }}@sipctx.invalid', reason: unconditional }
  - name: general
    when: { method: INVITE, in_dialog: false }
    then: { flow: general_support_flow }
  - name: reinvite-context
    when: { method: INVITE, in_dialog: true }
    then: { headers: [{ op: add, name: X-Tier, value: '{{ state.tier ?? "standard" }}' }] }
  - name: refer-target
    when: { method: REFER }
    then:
      headers:
        - { op: replace, name: Refer-To, value: '<sip:+15559990000@agents.example;transfer=warm>' }
        - { op: add, name: X-Transfer-Flow, value: '{{ flow ?? "none" }}' }
`;

const NOTES = 'n'.repeat(1500);

/** One dialog through the stack; resolves with what the agent side received for it. */
async function dialog(
  keys: Record<string, string>,
  options: { localIp?: string; service?: string } = {},
) {
  const r = await runSippUac({
    scenario: join(ROOT, 'test/kamailio/sipp/uac-dialog.xml'),
    target: `127.0.0.1:${uasPort}`,
    proxy: `127.0.0.1:${ports.sip}`,
    keys: { caller: '+15551234567', customer: 'cust-67890', notes: 'short', ...keys },
    ...(options.localIp === undefined ? {} : { localIp: options.localIp }),
    ...(options.service === undefined ? {} : { service: options.service }),
    extra: ['-cid_str', `${keys['tag'] ?? 'call'}-%u-%p@sipctx.test`],
  });
  expect(r.status, r.output).toBe(0);
  const tag = keys['tag'] ?? 'call';
  // The UAS writes its trace as messages come: wait for this dialog's BYE.
  await until(
    () => readTrace().some((m) => m.startsWith('BYE ') && m.includes(`Call-ID: ${tag}-`)),
    5000,
  );
  const mine = readTrace().filter((m) => m.includes(`Call-ID: ${tag}-`));
  const callId = /\nCall-ID: (\S+)/.exec(mine[0] ?? '')?.[1] ?? '';
  const of = (method: string, n = 0) => mine.filter((m) => m.startsWith(`${method} `))[n] ?? '';
  return {
    callId,
    invite: of('INVITE'),
    reinvite: of('INVITE', 1),
    refer: of('REFER'),
    bye: of('BYE'),
  };
}

function readTrace(): string[] {
  try {
    return tracedMessages(readFileSync(trace, 'utf8'));
  } catch {
    return [];
  }
}

beforeAll(async () => {
  ports = await stackPorts();
  uasPort = await freePort();
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, policy(uasPort));
  procs.push(await startPolicyService(ports, file));
  procs.push(await startKamailioProc(ports));
  procs.push(
    startSippUas({
      scenario: join(ROOT, 'test/kamailio/sipp/uas-dialog.xml'),
      port: uasPort,
      trace,
    }),
  );
  await new Promise((r) => setTimeout(r, 300));
}, 60_000);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('calls through Kamailio and the policy service', () => {
  let vip: Awaited<ReturnType<typeof dialog>>;

  beforeAll(async () => {
    vip = await dialog({ tag: 'vip', notes: NOTES });
  }, 60_000);

  it('custom headers become variables and reach the agent as the policy says', () => {
    expect(headerValues(vip.invite, 'X-Customer-ID')).toEqual(['cust-67890']);
    expect(headerValues(vip.invite, 'X-Agent-Customer')).toEqual(['cust-67890']);
    expect(headerValues(vip.invite, 'X-Sipctx-Flow')).toEqual(['vip_support_flow']);
  });

  it('routes by caller: the VIP caller gets the VIP flow, another caller the general one', async () => {
    const other = await dialog({ tag: 'other', caller: '+15553334444' });
    expect(headerValues(other.invite, 'X-Sipctx-Flow'), other.invite).toEqual([
      'general_support_flow',
    ]);
    expect(headerValues(other.invite, 'X-Agent-Customer')).toEqual([]);
  }, 60_000);

  it('routes by callee: the sales number is retargeted to the sales desk', async () => {
    const sales = await dialog({ tag: 'sales' }, { service: '+15550000002' });
    expect(sales.invite.split('\n')[0]).toBe(`INVITE sip:sales-desk@127.0.0.1:${uasPort} SIP/2.0`);
    expect(headerValues(sales.invite, 'X-Sipctx-Flow')).toEqual(['sales_flow']);
  }, 60_000);

  it('stacks our Diversion entry on top of the carrier one', () => {
    expect(headerValues(vip.invite, 'Diversion')).toEqual([
      '<sip:+15557654321@sipctx.invalid>;reason=unconditional;counter=1',
      '<sip:+15550001111@carrier.example>;reason=user-busy;counter=1',
    ]);
  });

  it('cuts an oversized received header to its 1024-byte line budget, and says so', async () => {
    const [notes] = headerValues(vip.invite, 'X-Notes');
    expect(`X-Notes: ${notes ?? ''}`.length).toBeLessThanOrEqual(1024);
    expect(notes).toMatch(/^n{900,}$/);
    const ctx = spawnSync(
      process.execPath,
      [
        join(ROOT, 'apps/cli/bin/sipctx.js'),
        'context',
        vip.callId,
        '--service',
        `127.0.0.1:${ports.http}`,
      ],
      { encoding: 'utf8' },
    );
    expect(ctx.status, ctx.stderr).toBe(0);
    const stored = JSON.parse(ctx.stdout) as {
      dropped: { header: string; bytes: number; budget: string }[];
      state: Record<string, unknown>;
      flow: string;
      call: { caller_number: string; trunk: string };
      ended_at?: string;
    };
    expect(stored.dropped).toContainEqual(
      expect.objectContaining({ header: 'X-Notes', budget: 'header_line' }),
    );
    expect(stored.state).toEqual({ tier: 'vip' });
    expect(stored.flow).toBe('vip_support_flow');
    expect(stored.call).toMatchObject({ caller_number: '+15551234567', trunk: 'carrier' });
    // The BYE went through Kamailio's context.end: the context is kept for the grace period.
    expect(typeof stored.ended_at).toBe('string');
  });

  it('updates the re-INVITE from the stored context', () => {
    expect(vip.reinvite).not.toBe('');
    expect(headerValues(vip.reinvite, 'X-Tier')).toEqual(['vip']);
    // In-dialog: never retargeted, and no new Diversion.
    expect(headerValues(vip.reinvite, 'Diversion')).toEqual([]);
  });

  it("rewrites the REFER's Refer-To and tells the agent the call's flow", () => {
    expect(headerValues(vip.refer, 'Refer-To')).toEqual([
      '<sip:+15559990000@agents.example;transfer=warm>',
    ]);
    expect(headerValues(vip.refer, 'X-Transfer-Flow')).toEqual(['vip_support_flow']);
  });

  it('headers no rule names arrive byte for byte', () => {
    expect(vip.invite).toContain('\nX-Keep: kept  as   written\n');
    expect(vip.refer).toMatch(/\nReferred-By: <sip:\+15551234567@127\.0\.0\.1>\n/);
    expect(vip.invite).toMatch(/\nFrom: "Caller" <sip:\+15551234567@127\.0\.0\.1:\d+>;tag=\S+\n/);
  });

  it("strips an untrusted source's custom headers", async () => {
    const outsider = await dialog({ tag: 'outsider' }, { localIp: '127.0.0.2' });
    expect(outsider.invite).not.toBe('');
    expect(headerValues(outsider.invite, 'X-Customer-ID')).toEqual([]);
    expect(headerValues(outsider.invite, 'X-Keep')).toEqual([]);
    // Its caller is the VIP number, but nothing it says is read: no variables from headers.
    expect(headerValues(outsider.invite, 'X-Agent-Customer')).toEqual(['unknown']);
  }, 60_000);

  it('the metrics endpoints count what happened', async () => {
    const service = await (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();
    const count = (re: RegExp) => Number(re.exec(service)?.[1] ?? -1);
    // Four or five dialogs ran: each an INVITE, a re-INVITE and a REFER through the policy.
    expect(count(/sipctx_evaluations_total\{action="relay"\} (\d+)/)).toBeGreaterThanOrEqual(12);
    expect(
      count(/sipctx_header_edits_total\{op="add",rule="reinvite-context"\} (\d+)/),
    ).toBeGreaterThanOrEqual(4);
    expect(
      count(/sipctx_header_edits_total\{op="replace",rule="refer-target"\} (\d+)/),
    ).toBeGreaterThanOrEqual(4);
    expect(count(/sipctx_budget_drops_total\{budget="header_line"\} (\d+)/)).toBe(1);
    expect(count(/sipctx_trust_strips_total\{trunk="elsewhere"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(
      count(/sipctx_rpc_requests_total\{method="context.end",outcome="ok"\} (\d+)/),
    ).toBeGreaterThanOrEqual(4);
    const kamailio = await (await fetch(`http://127.0.0.1:${ports.admin}/metrics`)).text();
    expect(
      Number(
        /kamailio_sipctx_policy_requests_total\{outcome="decided"\} (\d+)/.exec(kamailio)?.[1],
      ),
    ).toBeGreaterThanOrEqual(12);
    expect(
      Number(/kamailio_sipctx_policy_wait_seconds_count (\d+)/.exec(kamailio)?.[1]),
    ).toBeGreaterThanOrEqual(12);
    expect(kamailio).not.toMatch(/outcome="failed"/);
  });
});
