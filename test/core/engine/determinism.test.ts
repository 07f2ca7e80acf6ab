import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFrom, gaussianConfig, tempDir, train, type RunResult } from './engineFixtures';

const runs = tempDir('determinism');
after(runs.cleanup);

/** Dense net with BatchNorm, dropout and input noise: every seeded source of randomness. */
function denseConfig(seed: number) {
  return configFrom(gaussianConfig({
    seed,
    layers: [
      { type: 'dense', units: 32, activation: 'relu', kernelInitializer: 'heNormal' },
      { type: 'batchNormalization' },
      { type: 'dropout', rate: 0.4 },
      { type: 'dense', units: 16, activation: 'tanh' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
    data: { augment: { noise: 0.3 } },
    training: { epochs: 3, batchSize: 24, optimizer: { type: 'adam', learningRate: 0.01 } },
  }));
}

/** A small conv net on MNIST images with random shifts and dropout. */
function convConfig(seed: number) {
  return configFrom({
    name: 'determinism-cnn',
    seed,
    data: { dataset: 'mnist', shape: 'image', trainSize: 48, validationSize: 16, preprocess: { normalize: 'standardize', per: 'channel' }, augment: { translate: 2, noise: 0.1 } },
    model: {
      input: [28, 28, 1],
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'maxPooling2d', poolSize: 2 },
        { type: 'dropout', rate: 0.3 },
        { type: 'flatten' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    },
    training: { epochs: 2, batchSize: 16, optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9 } },
    diagnostics: { every: 2 },
  });
}

function weightsOf(result: RunResult): Buffer {
  const started = result.events.find((e) => e.type === 'run-started');
  assert.ok(started?.type === 'run-started' && started.runDir);
  return fs.readFileSync(path.join(started.runDir, 'model', 'weights.bin'));
}

function losses(result: RunResult): number[] {
  return result.steps.map((s) => s.loss);
}

describe('determinism', () => {
  for (const [kind, make] of [['dense net with BatchNorm, dropout and noise', denseConfig], ['conv net with shifts, noise and dropout', convConfig]] as const) {
    it(`${kind}: the same seed gives bit-identical losses, statistics and final weights`, async () => {
      const first = await train(make(3), { runsDir: runs.dir, saveWeights: true });
      const second = await train(make(3), { runsDir: runs.dir, saveWeights: true });
      assert.equal(first.ended.status, 'completed', first.ended.reason);
      assert.equal(second.ended.status, 'completed', second.ended.reason);
      assert.ok(first.steps.length >= 6);
      assert.deepEqual(losses(second), losses(first));
      assert.deepEqual(second.layerStats.map((e) => e.layers), first.layerStats.map((e) => e.layers));
      assert.deepEqual(second.ended.final, first.ended.final);
      const weights = weightsOf(first);
      assert.ok(weights.length > 0);
      assert.ok(weights.equals(weightsOf(second)), 'weights.bin should be byte-identical');
    });

    it(`${kind}: a different seed gives different losses and weights`, async () => {
      const first = await train(make(3), { runsDir: runs.dir, saveWeights: true });
      const other = await train(make(4), { runsDir: runs.dir, saveWeights: true });
      assert.equal(other.ended.status, 'completed', other.ended.reason);
      assert.notDeepEqual(losses(other), losses(first));
      assert.ok(!weightsOf(first).equals(weightsOf(other)));
    });
  }

  it('dropout masks and noise are drawn afresh at every step (not one fixed mask)', async () => {
    // Full-batch training with lr ≈ 0: the weights hardly move, so any change of the step loss
    // comes from new dropout masks and new noise.
    const config = configFrom(gaussianConfig({
      layers: [
        { type: 'dense', units: 32, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      data: { augment: { noise: 0.5 } },
      training: { epochs: 4, batchSize: 200, optimizer: { type: 'sgd', learningRate: 1e-9 } },
    }));
    const result = await train(config);
    const distinct = new Set(losses(result));
    assert.equal(distinct.size, result.steps.length, `losses ${losses(result)}`);
  });
});
