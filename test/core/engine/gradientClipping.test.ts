import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildModel } from '../../../src/core/engine/modelBuilder';
import { loadSavedModel } from '../../../src/core/engine/modelSaver';
import type { Tf } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, gaussianConfig, tempDir, train, wasmRuntime } from './engineFixtures';

const runs = tempDir('clipping');
after(runs.cleanup);

let tf: Tf;
before(async () => {
  tf = (await wasmRuntime()).tf;
});

const lr = 0.5;

/** One full-batch SGD step; per config layer: ‖θ before‖, ‖Δθ‖ and the reported statistics. */
async function oneStep(gradientClipping?: { norm: number }) {
  const config = configFrom(gaussianConfig({
    layers: [
      { type: 'dense', units: 16, activation: 'tanh', biasInitializer: { type: 'constant', value: 0.1 } },
      { type: 'dense', units: 3, activation: 'softmax', biasInitializer: { type: 'constant', value: -0.2 } },
    ],
    training: { epochs: 1, batchSize: 200, optimizer: { type: 'sgd', learningRate: lr }, ...(gradientClipping ? { gradientClipping } : {}) },
    diagnostics: { every: 1 },
  }));
  const result = await train(config, { runsDir: runs.dir, saveWeights: true });
  assert.equal(result.ended.steps, 1);
  const started = result.events.find((e) => e.type === 'run-started');
  assert.ok(started?.type === 'run-started' && started.runDir);
  const after = await loadSavedModel(tf, path.join(started.runDir, 'model'));
  const built = buildModel(tf, config.model.layers, config.model.input, config.seed);
  const before = built.predictor;
  const norm = (values: number[]) => Math.sqrt(values.reduce((s, v) => s + v * v, 0));
  // Dense layers 1 and 2 hold weights [kernel, bias] each, in order.
  const layers = [0, 1].map((i) => {
    const was = before.getWeights().slice(2 * i, 2 * i + 2).flatMap((w) => Array.from(w.dataSync()));
    const now = after.getWeights().slice(2 * i, 2 * i + 2).flatMap((w) => Array.from(w.dataSync()));
    return { size: norm(was), change: norm(now.map((v, k) => v - was[k])) };
  });
  built.model.dispose();
  after.dispose();
  const stats = result.layerStats[0];
  return { layers, stats, globalChange: Math.sqrt(layers[0].change ** 2 + layers[1].change ** 2) };
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('gradient clipping by global norm', () => {
  it('without clipping, SGD moves each layer by lr·‖g_layer‖ and updateRatio·‖θ‖ is that move', async () => {
    const { layers, stats } = await oneStep();
    layers.forEach((layer, i) => {
      near(layer.change, lr * stats.layers[i].gradNorm!, 1e-4, `layer ${i} change`);
      near(stats.layers[i].updateRatio! * layer.size, layer.change, 1e-4, `layer ${i} updateRatio`);
    });
    near(Math.hypot(stats.layers[0].gradNorm!, stats.layers[1].gradNorm!), stats.gradNorm, 1e-5, 'global norm');
  });

  it('with norm 0.1 the whole update has norm lr·0.1, split across layers as their pre-clip gradients, which the statistics report', async () => {
    const clip = 0.1;
    const { layers, stats, globalChange } = await oneStep({ norm: clip });
    assert.ok(stats.gradNorm > 3 * clip, `the gradient (norm ${stats.gradNorm}) should be clipped`);
    near(globalChange, lr * clip, 1e-4, 'global update norm');
    layers.forEach((layer, i) => {
      // Reported gradNorm is before clipping; the applied gradient was scaled by clip/‖g‖.
      near(layer.change, (lr * stats.layers[i].gradNorm! * clip) / stats.gradNorm, 1e-4, `layer ${i} change`);
      near(stats.layers[i].updateRatio! * layer.size, layer.change, 1e-4, `layer ${i} updateRatio`);
    });
    // The same statistics as the unclipped run: clipping does not change what is measured.
    const unclipped = await oneStep();
    near(stats.gradNorm, unclipped.stats.gradNorm, 1e-6, 'pre-clip global norm');
  });

  it('a norm above the gradient norm leaves the update alone', async () => {
    const unclipped = await oneStep();
    const loose = await oneStep({ norm: unclipped.stats.gradNorm * 2 });
    loose.layers.forEach((layer, i) => near(layer.change, unclipped.layers[i].change, 1e-6, `layer ${i}`));
  });
});
