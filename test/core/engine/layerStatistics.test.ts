import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { probeModel, type ProbeReport } from '../../../src/core/engine/probe';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, gaussianConfig, train, wasmRuntime } from './engineFixtures';

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await wasmRuntime();
});

/** Probes layers on N(0, 1) inputs with `features` features (no preprocessing), batch 256. */
async function probe(layers: object[], features = 256, seed = 5): Promise<ProbeReport> {
  const config = configFrom({
    seed,
    data: { dataset: { synthetic: 'gaussian', features, samples: 300, classes: 2 }, validationSize: 0 },
    model: { input: [features], layers },
    training: { epochs: 1, optimizer: { type: 'sgd' } },
  });
  return (await probeModel(config, { runtime, baseDir: '.', batchSize: 256 })).report;
}

const output = { type: 'dense', units: 2, activation: 'softmax' };

describe('layer statistics (probe)', () => {
  for (const stddev of [0.05, 0.1]) {
    it(`a linear 6×256 MLP with randomNormal(${stddev}) scales the activation std by √256·${stddev} per layer`, async () => {
      const hidden = Array.from({ length: 6 }, () => ({ type: 'dense', units: 256, kernelInitializer: { type: 'randomNormal', stddev } }));
      const report = await probe([...hidden, output]);
      const gain = Math.sqrt(256) * stddev;
      report.layers.slice(0, 6).forEach((layer, k) => {
        const expected = gain ** (k + 1);
        assert.ok(Math.abs(layer.activation.std / expected - 1) < 0.05, `layer ${k + 1}: std ${layer.activation.std}, expected ≈ ${expected}`);
        assert.ok(Math.abs(layer.activation.mean) < 0.05 * expected, `layer ${k + 1}: mean ${layer.activation.mean}`);
        // The main weights are the initializer's draw.
        assert.ok(layer.weights && Math.abs(layer.weights.std / stddev - 1) < 0.02, `weights std ${layer.weights?.std}`);
        assert.ok(Math.abs(layer.weights!.mean) < 0.1 * stddev);
        assert.equal(layer.activation.zeroFraction, null);
        assert.equal(layer.activation.saturatedFraction, null);
      });
    });
  }

  it('ReLU layers with He initialization zero about half of their outputs at init, and keep the scale', async () => {
    const hidden = Array.from({ length: 4 }, () => ({ type: 'dense', units: 128, activation: 'relu', kernelInitializer: 'heNormal' }));
    const report = await probe([...hidden, output], 64);
    const stds = report.layers.slice(0, 4).map((l) => l.activation.std);
    for (const layer of report.layers.slice(0, 4)) {
      assert.ok(layer.activation.zeroFraction !== null && Math.abs(layer.activation.zeroFraction - 0.5) < 0.08, `zeroFraction ${layer.activation.zeroFraction}`);
      assert.equal(layer.activation.saturatedFraction, null);
      assert.ok(layer.activation.mean > 0);
    }
    // He keeps E[z²] = 2 before each ReLU, so E[a²] = 1 and std(a) = √(1 − 1/π) ≈ 0.83 at every depth.
    for (const std of stds) assert.ok(Math.abs(std / Math.sqrt(1 - 1 / Math.PI) - 1) < 0.2, `stds ${stds}`);
  });

  it('tanh saturates with a huge init (saturatedFraction > 0.9) and not with Glorot', async () => {
    const huge = await probe([{ type: 'dense', units: 64, activation: 'tanh', kernelInitializer: { type: 'randomNormal', stddev: 3 } }, output]);
    assert.ok(huge.layers[0].activation.saturatedFraction! > 0.9, `saturatedFraction ${huge.layers[0].activation.saturatedFraction}`);
    assert.equal(huge.layers[0].activation.zeroFraction, null);
    const glorot = await probe([{ type: 'dense', units: 64, activation: 'tanh', kernelInitializer: 'glorotNormal' }, output]);
    assert.ok(glorot.layers[0].activation.saturatedFraction! < 0.1, `saturatedFraction ${glorot.layers[0].activation.saturatedFraction}`);
  });

  it('reports gradNorm and weights for weighted layers only (null for dropout, flatten and activation)', async () => {
    const config = configFrom({
      data: { dataset: 'mnist', shape: 'image', trainSize: 32, validationSize: 0, preprocess: { normalize: 'standardize', per: 'channel' } },
      model: {
        input: [28, 28, 1],
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: 'heNormal' },
          { type: 'batchNormalization' },
          { type: 'dropout', rate: 0.3 },
          { type: 'flatten' },
          { type: 'activation', activation: 'sigmoid' },
          { type: 'residual', layers: [{ type: 'dense', units: 16, activation: 'relu' }] },
          { type: 'dense', units: 10, activation: 'softmax' },
        ],
      },
      training: { epochs: 1, optimizer: { type: 'sgd' } },
    });
    const { report } = await probeModel(config, { runtime, baseDir: '.', batchSize: 32 });
    const byType = (type: string) => report.layers.find((l) => l.type === type)!;
    for (const type of ['conv2d', 'batchNormalization', 'residual', 'dense']) {
      const layer = byType(type);
      assert.ok(layer.gradNorm !== null && layer.gradNorm > 0 && Number.isFinite(layer.gradNorm), `${type} gradNorm ${layer.gradNorm}`);
      assert.ok(layer.weights !== null, `${type} weights`);
      assert.ok(layer.params > 0);
    }
    // BatchNorm's reported weights are gamma (initialized to ones).
    assert.deepEqual(byType('batchNormalization').weights, { mean: 1, std: 0 });
    for (const type of ['dropout', 'flatten', 'activation']) {
      assert.equal(byType(type).gradNorm, null, `${type} gradNorm`);
      assert.equal(byType(type).weights, null, `${type} weights`);
      assert.equal(byType(type).params, 0);
    }
    const sigmoid = byType('activation').activation;
    assert.ok(sigmoid.saturatedFraction !== null && sigmoid.zeroFraction === null);
    assert.ok(byType('conv2d').activation.zeroFraction !== null);
  });

  it('initial weights have the std each initializer documents (fan in 256, fan out 64)', async () => {
    const expected: Record<string, number> = {
      heNormal: Math.sqrt(2 / 256), heUniform: Math.sqrt(2 / 256),
      glorotNormal: Math.sqrt(2 / (256 + 64)), glorotUniform: Math.sqrt(2 / (256 + 64)),
      leCunNormal: Math.sqrt(1 / 256), leCunUniform: Math.sqrt(1 / 256),
      kaimingNormal: Math.sqrt(2 / 256), xavierNormal: Math.sqrt(2 / (256 + 64)),
    };
    // Each tested layer (256 → 64) is followed by a plain one back to 256 features.
    const report = await probe([...Object.keys(expected).flatMap((init) => [
      { type: 'dense', units: 64, kernelInitializer: init },
      { type: 'dense', units: 256 },
    ]), output]);
    const failures = Object.entries(expected).map(([init, std], i) => {
      const weights = report.layers[2 * i].weights!;
      return Math.abs(weights.std / std - 1) < 0.03 && Math.abs(weights.mean) < 0.05 * std ? undefined : `${init}: std ${weights.std}, documented ${std}`;
    }).filter(Boolean);
    assert.deepEqual(failures, []);
  });
});

describe('layer statistics (training)', () => {
  it('are taken every `diagnostics.every` steps, with updateRatio > 0 for weighted layers and the global norm matching the per-layer norms', async () => {
    const result = await train(configFrom(gaussianConfig({
      layers: [
        { type: 'dense', units: 16, activation: 'relu', kernelInitializer: 'heNormal' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 3, activation: 'softmax' },
      ],
      diagnostics: { every: 3 },
    })));
    assert.equal(result.ended.status, 'completed');
    assert.deepEqual(result.layerStats.map((e) => e.step), result.steps.map((s) => s.step).filter((s) => s % 3 === 0));
    for (const event of result.layerStats) {
      const [dense, dropout, out] = event.layers;
      for (const layer of [dense, out]) {
        assert.ok(layer.updateRatio !== undefined && layer.updateRatio > 0 && layer.updateRatio < 1, `updateRatio ${layer.updateRatio}`);
        assert.ok(layer.gradNorm! > 0);
      }
      assert.equal(dropout.updateRatio, undefined);
      assert.equal(dropout.gradNorm, undefined);
      const combined = Math.sqrt(dense.gradNorm! ** 2 + out.gradNorm! ** 2);
      assert.ok(Math.abs(combined - event.gradNorm) < 1e-4 * event.gradNorm, `${combined} vs ${event.gradNorm}`);
    }
  });
});
