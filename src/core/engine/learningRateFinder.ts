// The learning-rate range test: train from the initial weights for a few hundred steps while the
// rate grows exponentially from `startRate` to `endRate`, recording the loss at each step; stop
// once the smoothed loss has clearly diverged. The model is thrown away afterwards.

import type { TrainConfig } from '../config/trainConfig';
import { suggestLearningRate, smoothLosses, type LearningRateSuggestion, type RangeTestPoint } from '../diagnosis/learningRateSuggestion';
import { ConfigProblemError } from '../config/configProblem';
import { epochOrder, gatherBatch } from '../data/loadDataset';
import type { DataLocation } from '../data/dataAccessPolicy';
import { placeholderRefusal } from '../data/placeholderDataset';
import { deriveSeed, SeededRandom } from '../random';
import { disposeOptimizer, makeOptimizer, setLearningRate } from './optimizerFactory';
import type { TensorflowRuntime } from './tensorflowRuntime';
import { prepareModel } from './trainingSession';

export interface RangeTestOptions extends DataLocation {
  runtime: TensorflowRuntime;
  startRate?: number;
  endRate?: number;
  steps?: number;
  /** Stop when the smoothed loss exceeds this multiple of its best value. */
  divergenceFactor?: number;
  signal?: AbortSignal;
  onPoint?: (point: RangeTestPoint, index: number) => void;
}

export interface RangeTestResult {
  optimizer: string;
  configuredRate: number;
  points: RangeTestPoint[];
  suggestion?: LearningRateSuggestion;
  stoppedBecause: 'diverged' | 'nonfinite' | 'finished' | 'cancelled';
}

export async function findLearningRate(config: TrainConfig, options: RangeTestOptions): Promise<RangeTestResult> {
  const startRate = options.startRate ?? 1e-7;
  const endRate = options.endRate ?? 10;
  const steps = options.steps ?? 200;
  const divergenceFactor = options.divergenceFactor ?? 4;
  const { tf } = options.runtime;
  const refusal = placeholderRefusal(config.data, 'run a learning-rate range test');
  if (refusal) throw new ConfigProblemError([refusal]);
  const prepared = await prepareModel(config, options.runtime, options);
  const { data, built, steps: stepRunner } = prepared;
  const optimizer = makeOptimizer(tf, config.training.optimizer);
  const order = new SeededRandom(deriveSeed(config.seed, 'lr-find'));
  const batchSize = Math.min(config.training.batchSize, data.train.count);
  const stepsPerEpoch = Math.ceil(data.train.count / batchSize);
  const growth = Math.pow(endRate / startRate, 1 / Math.max(1, steps - 1));
  const points: RangeTestPoint[] = [];
  let stoppedBecause: RangeTestResult['stoppedBecause'] = 'finished';
  let divergedAt: number | undefined;
  let best = Infinity;
  // Smooth over about a twentieth of the sweep: enough to calm batch noise, short enough that
  // the smoothed curve does not lag the divergence by a large part of the sweep.
  const beta = smoothingFor(steps);
  try {
    let indices = epochOrder(data.train.count, order);
    for (let i = 0; i < steps; i++) {
      if (options.signal?.aborted) {
        stoppedBecause = 'cancelled';
        break;
      }
      const b = i % stepsPerEpoch;
      if (b === 0 && i > 0) indices = epochOrder(data.train.count, order);
      const start = b * batchSize;
      const end = Math.min(data.train.count, start + batchSize);
      const batch = gatherBatch(data.train, data.featureSize, indices, start, end);
      const learningRate = startRate * Math.pow(growth, i);
      setLearningRate(optimizer, learningRate);
      const pending = await stepRunner.forwardBackward({ x: batch.x, y: batch.y, count: end - start }, false);
      const point = { learningRate, loss: pending.loss };
      points.push(point);
      options.onPoint?.(point, i);
      if (!pending.finite) {
        pending.release();
        stoppedBecause = 'nonfinite';
        divergedAt = learningRate;
        break;
      }
      await stepRunner.apply(pending, optimizer, undefined);
      const smoothed = smoothLosses(points.map((p) => p.loss), beta);
      const current = smoothed[smoothed.length - 1];
      best = Math.min(best, current);
      if (i > 10 && current > divergenceFactor * best) {
        stoppedBecause = 'diverged';
        divergedAt = learningRate;
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    disposeOptimizer(optimizer);
    built.model.dispose();
  }
  return {
    optimizer: config.training.optimizer.type,
    configuredRate: config.training.optimizer.learningRate,
    points,
    suggestion: suggestLearningRate(points, divergedAt, beta),
    stoppedBecause,
  };
}

export function smoothingFor(steps: number): number {
  return Math.min(0.98, Math.max(0.8, 1 - 20 / steps));
}
