// The one-batch overfit check (Karpathy's recipe, TheDeepChecker's pre-training check): train a
// fresh copy of the model on one small batch with the config's optimizer and learning rate and
// watch the loss. Any model worth training can memorize a few dozen examples; one that cannot has
// a bug no statistic of the initial model shows: a loss that does not match the output activation,
// layers that do not learn, a learning rate far too small, labels that do not belong to their inputs.

import type { TrainConfig } from '../config/trainConfig';
import type { LoadedData } from '../data/dataset';
import { makeOptimizer } from './optimizerFactory';
import type { DataLocation } from '../data/dataAccessPolicy';
import type { TensorflowRuntime } from './tensorflowRuntime';
import { prepareModel } from './trainingSession';

export const DEFAULT_OVERFIT_EXAMPLES = 32;
export const DEFAULT_OVERFIT_STEPS = 100;
/** Points kept of the loss curve in the report: enough to see its shape, few enough to read. */
const CURVE_POINTS = 11;
/** The final level is the mean of the last few steps: dropout makes single steps noisy. */
const FINAL_STEPS = 5;

export interface OverfitBatchResult {
  examples: number;
  steps: number;
  /** Data loss (without weight penalties) of the initialized model on the batch. */
  initialLoss: number;
  /** Mean data loss of the last steps. */
  finalLoss: number;
  minLoss: number;
  /** finalLoss / initialLoss. */
  fraction: number;
  /** [step, loss] at evenly spaced steps, first and last included. */
  curve: [number, number][];
  /** The loss became NaN or infinite at this step (the check stopped there). */
  nonFiniteAt?: number;
  durationMs: number;
}

export interface OverfitBatchOptions extends DataLocation {
  runtime: TensorflowRuntime;
  /** Already loaded data (the probe's); loaded from the config otherwise. */
  data?: LoadedData;
  examples?: number;
  steps?: number;
}

export async function overfitOneBatch(config: TrainConfig, options: OverfitBatchOptions): Promise<OverfitBatchResult> {
  const started = Date.now();
  const { built, steps: runner, data } = await prepareModel(config, options.runtime, options, options.data, { batchSize: options.examples ?? DEFAULT_OVERFIT_EXAMPLES, purpose: 'for the one-batch overfit check' });
  const optimizer = makeOptimizer(options.runtime.tf, config.training.optimizer);
  try {
    const examples = Math.max(1, Math.min(options.examples ?? DEFAULT_OVERFIT_EXAMPLES, data.train.count));
    const total = Math.max(1, options.steps ?? DEFAULT_OVERFIT_STEPS);
    const batch = { x: data.train.x.subarray(0, examples * data.featureSize), y: data.train.y.subarray(0, examples), count: examples };
    const losses: number[] = [];
    let nonFiniteAt: number | undefined;
    for (let step = 0; step < total; step++) {
      const pending = await runner.forwardBackward(batch, false);
      losses.push(pending.dataLoss);
      if (!pending.finite) {
        pending.release();
        nonFiniteAt = step;
        break;
      }
      await runner.apply(pending, optimizer, config.training.gradientClipping?.norm);
    }
    const finite = losses.filter(Number.isFinite);
    const initialLoss = losses[0];
    const tail = finite.slice(-FINAL_STEPS);
    const finalLoss = nonFiniteAt !== undefined ? losses[losses.length - 1] : tail.reduce((a, b) => a + b, 0) / tail.length;
    return {
      examples,
      steps: losses.length,
      initialLoss,
      finalLoss,
      minLoss: finite.length > 0 ? Math.min(...finite) : NaN,
      fraction: finalLoss / initialLoss,
      curve: sampleCurve(losses),
      nonFiniteAt,
      durationMs: Date.now() - started,
    };
  } finally {
    optimizer.dispose();
    built.model.dispose();
  }
}

function sampleCurve(losses: number[]): [number, number][] {
  const last = losses.length - 1;
  const points = Math.min(CURVE_POINTS, losses.length);
  const steps = [...new Set(Array.from({ length: points }, (_, i) => (points === 1 ? 0 : Math.round((i * last) / (points - 1)))))];
  return steps.map((step) => [step, losses[step]]);
}
