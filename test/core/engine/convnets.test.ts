import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadTensorflow } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, mean, train, wasmRuntime, type RunResult } from './engineFixtures';

function mnistConfig(layers: object[], training: object = {}, trainSize = 256) {
  return configFrom({
    name: 'convnet',
    seed: 2,
    data: { dataset: 'mnist', shape: 'image', trainSize, validationSize: 64, preprocess: { normalize: 'standardize', per: 'channel' } },
    model: { input: [28, 28, 1], layers },
    training: { epochs: 4, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.02 }, ...training },
    diagnostics: { every: 4 },
  });
}

function epochLosses(result: RunResult): number[] {
  return result.events.flatMap((e) => (e.type === 'epoch-end' ? [e.loss] : []));
}

/** Every epoch's loss below the previous one, and the end clearly below the start. */
function assertLearns(result: RunResult): void {
  assert.equal(result.ended.status, 'completed', result.ended.reason);
  const losses = epochLosses(result);
  assert.equal(result.steps.length, 32);
  losses.slice(1).forEach((loss, i) => assert.ok(loss < losses[i], `epoch losses ${losses}`));
  assert.ok(losses.at(-1)! < 0.9 * losses[0], `epoch losses ${losses}`);
  const first = mean(result.steps.slice(0, 4).map((s) => s.loss));
  const last = mean(result.steps.slice(-4).map((s) => s.loss));
  assert.ok(last < 0.9 * first, `first steps ${first}, last steps ${last}`);
  assert.ok(result.ended.final.valLoss! < Math.log(10), `valLoss ${result.ended.final.valLoss}`);
  for (const event of result.layerStats) {
    for (const layer of event.layers) if (layer.gradNorm !== undefined) assert.ok(Number.isFinite(layer.gradNorm) && layer.gradNorm > 0, `${layer.name} gradNorm ${layer.gradNorm}`);
  }
}

describe('conv nets on wasm (256 MNIST images)', () => {
  it('a small CNN (conv same + maxPool + conv + global average pooling + dense) learns', async () => {
    const result = await train(mnistConfig([
      { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'conv2d', filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal' },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]));
    assertLearns(result);
  });

  it('a strided CNN with BatchNorm, maxPool of negative values, flatten and dropout learns', async () => {
    const result = await train(mnistConfig([
      { type: 'conv2d', filters: 8, kernelSize: [3, 2], strides: 2, padding: 'same', kernelInitializer: 'heNormal' },
      { type: 'batchNormalization' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'activation', activation: 'tanh' },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]));
    assertLearns(result);
  });

  it('a residual net (blocks with and without projection, BatchNorm inside) learns', async () => {
    // BatchNorm momentum 0.9: with the default 0.99 the moving statistics that validation uses
    // are still far from the data after 32 steps (validation loss 4–8 while training improves).
    const block = (filters: number, strides = 1) => ({
      type: 'residual',
      layers: [
        { type: 'conv2d', filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: 'heNormal' },
        { type: 'batchNormalization', momentum: 0.9 },
        { type: 'activation', activation: 'relu' },
        { type: 'conv2d', filters, kernelSize: 3, padding: 'same', kernelInitializer: 'heNormal' },
        { type: 'batchNormalization', momentum: 0.9 },
      ],
    });
    const result = await train(mnistConfig([
      { type: 'conv2d', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' },
      block(8),
      { type: 'activation', activation: 'relu' },
      block(16, 2),
      { type: 'activation', activation: 'relu' },
      { type: 'globalAveragePooling2d' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ]));
    assertLearns(result);
    // The projection's 1×1 conv counts in the second block's parameters.
    const started = result.events.find((e) => e.type === 'run-started');
    assert.ok(started?.type === 'run-started');
    const params = started.layers.map((l) => l.params);
    assert.equal(params[1], 2 * (3 * 3 * 8 * 8 + 8) + 2 * 4 * 8);
    assert.equal(params[3], 3 * 3 * 8 * 16 + 16 + 3 * 3 * 16 * 16 + 16 + 2 * 4 * 16 + 8 * 16);
  });

  it('trains the same on wasm as on the cpu backend (strided conv, BatchNorm, maxPool, 2 steps)', async () => {
    const config = mnistConfig([
      { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 'valid' },
      { type: 'batchNormalization' },
      { type: 'maxPooling2d', poolSize: 2, padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax' },
    ], { epochs: 1, batchSize: 16, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } }, 48);
    const onWasm = await train(config, { runtime: await wasmRuntime() });
    const onCpu = await train(config, { runtime: await loadTensorflow({ preference: 'cpu' }) });
    // Switch back for anything that runs after this test.
    assert.equal((await wasmRuntime()).tf.getBackend(), 'wasm');
    assert.equal(onCpu.ended.status, 'completed', onCpu.ended.reason);
    assert.equal(onWasm.steps.length, 3);
    onWasm.steps.forEach((step, i) => {
      const other = onCpu.steps[i].loss;
      assert.ok(Math.abs(step.loss - other) < 1e-4 * other, `step ${i}: wasm ${step.loss}, cpu ${other}`);
    });
    onWasm.layerStats[0].layers.forEach((layer, i) => {
      const other = onCpu.layerStats[0].layers[i];
      if (layer.gradNorm !== undefined) assert.ok(Math.abs(layer.gradNorm - other.gradNorm!) < 1e-4 * other.gradNorm!, `${layer.name}: ${layer.gradNorm} vs ${other.gradNorm}`);
    });
    assert.ok(Math.abs(onWasm.ended.final.valLoss! - onCpu.ended.final.valLoss!) < 1e-4 * onCpu.ended.final.valLoss!);
  });
});
