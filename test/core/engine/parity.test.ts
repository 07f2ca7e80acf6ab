// The custom training loop against what tfjs's own model.fit computes, and the Keras semantics
// of regularization, BatchNorm and dropout.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TrainConfig } from '../../../src/core/config/trainConfig';
import type { LoadedData, Split } from '../../../src/core/data/dataset';
import { loadDataset } from '../../../src/core/data/loadDataset';
import { evaluateSplit } from '../../../src/core/engine/evaluate';
import { computeLoss, encodeTargets, type TargetEncoding } from '../../../src/core/engine/lossAndMetrics';
import { buildModel, type LayersModel } from '../../../src/core/engine/modelBuilder';
import { loadSavedModel } from '../../../src/core/engine/modelSaver';
import type { EpochEndEvent } from '../../../src/core/engine/trainingEvents';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, gaussianConfig, maxRelativeError, mean, tempDir, train, wasmRuntime, type RunResult, type Tensor } from './engineFixtures';

const runs = tempDir('parity');
after(runs.cleanup);

let tf: Tf;
before(async () => {
  tf = (await wasmRuntime()).tf;
});

/** 64 training examples: with batchSize 64 every step sees the whole split, so order cannot matter. */
function fullBatchConfig(patch: Parameters<typeof gaussianConfig>[0] = {}): TrainConfig {
  return configFrom(gaussianConfig({
    ...patch,
    dataset: { samples: 104, ...patch.dataset },
    data: { validationSize: 40, ...patch.data },
    training: { epochs: 5, batchSize: 64, ...patch.training },
  }));
}

async function trainAndLoad(config: TrainConfig): Promise<{ result: RunResult; saved: LayersModel }> {
  const result = await train(config, { runsDir: runs.dir, saveWeights: true });
  assert.equal(result.ended.status, 'completed', result.ended.reason);
  const started = result.events.find((e) => e.type === 'run-started');
  assert.ok(started?.type === 'run-started' && started.runDir);
  return { result, saved: await loadSavedModel(tf, path.join(started.runDir, 'model')) };
}

function epochs(result: RunResult): EpochEndEvent[] {
  return result.events.filter((e): e is EpochEndEvent => e.type === 'epoch-end');
}

function encodingOf(config: TrainConfig, data: LoadedData): TargetEncoding {
  const last = config.model.layers[config.model.layers.length - 1];
  return { task: data.task, numClasses: data.numClasses, loss: config.training.loss, outputActivation: last.type === 'dense' ? last.activation : 'linear' };
}

/** The data loss (no penalties) of a model on a split, in inference mode. */
function dataLoss(model: LayersModel, split: Split, data: LoadedData, encoding: TargetEncoding): number {
  return tf.tidy(() => {
    const xs = tf.tensor(split.x, [split.count, ...data.inputShape]);
    return computeLoss(tf, encodeTargets(tf, split.y, encoding), model.apply(xs, { training: false }) as Tensor, encoding).dataSync()[0];
  });
}

function flatWeights(model: LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

describe('parity with tfjs model.fit', () => {
  const optimizers = [
    { name: 'sgd', config: { type: 'sgd', learningRate: 0.1 }, make: () => tf.train.sgd(0.1) },
    { name: 'sgd with nesterov momentum', config: { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }, make: () => tf.train.momentum(0.05, 0.9, true) },
    { name: 'adam', config: { type: 'adam', learningRate: 0.01 }, make: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7) },
  ];
  for (const optimizer of optimizers) {
    it(`${optimizer.name}: 5 full-batch steps give model.fit's weights and losses`, async () => {
      const config = fullBatchConfig({
        layers: [
          { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal', biasInitializer: { type: 'randomNormal', stddev: 0.1 } },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
        training: { optimizer: optimizer.config },
      });
      const { result, saved } = await trainAndLoad(config);
      assert.equal(result.ended.steps, 5);

      // The same initial weights (same seed) in a plain tf.sequential, trained by model.fit.
      const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
      const reference = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      });
      reference.setWeights(built.predictor.getWeights());
      built.model.dispose();
      const data = await loadDataset(config.data, config.seed, '.');
      const xs = tf.tensor2d(data.train.x, [data.train.count, 8]);
      const ys = tf.oneHot(tf.tensor1d(Int32Array.from(data.train.y), 'int32'), 3).toFloat();
      reference.compile({ optimizer: optimizer.make(), loss: 'categoricalCrossentropy' });
      const history = await reference.fit(xs, ys, { batchSize: 64, epochs: 5, shuffle: false, verbose: 0 });

      const ours = flatWeights(saved);
      const theirs = flatWeights(reference);
      assert.ok(maxRelativeError(ours, theirs) < 1e-5, `weights differ by ${maxRelativeError(ours, theirs)}`);
      const before = flatWeights(buildModel(tf, config.model.layers, config.model.input, config.seed).predictor);
      assert.ok(maxRelativeError(before, theirs) > 1e-3, 'the weights should have moved');
      const fitLosses = history.history.loss as number[];
      assert.ok(maxRelativeError(epochs(result).map((e) => e.loss), fitLosses) < 1e-5, `losses ${epochs(result).map((e) => e.loss)} vs ${fitLosses}`);
      tf.dispose([xs, ys]);
      reference.dispose();
      saved.dispose();
    });
  }
});

describe('regularization', () => {
  it('kernelRegularizer l2 adds exactly l2·Σw² to the step loss (once) and to the validation loss', async () => {
    const l2 = 0.01;
    const config = fullBatchConfig({
      layers: [
        { type: 'dense', units: 16, activation: 'tanh', kernelRegularizer: { l2 } },
        { type: 'dense', units: 3, activation: 'softmax', kernelRegularizer: { l2 } },
      ],
      training: { epochs: 3, optimizer: { type: 'sgd', learningRate: 0.1 } },
    });
    const { result, saved } = await trainAndLoad(config);
    const data = await loadDataset(config.data, config.seed, '.');
    const encoding = encodingOf(config, data);
    const penaltyOf = (model: LayersModel) => model.layers.flatMap((l) => l.getWeights().slice(0, 1))
      .reduce((sum, kernel) => sum + l2 * Array.from(kernel.dataSync()).reduce((s, w) => s + w * w, 0), 0);

    const initial = buildModel(tf, config.model.layers, config.model.input, config.seed);
    const initialPenalty = penaltyOf(initial.predictor);
    const initialDataLoss = dataLoss(initial.predictor, data.train, data, encoding);
    assert.ok(initialPenalty > 0.01, `penalty ${initialPenalty}`);
    const first = result.steps[0].loss;
    assert.ok(Math.abs(first - (initialDataLoss + initialPenalty)) < 1e-5 * first, `step loss ${first} vs ${initialDataLoss} + ${initialPenalty}`);
    initial.model.dispose();

    const last = epochs(result).at(-1)!;
    const expected = dataLoss(saved, data.validation, data, encoding) + penaltyOf(saved);
    assert.ok(Math.abs(last.valLoss! - expected) < 1e-5 * expected, `valLoss ${last.valLoss} vs ${expected}`);
    saved.dispose();
  });
});

describe('BatchNormalization', () => {
  it('moves the moving mean/variance from 0/1 toward the batch statistics with its momentum, and evaluates with them', async () => {
    const momentum = 0.9;
    const steps = 3;
    const config = fullBatchConfig({
      dataset: { mean: 3, std: 2 },
      data: { preprocess: { normalize: 'none' } },
      layers: [{ type: 'batchNormalization', momentum }, { type: 'dense', units: 3, activation: 'softmax' }],
      training: { epochs: steps, optimizer: { type: 'sgd', learningRate: 0.1 } },
    });
    const { result, saved } = await trainAndLoad(config);
    const data = await loadDataset(config.data, config.seed, '.');
    const bn = saved.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const [, , movingMean, movingVariance] = bn.getWeights().map((w) => Array.from(w.dataSync()));
    const kept = momentum ** steps;
    for (let f = 0; f < 8; f++) {
      const column = Array.from({ length: data.train.count }, (_, i) => data.train.x[i * 8 + f]);
      const m = mean(column);
      const variance = mean(column.map((v) => (v - m) ** 2));
      assert.ok(Math.abs(m - 3) < 1, `feature mean ${m}`);
      assert.ok(Math.abs(movingMean[f] - (1 - kept) * m) < 1e-4 * Math.abs(m), `moving mean ${movingMean[f]} vs ${(1 - kept) * m}`);
      const expectedVariance = kept * 1 + (1 - kept) * variance;
      assert.ok(Math.abs(movingVariance[f] - expectedVariance) < 1e-4 * expectedVariance, `moving variance ${movingVariance[f]} vs ${expectedVariance}`);
    }
    // Validation used the moving statistics (what the saved model predicts with), not the batch's.
    const encoding = encodingOf(config, data);
    const withMoving = dataLoss(saved, data.validation, data, encoding);
    const valLoss = epochs(result).at(-1)!.valLoss!;
    assert.ok(Math.abs(valLoss - withMoving) < 1e-5 * withMoving, `valLoss ${valLoss} vs ${withMoving}`);
    const withBatch = tf.tidy(() => {
      const xs = tf.tensor(data.validation.x, [data.validation.count, 8]);
      const p = saved.apply(xs, { training: true }) as Tensor;
      return computeLoss(tf, encodeTargets(tf, data.validation.y, encoding), p, encoding).dataSync()[0];
    });
    assert.ok(Math.abs(withBatch - withMoving) > 1e-2, `batch ${withBatch} vs moving ${withMoving}: the test cannot tell them apart`);
    saved.dispose();
  });
});

describe('dropout', () => {
  const layers = [
    { type: 'dense', units: 64, activation: 'relu', kernelInitializer: 'heNormal' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 3, activation: 'softmax' },
  ];

  it('zeroes about `rate` of the units and scales the rest by 1/(1−rate) in training; identity at inference', () => {
    const config = configFrom(gaussianConfig({ layers }));
    const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
    const dropout = built.tracked[1].tfLayers[0];
    const ones = tf.ones([100, 64]);
    const first = (dropout.apply(ones, { training: true }) as Tensor).dataSync();
    const second = (dropout.apply(ones, { training: true }) as Tensor).dataSync();
    const zeros = Array.from(first).filter((v) => v === 0).length / first.length;
    assert.ok(Math.abs(zeros - 0.5) < 0.03, `zero fraction ${zeros}`);
    assert.ok(Array.from(first).every((v) => v === 0 || Math.abs(v - 2) < 1e-6), 'kept units are scaled by 2');
    assert.notDeepEqual(Array.from(second), Array.from(first), 'a new mask at every call');
    assert.deepEqual(Array.from((dropout.apply(ones, { training: false }) as Tensor).dataSync()), Array.from(ones.dataSync()));
    tf.dispose(ones);
    built.model.dispose();
  });

  it('training statistics after dropout keep the mean and scale E[a²] by 1/(1−rate)', async () => {
    const result = await train(configFrom(gaussianConfig({ layers, training: { epochs: 1, batchSize: 200 } })));
    const [before, after] = result.layerStats[0].layers;
    const secondMoment = (s: { mean: number; std: number }) => s.std ** 2 + s.mean ** 2;
    assert.ok(Math.abs(after.activation.mean / before.activation.mean - 1) < 0.05, `means ${before.activation.mean} → ${after.activation.mean}`);
    const ratio = secondMoment(after.activation) / secondMoment(before.activation);
    assert.ok(Math.abs(ratio - 2) < 0.1, `E[a²] ratio ${ratio}`);
  });

  it('is off in validation: evaluation is deterministic and equals the network without the dropout layer', async () => {
    const config = configFrom(gaussianConfig({ layers }));
    const data = await loadDataset(config.data, config.seed, '.');
    const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
    const encoding = encodingOf(config, data);
    const evaluate = () => evaluateSplit(tf, built, data.validation, data.featureSize, config.model.input, encoding, ['accuracy'], 16);
    const first = await evaluate();
    const second = await evaluate();
    assert.deepEqual(second, first);
    const withoutDropout = tf.tidy(() => {
      const xs = tf.tensor(data.validation.x, [data.validation.count, 8]);
      const [dense1, , dense2] = built.tracked.map((t) => t.tfLayers[0]);
      const p = dense2.apply(dense1.apply(xs)) as Tensor;
      return computeLoss(tf, encodeTargets(tf, data.validation.y, encoding), p, encoding).dataSync()[0];
    });
    assert.ok(Math.abs(first!.loss - withoutDropout) < 1e-6 * withoutDropout, `${first!.loss} vs ${withoutDropout}`);
    built.model.dispose();
  });
});
