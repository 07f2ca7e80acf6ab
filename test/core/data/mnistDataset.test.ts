import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnistExamples, mnistPool } from '../../../src/core/data/mnistDataset';

describe('MNIST from the mnist package', () => {
  it('holds 10,000 28×28 digits with pixel values in [0, 1] and all ten labels', () => {
    const pool = mnistPool();
    assert.equal(pool.count, 10000);
    assert.equal(pool.x.length, 10000 * 784);
    let min = Infinity;
    let max = -Infinity;
    for (const v of pool.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    const counts = new Array<number>(10).fill(0);
    for (const label of pool.y) counts[label]++;
    assert.ok(counts.every((n) => n > 800 && n < 1200), `counts ${counts}`);
    assert.equal(mnistPool(), pool, 'decoded once and cached');
  });

  it('reports its shape: flat [784] or image [28, 28, 1], always with 28×28×1 geometry', () => {
    const flat = loadMnistExamples('flat', 1);
    const image = loadMnistExamples('image', 1);
    assert.deepEqual(flat.inputShape, [784]);
    assert.deepEqual(image.inputShape, [28, 28, 1]);
    for (const loaded of [flat, image]) {
      assert.equal(loaded.featureSize, 784);
      assert.equal(loaded.numClasses, 10);
      assert.deepEqual(loaded.image, { height: 28, width: 28, channels: 1 });
    }
  });

  it('shuffles by seed without touching the cached pool', () => {
    const pool = mnistPool();
    const firstRowBefore = pool.x.slice(0, 784);
    const a = loadMnistExamples('flat', 11).examples;
    const b = loadMnistExamples('flat', 11).examples;
    const c = loadMnistExamples('flat', 12).examples;
    assert.deepEqual(a.y, b.y);
    assert.deepEqual(a.x.subarray(0, 784 * 50), b.x.subarray(0, 784 * 50));
    assert.notDeepEqual(a.y, c.y);
    // Not in file order: the first 100 examples mix several digits.
    assert.ok(new Set(a.y.subarray(0, 100)).size >= 8);
    assert.deepEqual(pool.x.slice(0, 784), firstRowBefore);
    assert.notEqual(a.x, pool.x);
  });
});
