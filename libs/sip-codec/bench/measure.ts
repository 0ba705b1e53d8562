/**
 * Throughput with interleaved rounds: every round gives each parser one fixed time slice, in a
 * shuffled order, so slow drift of a noisy machine (other processes, turbo, GC) spreads over all
 * parsers instead of landing on whichever ran last. The figure per parser is the median of its
 * rounds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchParser } from './competitors.ts';
import type { BenchMessage } from './inputs.ts';

export interface MeasureConfig {
  readonly rounds: number;
  readonly sliceMs: number;
  /** Untimed slices per parser before the first round (JIT warm-up). */
  readonly warmupSlices: number;
}

export interface Timing {
  /** Messages per second, median of the rounds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Messages of the set this parser rejected (undefined result or throw). */
  readonly rejected: number;
}

/** Keeps outputs observable so no work can be optimised away. */
let sink = 0;
export function sinkValue(): number {
  return sink;
}

/** Parses one message; true when the parser rejected it (undefined result or a throw). */
function rejects(parser: BenchParser, message: BenchMessage): boolean {
  try {
    const out = parser.parse(message);
    if (out === undefined) return true;
    sink++;
    return false;
  } catch {
    return true;
  }
}

/**
 * Parses messages one after the other, going round the set from where this parser's previous
 * slice stopped, until the slice is used up; returns messages per second. Checking the clock
 * after every message (some 30 ns) keeps a slow parser from overrunning the slice by a whole
 * pass over the set, and the cursor makes every parser see the whole set over its slices.
 */
function slice(
  parser: BenchParser,
  messages: readonly BenchMessage[],
  ms: number,
  cursors: Map<BenchParser, number>,
): number {
  let next = cursors.get(parser) ?? 0;
  let count = 0;
  const start = performance.now();
  let now = start;
  do {
    rejects(parser, messages[next] as BenchMessage);
    next = next + 1 === messages.length ? 0 : next + 1;
    count++;
    now = performance.now();
  } while (now - start < ms);
  cursors.set(parser, next);
  return (count * 1000) / (now - start);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

/**
 * A full collection between slices, so no parser pays for the garbage of the one before it
 * (sip.js leaves plenty). `--expose-gc` is switched on at run time: the npm script stays plain.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A fresh order for every round (seeded, so runs are comparable): no parser always follows the same one. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function measure(
  parsers: readonly BenchParser[],
  messages: readonly BenchMessage[],
  config: MeasureConfig,
): Map<string, Timing> {
  const cursors = new Map<BenchParser, number>();
  for (const parser of parsers) {
    for (let w = 0; w < config.warmupSlices; w++) slice(parser, messages, config.sliceMs, cursors);
  }
  const samples = new Map<BenchParser, number[]>(parsers.map((p) => [p, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (const parser of shuffled(parsers, round + 1)) {
      collectGarbage();
      samples.get(parser)?.push(slice(parser, messages, config.sliceMs, cursors));
    }
  }
  const timings = new Map<string, Timing>();
  for (const [parser, rates] of samples) {
    timings.set(parser.name, {
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      rejected: messages.filter((m) => rejects(parser, m)).length,
    });
  }
  return timings;
}
