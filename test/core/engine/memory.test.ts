import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { findLearningRate } from '../../../src/core/engine/learningRateFinder';
import { probeModel } from '../../../src/core/engine/probe';
import { configFrom, divergingConfig, gaussianConfig, train, wasmRuntime } from './engineFixtures';

type Memory = { numTensors: number; numBytes: number; numDataBuffers: number };

/** Everything the loop can hold: BatchNorm, dropout, regularization, noise, Adam's slots, clipping, a schedule. */
function busyConfig(extra: { training?: object } = {}) {
  return configFrom(gaussianConfig({
    layers: [
      { type: 'dense', units: 24, activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: { l2: 0.001 } },
      { type: 'batchNormalization' },
      { type: 'dropout', rate: 0.3 },
      { type: 'residual', layers: [{ type: 'dense', units: 12, activation: 'tanh' }] },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
    data: { augment: { noise: 0.1 } },
    training: {
      epochs: 8, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.005 },
      lrSchedule: { type: 'cosine', warmupEpochs: 1 }, gradientClipping: { norm: 1 }, ...extra.training,
    },
  }));
}

describe('tensor memory', () => {
  let tf: Tf;
  before(async () => {
    tf = (await wasmRuntime()).tf;
  });

  it('holds the same number of tensors and bytes at step 10 and step 100 of a run', async () => {
    const samples = new Map<number, Memory>();
    const result = await train(busyConfig(), {
      onEvent: (event) => {
        if (event.type === 'step' && (event.step === 10 || event.step === 100)) samples.set(event.step, tf.memory() as Memory);
      },
    });
    assert.equal(result.ended.status, 'completed', result.ended.reason);
    assert.ok(result.ended.steps > 100, `only ${result.ended.steps} steps`);
    // Both are statistics steps (every 5), so they hold the same kinds of tensors.
    assert.ok(result.layerStats.some((e) => e.step === 10) && result.layerStats.some((e) => e.step === 100));
    const [at10, at100] = [samples.get(10)!, samples.get(100)!];
    assert.equal(at100.numTensors, at10.numTensors);
    assert.equal(at100.numBytes, at10.numBytes);
    assert.equal(at100.numDataBuffers, at10.numDataBuffers);
  });

  it('frees every tensor of a run when it ends: completed, stopped early with restored weights, failed, cancelled', async () => {
    const start = tf.memory() as Memory;
    const completed = await train(busyConfig({ training: { epochs: 2 } }));
    assert.equal(completed.ended.status, 'completed');
    const stopped = await train(busyConfig({ training: { epochs: 30, earlyStopping: { monitor: 'loss', patience: 0, minDelta: 100, restoreBestWeights: true } } }));
    assert.equal(stopped.ended.status, 'stopped-early', stopped.ended.reason);
    const failed = await train(divergingConfig());
    assert.equal(failed.ended.status, 'failed');
    const controller = new AbortController();
    const cancelled = await train(busyConfig(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step' && event.step === 7) controller.abort();
      },
    });
    assert.equal(cancelled.ended.status, 'cancelled');
    const end = tf.memory() as Memory;
    assert.equal(end.numTensors, start.numTensors);
    assert.equal(end.numBytes, start.numBytes);
    assert.equal(end.numDataBuffers, start.numDataBuffers);
  });

  it('frees every tensor of a run and of a range test with each optimizer (momentum SGD kept its learning rate)', async () => {
    const optimizers = [
      { type: 'sgd', learningRate: 0.05 },
      { type: 'sgd', learningRate: 0.05, momentum: 0.9 },
      { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
      { type: 'adam', learningRate: 0.01 },
      { type: 'rmsprop', learningRate: 0.01, momentum: 0.5 },
      { type: 'adagrad', learningRate: 0.05 },
    ];
    const runtime = await wasmRuntime();
    for (const optimizer of optimizers) {
      const config = configFrom(gaussianConfig({ training: { epochs: 1, optimizer } }));
      const start = tf.memory() as Memory;
      for (let run = 0; run < 2; run++) assert.equal((await train(config)).ended.status, 'completed');
      await findLearningRate(config, { runtime, baseDir: '.', steps: 10 });
      const end = tf.memory() as Memory;
      assert.equal(end.numTensors - start.numTensors, 0, `tensors left after two runs and a range test with ${JSON.stringify(optimizer)}`);
    }
  });

  it('frees every tensor of a probe, and of a run that fails while loading its data', async () => {
    const start = tf.memory() as Memory;
    await probeModel(busyConfig(), { runtime: await wasmRuntime(), baseDir: '.', batchSize: 64 });
    const broken = await train(configFrom(gaussianConfig({ data: { trainSize: 100000 } })));
    assert.equal(broken.ended.status, 'failed');
    assert.match(broken.ended.reason ?? '', /trainSize/);
    const end = tf.memory() as Memory;
    assert.equal(end.numTensors, start.numTensors);
    assert.equal(end.numBytes, start.numBytes);
  });
});
