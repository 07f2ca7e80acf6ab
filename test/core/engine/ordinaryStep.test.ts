// The ordinary (non-statistics) training step made cheaper: the same numbers on the wasm backend
// as on the cpu backend, no more kernels than tfjs' own trainOnBatch, and the wasm Identity that
// shares memory instead of copying it.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainConfig } from '../../../src/core/config/trainConfig';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { encodeTargets } from '../../../src/core/engine/lossAndMetrics';
import { makeOptimizer } from '../../../src/core/engine/optimizerFactory';
import type { Tf, TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { prepareModel } from '../../../src/core/engine/trainingSession';
import { configFrom, gaussianConfig, maxRelativeError, onBackend, wasmRuntime } from './engineFixtures';

let runtime: TensorflowRuntime;
let tf: Tf;
before(async () => {
  runtime = await wasmRuntime();
  tf = runtime.tf;
});

interface StepRecord { loss: number; dataLoss: number; gradNorm: number; metrics: number[]; weights: Float32Array }

/** Three ordinary steps from the config's seeded initial weights, on the current backend. */
async function threeSteps(config: TrainConfig): Promise<StepRecord[]> {
  const data = await loadDataset(config.data, config.seed, '/');
  const prepared = await prepareModel(config, { ...runtime, backend: tf.getBackend() as never }, { baseDir: '/' }, data);
  const optimizer = makeOptimizer(tf, config.training.optimizer);
  const size = config.training.batchSize;
  const records: StepRecord[] = [];
  try {
    for (let step = 0; step < 3; step++) {
      const start = step * size;
      const batch = { x: data.train.x.slice(start * data.featureSize, (start + size) * data.featureSize), y: data.train.y.slice(start, start + size), count: size };
      const pending = await prepared.steps.forwardBackward(batch, false);
      const { loss, dataLoss, gradNorm } = pending;
      const metrics = Object.values(pending.metricSums);
      await prepared.steps.apply(pending, optimizer, config.training.gradientClipping?.norm);
      const weights = Float32Array.from(prepared.built.model.trainableWeights.flatMap((w) => Array.from(w.read().dataSync())));
      records.push({ loss, dataLoss, gradNorm, metrics, weights });
    }
  } finally {
    optimizer.dispose();
    prepared.built.model.dispose();
  }
  return records;
}

const configs: [string, TrainConfig][] = [
  ['a classifier with dropout', configFrom(gaussianConfig({
    layers: [{ type: 'dense', units: 16, activation: 'relu' }, { type: 'dropout', rate: 0.3 }, { type: 'dense', units: 3, activation: 'softmax' }],
    training: { batchSize: 32, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } },
  }))],
  ['L2 penalties (data loss ≠ loss), gradient clipping, logits', configFrom(gaussianConfig({
    layers: [{ type: 'dense', units: 16, activation: 'tanh', kernelRegularizer: { l2: 0.01 } }, { type: 'dense', units: 3, activation: 'linear' }],
    training: { batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 }, gradientClipping: { norm: 0.5 } },
  }))],
  ['regression with two metrics', configFrom({
    name: 'regression', seed: 3,
    data: { dataset: { synthetic: 'blobs', features: 5, samples: 200, classes: 2 }, validationSize: 20 },
    model: { input: [5], layers: [{ type: 'dense', units: 8, activation: 'relu' }, { type: 'dense', units: 1, activation: 'sigmoid' }] },
    training: { epochs: 1, batchSize: 16, loss: 'binaryCrossentropy', metrics: ['accuracy', 'meanSquaredError'], optimizer: { type: 'sgd', learningRate: 0.1 } },
  })],
];

describe('the ordinary training step', () => {
  for (const [label, config] of configs) {
    it(`gives the cpu backend's loss, data loss, gradient norm, metric sums and weights on wasm: ${label}`, async () => {
      const onWasm = await threeSteps(config);
      const onCpu = await onBackend(tf, 'cpu', () => threeSteps(config));
      assert.equal(tf.getBackend(), 'wasm');
      onWasm.forEach((wasm, step) => {
        const cpu = onCpu[step];
        const scalars = [wasm.loss, wasm.dataLoss, wasm.gradNorm, ...wasm.metrics];
        const expected = [cpu.loss, cpu.dataLoss, cpu.gradNorm, ...cpu.metrics];
        assert.ok(scalars.every(Number.isFinite), `step ${step}: ${scalars}`);
        assert.ok(maxRelativeError(scalars, expected) <= 1e-4, `step ${step}: ${scalars} vs ${expected}`);
        assert.ok(maxRelativeError(wasm.weights, cpu.weights) <= 1e-4, `step ${step}: weights differ by ${maxRelativeError(wasm.weights, cpu.weights)}`);
      });
      const [first] = onWasm;
      if (label.startsWith('L2')) assert.ok(first.loss > first.dataLoss, 'the penalty is in the loss only');
      else assert.equal(first.loss, first.dataLoss);
    });
  }

  it('runs no more kernels than tfjs trainOnBatch on the same model', async () => {
    const [, config] = configs[0];
    const data = await loadDataset(config.data, config.seed, '/');
    const prepared = await prepareModel(config, runtime, { baseDir: '/' }, data);
    const size = config.training.batchSize;
    const batch = { x: data.train.x.slice(0, size * data.featureSize), y: data.train.y.slice(0, size), count: size };
    const optimizer = makeOptimizer(tf, config.training.optimizer);
    const ours = await tf.profile(async () => {
      await prepared.steps.apply(await prepared.steps.forwardBackward(batch, false), optimizer, undefined);
    });
    const { predictor } = prepared.built;
    predictor.compile({ optimizer: makeOptimizer(tf, config.training.optimizer), loss: config.training.loss, metrics: config.training.metrics });
    const xs = tf.tensor2d(batch.x, [size, data.featureSize]);
    const ys = encodeTargets(tf, batch.y, prepared.encoding);
    await predictor.trainOnBatch(xs, ys); // creates the optimizer's slots
    const theirs = await tf.profile(async () => {
      await predictor.trainOnBatch(xs, ys);
    });
    tf.dispose([xs, ys]);
    optimizer.dispose();
    prepared.built.model.dispose();
    assert.ok(ours.kernels.length <= theirs.kernels.length, `ours ${ours.kernels.length}, trainOnBatch ${theirs.kernels.length}`);
  });
});

describe('encodeTargets', () => {
  it("makes tf.oneHot's rows, also for labels out of range or not whole", () => {
    const labels = Float32Array.from([0, 2, 1, 3, -1, 2.7, 1e10, NaN]);
    const encoding = { task: 'classification' as const, numClasses: 3, loss: 'categoricalCrossentropy' as const, outputActivation: 'softmax' };
    const ours = tf.tidy(() => Array.from(encodeTargets(tf, labels, encoding).dataSync()));
    const theirs = tf.tidy(() => Array.from(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 3).toFloat().dataSync()));
    assert.deepEqual(ours, theirs);
  });
});

describe('Identity on wasm', () => {
  it('shares the input memory (no new buffer), and the copy outlives its source', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const source = tf.tensor([1, 2, 3, 4], [2, 2]);
    const before = backend.numDataIds();
    const copy = tf.clone(source);
    assert.equal(backend.numDataIds(), before, 'no new buffer');
    source.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3, 4]);
    copy.dispose();
    assert.equal(backend.numDataIds(), before - 1, 'freed with its last reference');
  });
});
