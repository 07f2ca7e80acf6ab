// The probe's one-batch overfit check on the real engine: a sound model memorizes 32 examples, a
// model whose output cannot move (a softmax over one unit) does not, and the report has its shape.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overfitOneBatch } from '../../../src/core/engine/overfitBatch';
import { probeModel } from '../../../src/core/engine/probe';
import type { TensorflowRuntime } from '../../../src/core/engine/tensorflowRuntime';
import { configFrom, wasmRuntime } from './engineFixtures';

let runtime: TensorflowRuntime;
before(async () => {
  runtime = await wasmRuntime();
});

const blobs = (layers: object[], optimizer: object = { type: 'adam', learningRate: 0.01 }) => configFrom({
  seed: 3,
  data: { dataset: { synthetic: 'blobs', features: 8, samples: 200, classes: 4 }, validationSize: 0, preprocess: { normalize: 'standardize' } },
  model: { input: [8], layers },
  training: { epochs: 1, optimizer },
});

describe('one-batch overfit check', () => {
  it('a sound MLP memorizes 32 examples: the loss falls far below its start', async () => {
    const config = blobs([{ type: 'dense', units: 32, activation: 'relu', kernelInitializer: 'heNormal' }, { type: 'dense', units: 4, activation: 'softmax' }]);
    const { report } = await probeModel(config, { runtime, baseDir: '.', overfitBatch: { steps: 60 } });
    const result = report.overfitBatch!;
    assert.equal(result.examples, 32);
    assert.equal(result.steps, 60);
    assert.ok(result.fraction < 0.1, `fraction ${result.fraction}`);
    assert.ok(result.minLoss <= result.finalLoss + 1e-9);
    assert.equal(result.curve.length, 11);
    assert.deepEqual([result.curve[0][0], result.curve[10][0]], [0, 59]);
    assert.equal(result.curve[0][1], result.initialLoss);
  });

  it('a learning rate of 1e-6 leaves the loss where it was', async () => {
    const config = blobs([{ type: 'dense', units: 32, activation: 'relu', kernelInitializer: 'heNormal' }, { type: 'dense', units: 4, activation: 'softmax' }], { type: 'sgd', learningRate: 1e-6 });
    const { report } = await probeModel(config, { runtime, baseDir: '.' });
    assert.equal(report.overfitBatch, undefined, 'opt-in: a plain probe does not train');
    const result = await overfitOneBatch(config, { runtime, baseDir: '.', steps: 30, examples: 16 });
    assert.equal(result.examples, 16);
    assert.ok(result.fraction > 0.95, `fraction ${result.fraction}`);
  });
});
