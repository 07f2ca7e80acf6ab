// Shared setup for the engine tests: the WebAssembly runtime (loaded once per test process),
// configs built from plain objects through the real parser, and a run helper that collects
// every event.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import type { TrainConfig } from '../../../src/core/config/trainConfig';
import { loadTensorflow, type Tf, type TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import type { LayerStatsEvent, RunEndedEvent, StepEvent, TrainingEvent } from '../../../src/core/engine/trainingEvents';
import { runTraining, type TrainingOptions } from '../../../src/core/engine/trainingSession';

export type Tensor = ReturnType<Tf['tensor']>;

export function wasmRuntime(): Promise<TensorflowRuntime> {
  return loadTensorflow({ preference: 'wasm' });
}

/** Parses a config given as text or as a plain object; fails the test on any error. */
export function configFrom(raw: string | object, fileName = 'x.train.json'): TrainConfig {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw, null, 2);
  const parsed = parseTrainConfig(text, fileName);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((p) => p.message), [], 'the test config should be valid');
  assert.ok(parsed.config);
  return parsed.config;
}

/** A small classifier on gaussian data; `patch` replaces whole top-level sections' fields. */
export function gaussianConfig(patch: { data?: object; dataset?: object; layers?: object[]; training?: object; diagnostics?: object; seed?: number; input?: number[] } = {}): Record<string, unknown> {
  return {
    name: 'engine-test',
    seed: patch.seed ?? 7,
    data: {
      dataset: { synthetic: 'gaussian', features: 8, samples: 240, classes: 3, ...patch.dataset },
      validationSize: 40,
      preprocess: { normalize: 'standardize' },
      ...patch.data,
    },
    model: {
      input: patch.input ?? [8],
      layers: patch.layers ?? [
        { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
    },
    training: { epochs: 2, batchSize: 32, optimizer: { type: 'sgd', learningRate: 0.05 }, ...patch.training },
    diagnostics: { every: 5, ...patch.diagnostics },
  };
}

export interface RunResult {
  ended: RunEndedEvent;
  events: TrainingEvent[];
  steps: StepEvent[];
  layerStats: LayerStatsEvent[];
}

/** Runs a config (no run folder, no saved weights unless the options say so) and keeps every event. */
export async function train(config: TrainConfig, options: Partial<TrainingOptions> = {}): Promise<RunResult> {
  const runtime = options.runtime ?? await wasmRuntime();
  const events: TrainingEvent[] = [];
  const ended = await runTraining(config, {
    baseDir: os.tmpdir(),
    saveWeights: false,
    ...options,
    runtime,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return {
    ended,
    events,
    steps: events.filter((e): e is StepEvent => e.type === 'step'),
    layerStats: events.filter((e): e is LayerStatsEvent => e.type === 'layer-stats'),
  };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `training-doctor-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `body` on another backend, then switches back (tfjs greets cpu users on the console). */
export async function onBackend<T>(tf: Tf, backend: string, body: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  const warn = console.warn;
  const log = console.log;
  console.warn = () => undefined;
  console.log = () => undefined;
  try {
    assert.ok(await tf.setBackend(backend), `backend ${backend} should start`);
    tf.dispose(tf.scalar(0)); // the cpu backend's greeting comes with its first tensor
  } finally {
    console.warn = warn;
    console.log = log;
  }
  try {
    return await body();
  } finally {
    await tf.setBackend(previous);
  }
}

/** max |a−b| / max(|b|, floor): relative error with a floor so that tiny entries don't dominate. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  assert.equal(a.length, b.length, 'compared arrays should have the same length');
  let scale = floor;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * SGD at lr 1e6 on unnormalized inputs (mean 1000) with a squared-error loss: the weights grow
 * geometrically until the loss overflows within a few steps. (With softmax + cross-entropy the
 * same settings stay finite: the clipped probabilities saturate and the gradients vanish.)
 */
export function divergingConfig(): TrainConfig {
  return configFrom(gaussianConfig({
    dataset: { mean: 1000 },
    data: { preprocess: { normalize: 'none' } },
    layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3 }],
    training: { loss: 'meanSquaredError', optimizer: { type: 'sgd', learningRate: 1e6 } },
  }));
}
