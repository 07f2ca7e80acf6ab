// The probe: the model as initialized, one batch of real (preprocessed) training data forward and
// backward, no update. It shows what the first step of training will see: per-layer activation
// statistics and gradient norms, the numbers behind "activations vanish with depth".

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

export interface ProbeOptions extends DataLocation {
  runtime: TensorflowRuntime;
  batchSize?: number;
  data?: LoadedData;
  /** Also train a copy of the model on one small batch (opt-in: it costs about a second per 100 steps of a small model). */
  overfitBatch?: { examples?: number; steps?: number };
}

export async function probeModel(config: TrainConfig, options: ProbeOptions): Promise<{ report: ProbeReport; stats: LayerStats[]; inputStats: InputStatistics }> {
  const memory = probeMemory(options.batchSize);
  const prepared = await prepareModel(config, options.runtime, options, options.data, memory);
  const { data, built, steps } = prepared;
  let disposed = false;
  try {
    const count = Math.max(1, Math.min(memory.batchSize, data.train.count));
    // The first `count` training examples: the split is already in seeded random order.
    const batch = { x: data.train.x.subarray(0, count * data.featureSize), y: data.train.y.subarray(0, count), count };
    const pending = await steps.forwardBackward(batch, true);
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
    if (!disposed) built.model.dispose();
  }
}
