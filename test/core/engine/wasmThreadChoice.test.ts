import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';
import { inferShapes } from '../../../src/core/config/shapeInference';
import { chooseWasmThreads, largestLayerMacs, MIN_THREADED_LAYER_MACS, wasmThreadsFor } from '../../../src/core/engine/wasmThreadChoice';
import { configFrom, gaussianConfig } from './engineFixtures';

const wide = 256 * 4096 * 4096; // the seeds' 4096-wide MLP at batch 256

describe('chooseWasmThreads', () => {
  it('gives a wide model one more thread per idle core', () => {
    assert.deepEqual(chooseWasmThreads({ largestLayerMacs: wide, cores: 2, load: 0.2 }), { threads: 2, reason: 'largest layer 4.3 G multiply-adds a step, 1 idle core' });
    assert.deepEqual(chooseWasmThreads({ largestLayerMacs: wide, cores: 8, load: 1.1 }), { threads: 4, reason: 'largest layer 4.3 G multiply-adds a step, 6 idle cores' });
    assert.equal(chooseWasmThreads({ largestLayerMacs: wide, cores: 4, load: 1.4 }).threads, 3);
  });

  it('keeps one thread when no core is idle: a pool thread waiting for a busy core slows every step', () => {
    assert.deepEqual(chooseWasmThreads({ largestLayerMacs: wide, cores: 2, load: 0.6 }), { threads: 1, reason: 'no idle core (load 0.6 on 2 cores)' });
    assert.deepEqual(chooseWasmThreads({ largestLayerMacs: wide, cores: 1, load: 0 }), { threads: 1, reason: 'one core' });
  });

  it('keeps one thread for small layers, whatever the machine', () => {
    const mnistMlp = 64 * 784 * 256;
    assert.deepEqual(chooseWasmThreads({ largestLayerMacs: mnistMlp, cores: 16, load: 0 }), { threads: 1, reason: 'layers too small for threads to pay (largest 12.8 M multiply-adds a step)' });
    assert.equal(chooseWasmThreads({ largestLayerMacs: MIN_THREADED_LAYER_MACS - 1, cores: 16, load: 0 }).threads, 1);
    assert.equal(chooseWasmThreads({ largestLayerMacs: MIN_THREADED_LAYER_MACS, cores: 16, load: 0 }).threads, 4);
  });
});

describe('largestLayerMacs', () => {
  it('counts a dense layer as inputs × units and a conv as its kernel volume × output positions and channels', () => {
    const dense = configFrom(gaussianConfig({ input: [8], layers: [{ type: 'dense', units: 300 }, { type: 'dense', units: 3 }] }));
    assert.equal(largestLayerMacs(inferShapes(dense.model.layers, dense.model.input).layers), 8 * 300);
    const cnn = configFrom(fs.readFileSync(path.join(__dirname, '../../../examples/mnist-cnn.train.json'), 'utf8'));
    // Its second conv: 3×3 kernels over 16 channels, at 14×14 positions × 32 filters.
    assert.equal(largestLayerMacs(inferShapes(cnn.model.layers, cnn.model.input).layers), 3 * 3 * 16 * 14 * 14 * 32);
  });
});

describe('wasmThreadsFor', () => {
  it('takes the config\'s wasmThreads over the automatic choice', () => {
    const config = configFrom({ ...gaussianConfig(), wasmThreads: 3 });
    assert.deepEqual(wasmThreadsFor(config, inferShapes(config.model.layers, config.model.input)), { threads: 3, reason: 'the config\'s wasmThreads' });
    const auto = configFrom(gaussianConfig());
    assert.equal(auto.wasmThreads, 'auto');
    assert.match(wasmThreadsFor(auto, inferShapes(auto.model.layers, auto.model.input)).reason, /^layers too small/);
  });

  it('refuses a wasmThreads that is neither "auto" nor 1–4, with its place', () => {
    for (const value of [0, 5, 1.5, '"two"']) {
      const text = JSON.stringify({ ...gaussianConfig(), wasmThreads: 'X' }, null, 2).replace('"X"', String(value));
      const errors = parseTrainConfig(text, 'x.train.json').problems.filter((p) => p.severity === 'error');
      assert.equal(errors.length, 1, `${value}: ${JSON.stringify(errors)}`);
      assert.deepEqual(errors[0].path, ['wasmThreads'], `${value}`);
    }
  });
});
