/**
 * Codec benchmark: our message parser against the npm SIP parsers, in one run, on a realistic
 * carrier INVITE and on the RFC 4475 valid messages; then what each one gets right. Prints figures
 * only (this is not a test). Run: `npm run bench` in libs/sip-codec. See bench/README.md.
 */
import { cpus, loadavg } from 'node:os';
import { competitors, type BenchParser } from './competitors.ts';
import { lossless, score } from './correctness.ts';
import {
  fixtureHeaderLines,
  loadCarrierInvites,
  loadTorture,
  type BenchMessage,
  type TortureMessage,
} from './inputs.ts';
import { measure, sinkValue, type MeasureConfig, type Timing } from './measure.ts';
import { loadOurs } from './ours.ts';
import { formatMicros, formatRate, formatRatio, formatTable } from './table.ts';

function envNumber(name: string, fallback: number, max: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback;
}

const config: MeasureConfig = {
  rounds: envNumber('BENCH_ROUNDS', 15, 25),
  sliceMs: envNumber('BENCH_SLICE_MS', 120, 200),
  warmupSlices: 1,
};

/** Median messages per second of a parser that was measured (NaN otherwise). */
function rate(timings: Map<string, Timing>, parser: BenchParser): number {
  return timings.get(parser.name)?.median ?? NaN;
}

function throughputTable(
  parsers: readonly BenchParser[],
  timings: Map<string, Timing>,
  setSize: number,
): string {
  const others = parsers.filter((p) => !p.ours);
  const header = ['parser', 'msg/s (median)', 'µs/msg', 'min–max msg/s', 'rejected'];
  header.push(...others.map((p) => `vs ${p.name.replace(/ 0\.[\d.]+/, '')}`));
  const rows = parsers.map((p) => {
    const t = timings.get(p.name) ?? { median: NaN, min: NaN, max: NaN, rejected: NaN };
    const ratios = others.map((o) => (p.ours ? formatRatio(t.median / rate(timings, o)) : ''));
    const spread = `${formatRate(t.min)}–${formatRate(t.max)}`;
    return [
      p.name,
      formatRate(t.median),
      formatMicros(t.median),
      spread,
      `${t.rejected}/${setSize}`,
      ...ratios,
    ];
  });
  return formatTable(header, rows);
}

function runSet(
  title: string,
  parsers: readonly BenchParser[],
  messages: readonly BenchMessage[],
): Map<string, Timing> {
  console.log(`\n## Throughput: ${title}\n`);
  const timings = measure(parsers, messages, config);
  console.log(throughputTable(parsers, timings, messages.length));
  return timings;
}

function summary(parsers: readonly BenchParser[], timings: Map<string, Timing>): void {
  const others = parsers.filter((p) => !p.ours);
  const fastest = others.reduce<BenchParser | undefined>(
    (a, b) => (a !== undefined && rate(timings, a) >= rate(timings, b) ? a : b),
    undefined,
  );
  if (fastest === undefined) return;
  for (const p of parsers.filter((q) => q.ours)) {
    const ratio = rate(timings, p) / rate(timings, fastest);
    console.log(`${p.name}: ${formatRatio(ratio)} the fastest competitor (${fastest.name})`);
  }
}

function printSetup(
  timed: readonly BenchParser[],
  invites: readonly BenchMessage[],
  torture: readonly TortureMessage[] | null,
  notes: readonly string[],
): void {
  const sets = torture ? 2 : 1;
  const slices = sets * timed.length * (config.rounds + config.warmupSlices);
  const cpu = `${cpus()[0]?.model ?? '?'} ×${cpus().length}`;
  console.log('# @sipctx/sip-codec benchmark\n');
  console.log(`date ${new Date().toISOString()}, Node ${process.version}, ${cpu}`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${config.rounds} interleaved rounds × ${config.sliceMs} ms per parser ` +
      `(+${config.warmupSlices} warm-up), about ${((slices * config.sliceMs) / 1000).toFixed(0)} s`,
  );
  for (const m of invites) {
    const headers = fixtureHeaderLines(m).length;
    console.log(`carrier INVITE: ${m.file}, ${m.bytes.length} bytes, ${headers} header lines`);
  }
  const valid = torture?.filter((m) => m.verdict !== 'invalid').length ?? 0;
  console.log(
    torture
      ? `RFC 4475: ${torture.length} messages, ${valid} valid or app`
      : 'RFC 4475: test-data/rfc4475/manifest.json not found, skipped',
  );
  for (const note of notes) console.log(`note: ${note}`);
}

function printCorrectness(parsers: readonly BenchParser[], torture: readonly TortureMessage[]) {
  console.log('\n## RFC 4475: accept valid/app, reject invalid\n');
  const scored = parsers.filter((p) => p.scored).map((p) => ({ p, s: score(p, torture) }));
  const rows = scored.map(({ p, s }) => [
    p.name,
    `${s.validAccepted}/${s.validTotal}`,
    `${s.invalidRejected}/${s.invalidTotal}`,
    `${s.validAccepted + s.invalidRejected}/${torture.length}`,
    p.mode ? `${s.asExpected}/${torture.length}` : '',
  ]);
  const header = ['parser', 'valid accepted', 'invalid rejected', 'right', 'as manifest expects'];
  console.log(formatTable(header, rows));
  for (const { p, s } of scored.filter(({ p }) => p.ours)) {
    const wrong = s.wrong.length === 0 ? 'all right' : s.wrong.join(', ');
    const unexpected = s.unexpected.length === 0 ? 'all as expected' : s.unexpected.join(', ');
    console.log(`\n${p.name} vs RFC verdict: ${wrong}`);
    console.log(`${p.name} vs manifest ${p.mode ?? ''}Expect: ${unexpected}`);
  }
}

function printLossless(parsers: readonly BenchParser[], invites: readonly BenchMessage[]): void {
  console.log(
    `\n## Lossless on the carrier INVITEs (yes only when true for all ${invites.length})\n`,
  );
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const rows = parsers.map((p) => {
    const l = lossless(p, invites);
    return [
      p.name,
      `${yes(l.rows)} (${l.rowsDetail})`,
      yes(l.diversionText),
      `${yes(l.diversionParams)} (${l.paramsDetail})`,
    ];
  });
  const header = [
    'parser',
    'repeated headers as rows',
    'Diversion text kept',
    'Diversion params parsed',
  ];
  console.log(formatTable(header, rows));
}

async function main(): Promise<void> {
  const started = performance.now();
  const ours = await loadOurs();
  const all = [...ours.parsers, ...competitors];
  // BENCH_ONLY=name,name…: time only the parsers whose name starts with one of these.
  const only = process.env['BENCH_ONLY']?.split(',').map((n) => n.trim()) ?? [];
  const timed = all.filter(
    (p) => p.timed && (only.length === 0 || only.some((n) => p.name.startsWith(n))),
  );
  const invites = loadCarrierInvites();
  const torture = loadTorture();
  printSetup(timed, invites, torture, ours.notes);

  const inviteTimings = runSet(`carrier INVITEs (${invites.length}, per message)`, timed, invites);
  console.log('');
  summary(timed, inviteTimings);
  const validSet = torture?.filter((m) => m.verdict !== 'invalid') ?? [];
  if (validSet.length > 0) {
    runSet(`RFC 4475 valid + app messages (${validSet.length}, per message)`, timed, validSet);
  }
  if (torture) printCorrectness(all, torture);
  printLossless(
    all.filter((p) => p.timed),
    invites,
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\ndone in ${seconds} s (sink ${sinkValue() > 0 ? 'ok' : 'empty'})`);
}

await main();
