// The probe: the model as initialized, one batch of real (preprocessed) training data forward and
// backward, no update. It shows what the first step of training will see: per-layer activation
// statistics and gradient norms, the numbers behind "activations vanish with depth".

import { inferShapes, type LayerShape } from '../config/shapeInference';
import type { TrainConfig } from '../config/trainConfig';
import type { Finding } from '../diagnosis/finding';
import type { InputStatistics, LoadedData } from '../data/dataset';
import type { DataLocation } from '../data/dataAccessPolicy';
import type { LayerStats } from './layerStatistics';
import { overfitOneBatch, type OverfitBatchResult } from './overfitBatch';
import type { TensorflowRuntime } from './tensorflowRuntime';
import { layerSummaries, prepareModel } from './trainingSession';

export interface ProbeLayer {
  index: number;
  name: string;
  type: string;
  outputShape: number[];
  params: number;
  activation: { mean: number; std: number; zeroFraction: number | null; saturatedFraction: number | null; deadFraction: number | null };
  weights: { mean: number; std: number } | null;
  gradNorm: number | null;
}

export interface ProbeReport {
  config: string;
  backend: string;
  backendDetail: string;
  dataset: string;
  batchSize: number;
  loss: number;
  layers: ProbeLayer[];
  /** The one-batch overfit check, when asked for (`--overfit-batch`). */
  overfitBatch?: OverfitBatchResult;
  findings: Finding[];
}

export const DEFAULT_PROBE_BATCH = 256;

/** The batch a probe pushes through the model, for the memory check (see memoryEstimate). */
export function probeMemory(batchSize = DEFAULT_PROBE_BATCH): { batchSize: number; purpose: string; update: false } {
  return { batchSize, purpose: `for a probe of ${batchSize} examples`, update: false };
}

/**
 * The layer outputs a default probe batch may hold (every config layer's output is kept for the
 * statistics, and the backward pass needs several times as much): ResNet50 at 224×224 keeps 142 MB
 * per example, and at 4 examples the WebAssembly backend's 4 GB heap runs out and aborts.
 */
const DEFAULT_BATCH_OUTPUT_BYTES = 300e6;

/** A probe batch too large for the backend's memory: said in words, not as the backend's abort. */
export class ProbeOutOfMemoryError extends Error {
  override readonly name = 'ProbeOutOfMemoryError';
}

/** The default probe batch: 256 examples, fewer for models whose layer outputs would not fit. */
export function defaultProbeBatch(config: TrainConfig): number {
  const shapes = inferShapes(config.model.layers, config.model.input);
  const floats = (layers: LayerShape[]): number => layers.reduce((sum, l) =>
    sum + l.outputShape.reduce((a, b) => a * b, 1) + (l.branch ? floats(l.branch) : 0) + (l.shortcut ? floats(l.shortcut) : 0), 0);
  const perExample = 4 * floats(shapes.layers);
  return Math.max(1, Math.min(DEFAULT_PROBE_BATCH, Math.floor(DEFAULT_BATCH_OUTPUT_BYTES / Math.max(1, perExample))));
}

export interface ProbeOptions extends DataLocation {
  runtime: TensorflowRuntime;
  batchSize?: number;
  data?: LoadedData;
  /** Also train a copy of the model on one small batch (opt-in: it costs about a second per 100 steps of a small model). */
  overfitBatch?: { examples?: number; steps?: number };
}

export async function probeModel(config: TrainConfig, options: ProbeOptions): Promise<{ report: ProbeReport; stats: LayerStats[]; inputStats: InputStatistics }> {
  const memory = probeMemory(options.batchSize ?? defaultProbeBatch(config));
  const prepared = await prepareModel(config, options.runtime, options, options.data, memory);
  const { data, built, steps } = prepared;
  let disposed = false;
  // After an out-of-memory abort the backend's memory is unusable: disposing would only throw again.
  let backendBroken = false;
  try {
    const count = Math.max(1, Math.min(memory.batchSize, data.train.count));
    // The first `count` training examples: the split is already in seeded random order.
    const batch = { x: data.train.x.subarray(0, count * data.featureSize), y: data.train.y.subarray(0, count), count };
    let pending: Awaited<ReturnType<typeof steps.forwardBackward>>;
    try {
      pending = await steps.forwardBackward(batch, true);
    } catch (error) {
      // The WebAssembly backend aborts (RuntimeError "Aborted()") when its heap, at most 4 GB, runs out,
      // or traps when a tensor's size overflows its 32-bit addresses: then it reads and writes
      // wherever the wrapped addresses point, and which trap comes first ("memory access out of
      // bounds", "table index is out of bounds", ...) depends on what the heap held before.
      if (error instanceof Error && (error.constructor.name === 'RuntimeError' || /Aborted\(|memory access out of bounds/.test(error.message))) {
        backendBroken = true;
        throw new ProbeOutOfMemoryError(`The ${options.runtime.backend} backend ran out of memory probing ${count} examples ` +
          `(every layer's output is kept for the statistics; its heap holds at most 4 GB). Use a smaller --batch ` +
          `(the default for this model is ${defaultProbeBatch(config)}).`);
      }
      throw error;
    }
    const loss = pending.loss;
    const stats = await steps.inspect(pending);
    const summaries = layerSummaries(built);
    const layers: ProbeLayer[] = stats.map((s, i) => ({
      index: s.index,
      name: s.name,
      type: s.type,
      outputShape: summaries[i].outputShape,
      params: summaries[i].params,
      activation: {
        mean: s.activation.mean,
        std: s.activation.std,
        zeroFraction: s.activation.zeroFraction ?? null,
        saturatedFraction: s.activation.saturatedFraction ?? null,
        deadFraction: s.activation.deadFraction ?? null,
      },
      weights: s.weights ?? null,
      gradNorm: s.gradNorm ?? null,
    }));
    const report: ProbeReport = {
      config: config.name, backend: options.runtime.backend, backendDetail: options.runtime.detail,
      dataset: data.source, batchSize: count, loss, layers, findings: [],
    };
    built.model.dispose();
    disposed = true;
    if (options.overfitBatch) report.overfitBatch = await overfitOneBatch(config, { runtime: options.runtime, baseDir: options.baseDir, dataAccess: options.dataAccess, data, ...options.overfitBatch });
    return { report, stats, inputStats: data.rawInputStats };
  } finally {
    if (!disposed && !backendBroken) built.model.dispose();
  }
}
