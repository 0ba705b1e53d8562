/**
 * Throughput with interleaved rounds: every round gives each parser one fixed time slice, in a
 * rotated order, so slow drift of a noisy machine (other processes, turbo, GC) spreads over all
 * parsers instead of landing on whichever ran last. The figure per parser is the median of its
 * rounds.
 */
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
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function measure(
  parsers: readonly BenchParser[],
  messages: readonly BenchMessage[],
  config: MeasureConfig,
): Map<string, Timing> {
  for (const parser of parsers) {
    for (let w = 0; w < config.warmupSlices; w++) slice(parser, messages, config.sliceMs);
  }
  const samples = new Map<string, number[]>(parsers.map((p) => [p.name, []]));
  for (let round = 0; round < config.rounds; round++) {
    for (let k = 0; k < parsers.length; k++) {
      const parser = parsers[(round + k) % parsers.length]!;
      samples.get(parser.name)!.push(slice(parser, messages, config.sliceMs));
    }
  }
  const timings = new Map<string, Timing>();
  for (const parser of parsers) {
    const rates = samples.get(parser.name)!;
    timings.set(parser.name, {
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
      rejected: parseAll(parser, messages),
    });
  }
  return timings;
}
