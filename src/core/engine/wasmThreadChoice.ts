// How many threads the WebAssembly backend gets. The threaded build splits each matmul and
// convolution across a pool of worker threads; that pays only when single kernels are big enough
// to hide the hand-over (and the steps are spent in them rather than in dispatching small ones),
// and only when another core is actually free: on a busy core the pool's second thread waits for
// its turn and the step gets slower than on one thread. tfjs starts one backend per process, so the
// choice is made from the config before the runtime loads.

import * as os from 'node:os';
import type { LayerShape, ShapeReport } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';

export interface WasmThreadChoice {
  /** 1: the single-threaded SIMD build. */
  threads: number;
  /** Why, in a few words, for the run's backend detail. */
  reason: string;
}

export interface ThreadChoiceInput {
  /** Multiply-adds of the model's largest layer in one training batch (forward pass). */
  largestLayerMacs: number;
  /** Logical cores of the machine. */
  cores: number;
  /** The machine's 1-minute load average: runnable processes, ours not yet among them. */
  load: number;
}

/**
 * Below this many multiply-adds in the largest layer a second thread does not pay: the step goes
 * mostly to small kernels, each handing work to the pool and waiting for it. Measured on 2 cores
 * (README, "Threads"): the MNIST MLP (12.8 M) slower threaded, the MNIST CNN (57.8 M) about even
 * for more CPU, the seeds' 4096 MLP (1.1 G) 1.3–1.4× faster.
 */
export const MIN_THREADED_LAYER_MACS = 100e6;
/** The threaded build sizes its pool from the cores; more than 4 threads it never starts. */
const MAX_THREADS = 4;

/** The decision, from numbers only: no clock, no machine. */
export function chooseWasmThreads({ largestLayerMacs, cores, load }: ThreadChoiceInput): WasmThreadChoice {
  if (largestLayerMacs < MIN_THREADED_LAYER_MACS) {
    return { threads: 1, reason: `layers too small for threads to pay (largest ${formatMacs(largestLayerMacs)} multiply-adds a step)` };
  }
  if (cores < 2) return { threads: 1, reason: 'one core' };
  // Our main thread takes one core; a pool thread needs another that the load leaves free.
  const idle = Math.max(0, Math.round(cores - 1 - load));
  if (idle === 0) return { threads: 1, reason: `no idle core (load ${load.toFixed(1)} on ${cores} cores)` };
  const threads = Math.min(1 + idle, MAX_THREADS);
  return { threads, reason: `largest layer ${formatMacs(largestLayerMacs)} multiply-adds a step, ${idle} idle core${idle === 1 ? '' : 's'}` };
}

/** The choice for a config on this machine, now: its `wasmThreads`, or the automatic one. */
export function wasmThreadsFor(config: TrainConfig, shapes: ShapeReport): WasmThreadChoice {
  if (config.wasmThreads !== 'auto') return { threads: config.wasmThreads, reason: 'the config\'s wasmThreads' };
  return chooseWasmThreads({
    largestLayerMacs: largestLayerMacs(shapes.layers) * config.training.batchSize,
    cores: os.cpus().length,
    load: os.loadavg()[0],
  });
}

/** Multiply-adds per example of the largest weighted layer (residual branches and shortcuts included). */
export function largestLayerMacs(layers: LayerShape[]): number {
  let largest = 0;
  for (const layer of layers) {
    // fanIn inputs feed each output element: dense units, or every position and channel of a conv.
    const outputs = layer.outputShape.reduce((a, b) => a * b, 1);
    largest = Math.max(largest, layer.fanIn * outputs, largestLayerMacs(layer.branch ?? []), largestLayerMacs(layer.shortcut ?? []));
  }
  return largest;
}

function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(1)} G`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(1)} M`;
  return `${(macs / 1e3).toFixed(0)} k`;
}
