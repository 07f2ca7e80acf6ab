import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { augmentBatch, isAugmentationActive } from '../../../src/core/data/augment';
import { SeededRandom } from '../../../src/core/random';

const off = { translate: 0, flipHorizontal: false, noise: 0 };
const image3x3 = { height: 3, width: 3, channels: 1 };

/** A 3×3 image whose pixel (r, c) is 1 + 3r + c. */
const picture = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/** Finds the (dy, dx) a seed will draw for translate t, mirroring augmentBatch's draw order. */
function drawnShift(seed: number, t: number): [number, number] {
  const rng = new SeededRandom(seed);
  const dy = rng.int(2 * t + 1) - t;
  const dx = rng.int(2 * t + 1) - t;
  return [dy, dx];
}

describe('augmentBatch', () => {
  it('returns an identical copy when everything is off', () => {
    const x = Float32Array.from([1, -2, 3.5, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const out = augmentBatch(x, 2, 6, off, { height: 2, width: 3, channels: 1 }, new SeededRandom(1));
    assert.deepEqual(out, x);
    assert.notEqual(out, x);
  });

  it('shifts a known image exactly and fills with the background', () => {
    let seed = 0;
    while (drawnShift(seed, 1).join() !== '1,-1') seed++;
    const out = augmentBatch(picture, 1, 9, { ...off, translate: 1 }, image3x3, new SeededRandom(seed), [-0.5]);
    // Down one row, left one column: row 0 and column 2 are new background.
    assert.deepEqual(Array.from(out), [-0.5, -0.5, -0.5, 2, 3, -0.5, 5, 6, -0.5]);
  });

  it('takes a per-position background', () => {
    let seed = 0;
    while (drawnShift(seed, 1).join() !== '-1,0') seed++;
    const background = Float32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    const out = augmentBatch(picture, 1, 9, { ...off, translate: 1 }, image3x3, new SeededRandom(seed), background);
    assert.deepEqual(Array.from(out), [4, 5, 6, 7, 8, 9, 16, 17, 18]);
  });

  it('flips about half the images horizontally, and a flip mirrors each row', () => {
    const count = 200;
    const x = new Float32Array(count * 9);
    for (let i = 0; i < count; i++) x.set(picture, i * 9);
    const out = augmentBatch(x, count, 9, { ...off, flipHorizontal: true }, image3x3, new SeededRandom(3));
    let flipped = 0;
    for (let i = 0; i < count; i++) {
      const row = Array.from(out.subarray(i * 9, i * 9 + 9));
      if (row.join() === '3,2,1,6,5,4,9,8,7') flipped++;
      else assert.deepEqual(row, Array.from(picture));
    }
    assert.ok(flipped > 70 && flipped < 130, `flipped ${flipped}`);
  });

  it('mirrors channels-last pixels as whole pixels', () => {
    let seed = 0;
    while (new SeededRandom(seed).next() >= 0.5) seed++;
    const rgb = Float32Array.from([1, 10, 2, 20]); // 1×2 image, 2 channels
    const out = augmentBatch(rgb, 1, 4, { ...off, flipHorizontal: true }, { height: 1, width: 2, channels: 2 }, new SeededRandom(seed));
    assert.deepEqual(Array.from(out), [2, 20, 1, 10]);
  });

  it('adds noise of the requested size, also to non-image data', () => {
    const x = new Float32Array(10000);
    const out = augmentBatch(x, 100, 100, { ...off, noise: 0.5 }, undefined, new SeededRandom(4));
    const std = Math.sqrt(out.reduce((a, b) => a + b * b, 0) / out.length);
    assert.ok(Math.abs(std - 0.5) < 0.02, `std ${std}`);
  });

  it('ignores translate and flip without image geometry', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    const out = augmentBatch(x, 1, 4, { translate: 2, flipHorizontal: true, noise: 0 }, undefined, new SeededRandom(5));
    assert.deepEqual(out, x);
  });

  it('never mutates its input and is deterministic for a seed', () => {
    const x = Float32Array.from({ length: 9 * 20 }, (_, i) => i % 9);
    const before = x.slice();
    const config = { translate: 1, flipHorizontal: true, noise: 0.1 };
    const a = augmentBatch(x, 20, 9, config, image3x3, new SeededRandom(9));
    const b = augmentBatch(x, 20, 9, config, image3x3, new SeededRandom(9));
    const c = augmentBatch(x, 20, 9, config, image3x3, new SeededRandom(10));
    assert.deepEqual(x, before);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('rejects an image geometry that does not match the feature size', () => {
    assert.throws(() => augmentBatch(picture, 1, 9, { ...off, translate: 1 }, { height: 2, width: 2, channels: 1 }, new SeededRandom(1)), /does not match/);
  });
});

describe('isAugmentationActive', () => {
  it('is off when nothing would change the data', () => {
    assert.equal(isAugmentationActive(off, image3x3), false);
    assert.equal(isAugmentationActive({ ...off, translate: 2 }, undefined), false);
    assert.equal(isAugmentationActive({ ...off, translate: 2 }, image3x3), true);
    assert.equal(isAugmentationActive({ ...off, noise: 0.1 }, undefined), true);
  });
});
