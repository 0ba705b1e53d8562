/**
 * Engine benchmark: a realistic carrier INVITE (libs/sip-codec/test-data/carrier/invite-polyai.sip,
 * 1.7 KB, PAI, Diversion chain, X- headers, SDP) against a 20-rule policy whose 20th rule is the
 * one that matches (so every condition before it runs), with trust, variables, a Diversion entry,
 * three headers and every budget on. Prints evaluations/s and the median µs per evaluation for
 * evaluate alone and for parse + evaluate, measured side by side. Figures only, not a test.
 * Run: `npm run bench` in libs/policy (BENCH_ROUNDS, BENCH_SLICE_MS to change the effort); it
 * builds the libs and measures their dist output, as the service runs it.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseMessage } from '@sipctx/sip-codec';
// The built packages (dist), as the service runs them: `npm run bench` builds first, and this file
// is plain JavaScript so that node runs it as is, with no loader rewriting the code it measures.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { evaluate, evaluateMessage, loadPolicy } from '@sipctx/policy';

const rounds = Math.min(Number(process.env['BENCH_ROUNDS']) || 15, 40);
const sliceMs = Math.min(Number(process.env['BENCH_SLICE_MS']) || 150, 500);

const invite = readFileSync(
  new URL('../../sip-codec/test-data/carrier/invite-polyai.sip', import.meta.url),
  'utf8',
).replace(/\r?\n/g, '\r\n');

const filler = Array.from(
  { length: 19 },
  (_, i) => `  - name: miss-${i}
    when:
      method: INVITE
      in_dialog: false
      caller: { prefix: '+3${i}' }
      header: { name: X-Branch, regex: '^south-${i}$' }
    then: { flow: f${i}, headers: [{ op: add, name: X-Miss, value: '${i}' }] }`,
).join('\n');

const policyText = `version: 1
name: bench
match: first
trunks:
  - { name: carrier, cidrs: [192.0.2.0/24, 198.51.100.0/24], trusted: true }
  - { name: agents, cidrs: [127.0.0.0/8], trusted: true }
numbers: { caller: [p-asserted-identity, from], default_country_code: '44' }
trust: { internal_header_prefixes: [X-Internal-] }
variables:
  profile: strip-x
  from_diversion: { header: X-Diversion, entry: last, params: ['*'] }
sets: { vip: { members: ['+447700900123', '+15551234567'] } }
flows: { header: X-Sipctx-Flow }
diversion: { mode: stack, position: top, max_chain: 10, on_max: trim }
budgets:
  header_line: { max_bytes: 1024 }
  context: { max_bytes: 1024, order: [transfer, reference] }
  message: { max_bytes: 1300, on_exceed: tcp }
rules:
${filler}
  - name: vip
    when: { method: INVITE, in_dialog: false, caller: { in_set: vip }, header: { name: X-Branch, equals: north } }
    then:
      flow: vip_support_flow
      state: { branch: North Branch }
      headers:
        - { op: replace, name: X-Call-Type, value: Support }
        - { op: replace, name: X-Customer-Brand, value: '{{ var.brand }}', group: transfer }
        - { op: replace, name: X-Journey, value: '{{ var.journey_stage }}', group: reference }
      diversion: { uri: 'sip:{{ callee_number }}@sipctx.invalid', reason: unconditional, params: { brand: '{{ var.brand }}' } }
`;

const loaded = loadPolicy(policyText);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.error, null, 2));
const policy = loaded.value;
const parsed = parseMessage(invite, { transport: 'udp' });
if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('fixture does not parse');
/** @type {import('@sipctx/policy').PolicyRequest} */
const request = {
  message: parsed.value,
  source: { address: '192.0.2.10', port: 5060, transport: 'tcp' },
};
const source = request.source;
const now = new Date('2026-11-25T15:00:00Z');

const first = evaluate(request, null, policy, { now });
if (!first.ok || first.value.rules[0] !== 'vip')
  throw new Error(`unexpected decision: ${JSON.stringify(first)}`);

let sink = 0;
/** @type {[string, () => void][]} */
// The fixed cost: trust, numbers, variables, Diversion and the wire form, with no rule at all.
const bare = loadPolicy(policyText.slice(0, policyText.indexOf('rules:')));
if (!bare.ok) throw new Error(JSON.stringify(bare.error, null, 2));
const contextOnly = bare.value;

const cases = [
  ['parse only', () => void (sink += parseMessage(invite, { transport: 'udp' }).ok ? 1 : 0)],
  [
    'evaluate, no rules',
    () => void (sink += evaluate(request, null, contextOnly, { now }).ok ? 1 : 0),
  ],
  [
    'evaluate (parsed INVITE)',
    () => void (sink += evaluate(request, null, policy, { now }).ok ? 1 : 0),
  ],
  [
    'parse + evaluate',
    () =>
      void (sink += evaluateMessage({ message: invite, source }, null, policy, { now }).ok ? 1 : 0),
  ],
];

/** Milliseconds per call of `fn`, over one time slice. @param {() => void} fn */
function slice(fn) {
  const end = performance.now() + sliceMs;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return (performance.now() - t0) / n; // ms per call
}

/** @type {Map<string, number[]>} */
const samples = new Map(cases.map(([n]) => [n, []]));
for (const [, fn] of cases) slice(fn); // warm-up
for (let r = 0; r < rounds; r++) {
  // Interleaved so that machine noise hits every case alike.
  for (const [name, fn] of cases) samples.get(name)?.push(slice(fn));
}
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const evalMedian = median(samples.get('evaluate (parsed INVITE)') ?? []);
console.log(
  `sipctx policy engine: ${Buffer.byteLength(invite)}-byte INVITE, 20 rules (the 20th matches), ${rounds} rounds × ${sliceMs} ms`,
);
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('');
console.log('case                        evals/s     µs (median)   µs (min–max)   × evaluate');
for (const [name] of cases) {
  const xs = samples.get(name) ?? [];
  const m = median(xs);
  console.log(
    `${name.padEnd(26)}  ${Math.round(1000 / m)
      .toString()
      .padStart(
        8,
      )}   ${(m * 1000).toFixed(2).padStart(10)}   ${(Math.min(...xs) * 1000).toFixed(1)}–${(Math.max(...xs) * 1000).toFixed(1)}`.padEnd(
      78,
    ) + `${(m / evalMedian).toFixed(2)}×`,
  );
}
console.log('');
console.log(
  `target: evaluate under 20 µs median → ${evalMedian * 1000 < 20 ? 'met' : 'NOT met'} (${(evalMedian * 1000).toFixed(2)} µs)`,
);
if (sink === 0) console.log('(no evaluation succeeded)');
