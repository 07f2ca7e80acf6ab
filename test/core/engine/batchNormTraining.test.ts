import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { batchNormTrainingClass } from '../../../src/core/engine/batchNormTraining';
import { loadSavedModel } from '../../../src/core/engine/modelSaver';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, maxRelativeError, onBackend, tempDir, train, wasmRuntime, type Tensor } from './engineFixtures';

// Float32 tolerance: the outputs and moving statistics come from the same kernels as the stock
// layer's (moments, FusedBatchNorm, the same update arithmetic), so they agree to rounding; the
// gradients sum the same terms in another order and grouping (up to 168 terms a channel here), so
// they agree to a few float32 ulps of the largest entry (for dx, of its largest term γ·r·dy, which
// cancel to exactly 0 with one element a channel), far below 1e-4. A wrong term (a 1/N off by
// one element, a missing x̂ term) moves them by more than 1/168 ≈ 6e-3.
const OUTPUT_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4;

type LayerLike = { apply(x: Tensor, kwargs?: object): unknown; getWeights(): Tensor[]; setWeights(w: Tensor[]): void; trainableWeights: { read(): Tensor }[] };

function makeLayers(tf: Tf, shape: number[], momentum: number) {
  const Fused = batchNormTrainingClass(tf);
  const args = { momentum, epsilon: 1e-3 };
  const stock = tf.layers.batchNormalization(args) as unknown as LayerLike;
  const fused = new Fused(args) as unknown as LayerLike;
  const channels = shape[shape.length - 1];
  tf.tidy(() => {
    stock.apply(tf.zeros(shape));
    fused.apply(tf.zeros(shape));
    const weights = [
      tf.randomNormal([channels], 1, 0.5, 'float32', 11), tf.randomNormal([channels], 0, 0.5, 'float32', 12),
      tf.randomNormal([channels], 0, 1, 'float32', 13), tf.randomUniform([channels], 0.5, 2, 'float32', 14),
    ];
    stock.setWeights(weights);
    fused.setWeights(weights);
  });
  return { stock, fused };
}

/** One training-mode call and its gradients for x, gamma and beta of a weighted sum of the output. */
function step(tf: Tf, layer: LayerLike, x: Tensor, weights: Tensor) {
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read());
  let output: Tensor | undefined;
  const loss = (input: Tensor) => {
    const y = layer.apply(input, { training: true }) as Tensor;
    output = tf.keep(y.clone());
    return tf.sum(tf.mul(weights, y));
  };
  const xVariable = tf.variable(x);
  const { value, grads } = tf.variableGrads(() => loss(xVariable) as never, [xVariable, gamma as never, beta as never]);
  const result = { output: output!, dx: grads[xVariable.name], dGamma: grads[(gamma as unknown as { name: string }).name], dBeta: grads[(beta as unknown as { name: string }).name] };
  tf.dispose([xVariable, value]);
  return result;
}

/**
 * The size of the terms dx is made of, γ·r·dy: they cancel (to exactly 0 when a channel has one
 * element), so rounding is relative to them, not to dx.
 */
function dxTermScale(tf: Tf, layer: LayerLike, x: Tensor, dy: Tensor): number {
  return tf.tidy(() => {
    const gamma = layer.trainableWeights[0].read();
    const { variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
    return tf.max(tf.abs(tf.mul(gamma, tf.rsqrt(tf.add(variance, 1e-3))))).dataSync()[0] * tf.max(tf.abs(dy)).dataSync()[0];
  });
}

function compare(tf: Tf, shape: number[], label: string) {
  const { stock, fused } = makeLayers(tf, shape, 0.9);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 20 + i);
    const weights = tf.randomNormal(shape, 0, 1, 'float32', 30 + i);
    const a = step(tf, fused, x, weights);
    const b = step(tf, stock, x, weights);
    const at = `${label} step ${i}`;
    assert.ok(maxRelativeError(a.output.dataSync(), b.output.dataSync()) <= OUTPUT_TOLERANCE, `${at}: output`);
    for (const name of ['dx', 'dGamma', 'dBeta'] as const) {
      assert.deepEqual(a[name].shape, b[name].shape, `${at}: ${name} shape`);
      const error = maxRelativeError(a[name].dataSync(), b[name].dataSync(), name === 'dx' ? dxTermScale(tf, fused, x, weights) : 1e-3);
      assert.ok(error <= GRADIENT_TOLERANCE, `${at}: ${name} differs by ${error} (relative to its largest entry)`);
    }
    tf.dispose([x, weights, ...Object.values(a), ...Object.values(b)]);
  }
  // Moving mean, moving variance (and untouched gamma, beta) after three steps.
  const fusedWeights = fused.getWeights();
  stock.getWeights().forEach((w, i) => {
    assert.ok(maxRelativeError(fusedWeights[i].dataSync(), w.dataSync()) <= OUTPUT_TOLERANCE, `${label}: weight ${i} after 3 steps`);
  });
  assert.equal(tf.memory().numTensors, before, `${label}: no tensors left behind by the steps`);
}

describe('BatchNormalization training with the analytic gradient', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`matches the stock layer on ${backend}: output, gradients for x, gamma, beta, moving statistics (2-D and 4-D, batch 1 and more)`, async () => {
      const { tf } = await wasmRuntime();
      await onBackend(tf, backend, () => {
        for (const shape of [[16, 5], [1, 5], [4, 6, 7, 3], [1, 5, 4, 2]]) compare(tf, shape, `${backend} ${JSON.stringify(shape)}`);
      });
    });
  }

  it('keeps the stock class name and its inference path', async () => {
    const { tf } = await wasmRuntime();
    const { stock, fused } = makeLayers(tf, [6, 4], 0.99);
    assert.equal((fused as unknown as { getClassName(): string }).getClassName(), 'BatchNormalization');
    tf.tidy(() => {
      const x = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
      assert.deepEqual((fused.apply(x) as Tensor).dataSync(), (stock.apply(x) as Tensor).dataSync());
    });
  });

  it('leaves frozen gamma/beta stand-ins (scale and center false) unchanged through training, and saves like the stock layer', async () => {
    const config = configFrom({
      name: 'frozen', seed: 4,
      data: { dataset: { synthetic: 'gaussian', features: 6, samples: 128, classes: 3 }, validationSize: 32 },
      model: { input: [6], layers: [{ type: 'dense', units: 8 }, { type: 'batchNormalization', scale: false, center: false }, { type: 'dense', units: 3, activation: 'softmax' }] },
      training: { epochs: 1, batchSize: 32, optimizer: { type: 'sgd', learningRate: 0.5 } },
    });
    const { tf } = await wasmRuntime();
    const runs = tempDir('batchnorm');
    try {
      const result = await train(config, { runsDir: runs.dir, saveWeights: true });
      assert.equal(result.ended.status, 'completed', result.ended.reason);
      const started = result.events.find((e) => e.type === 'run-started');
      assert.ok(started?.type === 'run-started' && started.runDir);
      const saved = await loadSavedModel(tf, path.join(started.runDir, 'model'));
      const norm = saved.layers.find((l) => l.getClassName() === 'BatchNormalization');
      assert.ok(norm, 'the saved model has a BatchNormalization layer');
      const [gamma, beta, movingMean] = norm.getWeights().map((w) => Array.from(w.dataSync()));
      assert.deepEqual(gamma, new Array(8).fill(1), 'frozen gamma');
      assert.deepEqual(beta, new Array(8).fill(0), 'frozen beta');
      assert.ok(movingMean.some((v) => v !== 0), 'the moving mean moved: the layer trained');
      saved.dispose();
    } finally {
      runs.cleanup();
    }
  });

  it('trains the ResNet example a few steps to the stock layer\'s losses (wasm)', async () => {
    const config = resnetConfig();
    const runtime = await wasmRuntime();
    const fused = await train(config, { runtime });
    const Fused = batchNormTrainingClass(runtime.tf).prototype as unknown as Record<string, unknown>;
    const ownCall = Object.getOwnPropertyDescriptor(Fused, 'call')!;
    delete Fused.call; // the stock layer's call from here on
    let stock;
    try {
      stock = await train(config, { runtime });
    } finally {
      Object.defineProperty(Fused, 'call', ownCall);
    }
    assert.equal(fused.ended.status, 'completed', fused.ended.reason);
    assert.equal(fused.steps.length, 4);
    // Float32 rounding differences in the gradients grow a little through 4 SGD steps.
    fused.steps.forEach((s, i) => assert.ok(Math.abs(s.loss - stock.steps[i].loss) <= 1e-4 * stock.steps[i].loss, `step ${i}: ${s.loss} vs stock ${stock.steps[i].loss}`));
  });
});

/** The ResNet example itself (5 batch norms, two of them starting at gamma 0), on 256 images: 4 steps. */
function resnetConfig() {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'mnist-resnet.train.json'), 'utf8')
    .replace('"trainSize": 4000', '"trainSize": 256').replace('"validationSize": 1000', '"validationSize": 64').replace('"epochs": 3', '"epochs": 1');
  return configFrom(text, 'mnist-resnet.train.json');
}
