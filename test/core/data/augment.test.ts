import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { augmentBatch, isAugmentationActive, rotateImage } from '../../../src/core/data/augment';
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

describe('augmentBatch: rotation and random crop with padding', () => {
  /** A 5×5 colour image whose pixel (r, c) is v, 2v, 3v with v = 1 + 5r + c: channels keep a fixed ratio. */
  const colour = new Float32Array(5 * 5 * 3);
  for (let p = 0; p < 25; p++) colour.set([p + 1, 2 * (p + 1), 3 * (p + 1)], p * 3);
  const image5x5 = { height: 5, width: 5, channels: 3 };

  it('turns an image about its centre: at 90 degrees each pixel lands a quarter turn on', () => {
    const square = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    const out = new Float32Array(9);
    rotateImage(square, out, 0, image3x3, 90, new Float32Array(9).fill(-1));
    // Output (r, c) comes from source (2 - c, r): the left column becomes the top row.
    const expected = [7, 4, 1, 8, 5, 2, 9, 6, 3];
    out.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${Array.from(out)}`));
  });

  it('fills the corners a slight turn brings in from outside with the background, and draws angles within ±rotate', () => {
    const ones = new Float32Array(25).fill(1);
    const out = new Float32Array(25);
    rotateImage(ones, out, 0, { height: 5, width: 5, channels: 1 }, 30, new Float32Array(25).fill(-7));
    assert.equal(out[0], -7);
    assert.equal(out[12], 1);
    // Ten degrees at most: the corner pixel of a 5×5 image moves by under one pixel, so no background shows.
    const x = new Float32Array(25 * 50).fill(1);
    const turned = augmentBatch(x, 50, 25, { ...off, rotate: 10 }, { height: 5, width: 5, channels: 1 }, new SeededRandom(6), [-7]);
    assert.ok(turned.every((v) => v === 1 || Math.abs(v - 1) < 1e-5), 'a ±10° turn of a 5×5 image keeps every pixel inside');
  });

  it('keeps colours: every channel of a pixel is moved with the same weights, background per channel', () => {
    const count = 30;
    const x = new Float32Array(count * 75);
    for (let i = 0; i < count; i++) x.set(colour, i * 75);
    const out = augmentBatch(x, count, 75, { ...off, rotate: 15, crop: 2, translate: 1, flipHorizontal: true }, image5x5, new SeededRandom(2), [0, 0, 0]);
    let changed = 0;
    for (let p = 0; p < count * 25; p++) {
      const [r, g, b] = [out[p * 3], out[p * 3 + 1], out[p * 3 + 2]];
      assert.ok(Math.abs(g - 2 * r) < 1e-4 && Math.abs(b - 3 * r) < 1e-4, `pixel ${p}: ${r}, ${g}, ${b}`);
      if (r !== colour[(p % 25) * 3]) changed++;
    }
    assert.ok(changed > count * 5, `only ${changed} pixels changed`);
  });

  it('a random crop with padding p is a shift of at most p pixels with the background filled in', () => {
    const count = 200;
    const single = Float32Array.from({ length: 25 }, (_, i) => i + 1);
    const x = new Float32Array(count * 25);
    for (let i = 0; i < count; i++) x.set(single, i * 25);
    const out = augmentBatch(x, count, 25, { ...off, crop: 2 }, { height: 5, width: 5, channels: 1 }, new SeededRandom(8), [-1]);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const row = out.subarray(i * 25, (i + 1) * 25);
      // Recover the shift from where pixel value 13 (the centre, r = c = 2) went.
      const at = row.indexOf(13);
      const dy = Math.floor(at / 5) - 2;
      const dx = (at % 5) - 2;
      assert.ok(Math.abs(dy) <= 2 && Math.abs(dx) <= 2);
      for (let r = 0; r < 5; r++) {
        for (let c = 0; c < 5; c++) {
          const fromR = r - dy;
          const fromC = c - dx;
          const expected = fromR >= 0 && fromR < 5 && fromC >= 0 && fromC < 5 ? single[fromR * 5 + fromC] : -1;
          assert.equal(row[r * 5 + c], expected);
        }
      }
      seen.add(`${dy},${dx}`);
    }
    assert.equal(seen.size, 25, 'every offset in ±2 × ±2 turns up');
  });

  it('is seeded, leaves its input alone, and draws as before when rotate and crop are off', () => {
    const x = Float32Array.from({ length: 75 * 4 }, (_, i) => i % 75);
    const before = x.slice();
    const config = { ...off, rotate: 10, crop: 1, noise: 0.01 };
    assert.deepEqual(augmentBatch(x, 4, 75, config, image5x5, new SeededRandom(3)), augmentBatch(x, 4, 75, config, image5x5, new SeededRandom(3)));
    assert.deepEqual(x, before);
    // An old config (no rotate, no crop keys) and one with both at 0 give the same batch.
    const old = augmentBatch(x, 4, 75, { translate: 1, flipHorizontal: true, noise: 0.1 }, image5x5, new SeededRandom(4));
    const zeros = augmentBatch(x, 4, 75, { translate: 1, rotate: 0, crop: 0, flipHorizontal: true, noise: 0.1 }, image5x5, new SeededRandom(4));
    assert.deepEqual(old, zeros);
  });

  it('counts as active only with an image', () => {
    assert.equal(isAugmentationActive({ ...off, rotate: 5 }, image5x5), true);
    assert.equal(isAugmentationActive({ ...off, crop: 4 }, image5x5), true);
    assert.equal(isAugmentationActive({ ...off, rotate: 5, crop: 4 }, undefined), false);
  });
});
