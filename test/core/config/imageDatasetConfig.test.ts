// The "images" dataset in a config: what the schema accepts, what the typed config holds, and the
// input shape it implies before any file is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrainConfig } from '../../../src/core/config/parseConfig';

function configWith(dataset: unknown, input: number[]) {
  return JSON.stringify({
    data: { dataset },
    model: { input, layers: [{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'softmax' }] },
    training: { epochs: 1, optimizer: { type: 'sgd', learningRate: 0.1 } },
  });
}

describe('config: an image folder as the dataset', () => {
  it('is typed with its folder, size and channels (3 by default)', () => {
    const parsed = parseTrainConfig(configWith({ images: 'flowers', size: [32, 24] }, [32, 24, 3]), 'a.train.json');
    assert.deepEqual(parsed.problems.filter((p) => p.severity === 'error'), []);
    assert.deepEqual(parsed.config?.data.dataset, { kind: 'images', images: 'flowers', size: [32, 24], channels: 3 });
  });

  it('implies the input shape [height, width, channels]: a model.input that differs is a located error', () => {
    const parsed = parseTrainConfig(configWith({ images: 'flowers', size: [32, 32], channels: 1 }, [32, 32, 3]), 'a.train.json');
    const mismatch = parsed.problems.find((p) => p.code === 'shape.input-mismatch');
    assert.ok(mismatch, JSON.stringify(parsed.problems));
    assert.deepEqual(mismatch.path, ['model', 'input']);
    assert.match(mismatch.message, /\[32, 32, 1\]/);
  });

  it('refuses a channel count other than 1 or 3, a size that is not [h, w] of at most 1024, and unknown keys', () => {
    for (const dataset of [
      { images: 'f', size: [32, 32], channels: 2 },
      { images: 'f', size: [32] },
      { images: 'f', size: [32, 2048] },
      { images: 'f', size: [32, 32], label: 'x' },
      { images: '', size: [32, 32] },
    ]) {
      const parsed = parseTrainConfig(configWith(dataset, [32, 32, 3]), 'a.train.json');
      assert.ok(parsed.problems.some((p) => p.severity === 'error'), JSON.stringify(dataset));
      assert.equal(parsed.config, undefined);
    }
  });
});
