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
  /** Messages of the set this parser rejected (undefined result or throw), per pass. */
  readonly rejected: number;
}

/** Keeps outputs observable so no work can be optimised away. */
let sink = 0;
export function sinkValue(): number {
  return sink;
}

function parseAll(parser: BenchParser, messages: readonly BenchMessage[]): number {
  let rejected = 0;
  for (const message of messages) {
    try {
      const out = parser.parse(message);
      if (out === undefined) rejected++;
      else sink++;
    } catch {
      rejected++;
    }
  }
  return rejected;
}

/** Runs whole passes over the set until the slice is used up; returns messages per second. */
function slice(parser: BenchParser, messages: readonly BenchMessage[], ms: number): number {
  let passes = 0;
  const start = performance.now();
  let now = start;
  do {
    parseAll(parser, messages);
    passes++;
    now = performance.now();
  } while (now - start < ms);
  return (passes * messages.length * 1000) / (now - start);
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
  let state = seed * 2654435761 + 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
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
  for (const parser of parsers) {
    for (let w = 0; w < config.warmupSlices; w++) slice(parser, messages, config.sliceMs);
  }
  const samples = new Map<BenchParser, number[]>(parsers.map((p) => [p, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (const parser of shuffled(parsers, round + 1)) {
      collectGarbage();
      samples.get(parser)?.push(slice(parser, messages, config.sliceMs));
    }
  }
  const timings = new Map<string, Timing>();
  for (const [parser, rates] of samples) {
    timings.set(parser.name, {
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      rejected: parseAll(parser, messages),
    });
  }
  return timings;
}
